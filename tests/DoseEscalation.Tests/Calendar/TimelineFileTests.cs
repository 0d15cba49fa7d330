using DoseEscalation.Engines.Calendar;
using DoseEscalation.Scenarios;

namespace DoseEscalation.Tests.Calendar;

public class TimelineFileTests
{
    private const string Base = """
        trial:
          name: Test
          dlt_window_days: 28
        doses: [DL1, DL2, DL3]
        design:
          name: 3+3
        target: 0.3
        scenarios:
          - name: a
            dlt: [0.1, 0.2, 0.3]
        protocol:
          non_evaluable_rate: 0.1
        timeline:
          accrual_rate_per_month: 2
        """;

    private static ScenarioFile Parse(string extra) => ScenarioFileReader.Parse(Base + extra, "t.yaml");

    [Fact]
    public void A_file_without_timeline_has_none()
    {
        var f = ScenarioFileReader.Parse(Base[..Base.IndexOf("timeline:", StringComparison.Ordinal)], "t.yaml");
        Assert.Null(f.Timeline);
    }

    [Fact]
    public void Defaults_come_from_the_trial_and_protocol()
    {
        var t = Parse("").Timeline!;
        Assert.Equal(AccrualKind.Poisson, t.Accrual);
        Assert.Equal(2, t.RatePerMonth);
        Assert.Equal(28, t.DltWindowDays);        // trial.dlt_window_days
        Assert.Equal(0.1, t.NonEvaluableRate);    // protocol.non_evaluable_rate
        Assert.Equal(28, t.NonEvaluableAfterDays);
        Assert.Equal(1, t.DltTimeShape);
        Assert.False(t.HasWaitingLimit);
        Assert.Equal(365.25 / 12 / 2, t.MeanGapDays, 12);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var t = ScenarioFileReader.Parse(Base.Replace("accrual_rate_per_month: 2", """
            accrual_interval_days: 10
              screening_failure: 0.2
              enrolment_to_infusion_days: 21
              dlt_window_days: 35
              dlt_time_shape: 0.5
              sentinel_days: 7
              max_wait_days: 30
              max_waiting: 4
              non_evaluable_days: 14
              response_days: 56
              notes: window from the record; the rest assumed
            """), "t.yaml").Timeline!;
        Assert.Equal(new Timeline
        {
            Accrual = AccrualKind.FixedInterval, IntervalDays = 10, ScreeningFailure = 0.2, InfusionDelayDays = 21, DltWindowDays = 35,
            DltTimeShape = 0.5, SentinelDays = 7, MaxWaitDays = 30, MaxWaiting = 4, NonEvaluableRate = 0.1, NonEvaluableDays = 14,
            ResponseDays = 56, Notes = "window from the record; the rest assumed",
        }, t);
    }

    [Theory]
    [InlineData("  accrual_rate_per_month: 2", "  accrual_rate_per_month: 0", "t.yaml:14: timeline.accrual_rate_per_month = 0: must be above 0")]
    [InlineData("  accrual_rate_per_month: 2", "  accrual_rate_per_month: 2\n  accrual_interval_days: 10", "t.yaml:15: timeline.accrual_interval_days = 10: give accrual_rate_per_month (Poisson) or accrual_interval_days (fixed), not both")]
    [InlineData("  accrual_rate_per_month: 2", "  screening_failure: 0.1", "t.yaml:14: timeline.accrual_rate_per_month: is required")]
    [InlineData("  accrual_rate_per_month: 2", "  accrual_rate_per_month: 2\n  screening_failure: 1.5", "t.yaml:15: timeline.screening_failure = 1.5: a probability must be in [0, 1]")]
    [InlineData("  accrual_rate_per_month: 2", "  accrual_rate_per_month: 2\n  sentinel_days: -3", "t.yaml:15: timeline.sentinel_days = -3: must be between 0 and 3650 days")]
    [InlineData("  accrual_rate_per_month: 2", "  accrual_rate_per_month: 2\n  dlt_time_shape: 0", "t.yaml:15: timeline.dlt_time_shape = 0: must be above 0")]
    [InlineData("  accrual_rate_per_month: 2", "  accrual_rate_per_month: 2\n  non_evaluable_days: 40", "t.yaml:15: timeline.non_evaluable_days = 40: must not exceed the DLT window (28 days)")]
    [InlineData("  accrual_rate_per_month: 2", "  accrual_interval_days: 0\n  max_waiting: 2", "t.yaml:14: timeline.accrual_interval_days = 0: must be above 0 when arrivals can be lost")]
    [InlineData("  accrual_rate_per_month: 2", "  accrual_rate_per_month: 2\n  window: 3", "t.yaml:15: timeline.window: unknown key")]
    // Ranges the calendar can honour (1/1024-day ticks, bounded waiting lists), checked before any work.
    [InlineData("  accrual_rate_per_month: 2", "  accrual_rate_per_month: 1e-12", "t.yaml:14: timeline.accrual_rate_per_month = 1e-12: must be at least 0.01 patients per month")]
    [InlineData("  accrual_rate_per_month: 2", "  accrual_interval_days: 1e-300\n  max_waiting: 0", "t.yaml:14: timeline.accrual_interval_days = 1e-300: must be 0 (everyone at once) or at least 0.01 days")]
    [InlineData("  accrual_rate_per_month: 2", "  accrual_interval_days: 0.01\n  max_wait_days: 36500", "t.yaml:15: timeline.max_wait_days = 36500: with an arrival every 0.01 days, up to 3650000 patients could wait at once, more than 100,000")]
    [InlineData("  dlt_window_days: 28\n", "", "t.yaml:13: timeline.dlt_window_days: is required when trial.dlt_window_days is not given")]
    public void Bad_timelines_name_file_line_field_and_value(string replace, string with, string expectedStart)
    {
        var ex = Assert.Throws<ScenarioFileException>(() => ScenarioFileReader.Parse(Base.Replace(replace, with), "t.yaml"));
        Assert.StartsWith(expectedStart, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
