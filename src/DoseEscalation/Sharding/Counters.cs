using System.Text.Json;
using DoseEscalation.Engines;
using DoseEscalation.Engines.Calendar;
using DoseEscalation.Engines.Response;

namespace DoseEscalation.Sharding;

/// <summary>
/// The one contract for every engine's integer counters: how a shard writes them, how merge reads
/// them back, and how two ranges' counters add (refusing counters of another shape). Engines count
/// a range of batches; <c>Finish</c> turns the summed counters into results.
/// </summary>
public sealed class Counters<T>
{
    private readonly Action<Utf8JsonWriter, T> _write;
    private readonly Func<JsonElement, T> _read;
    private readonly Action<T, T> _add;
    private readonly Func<T, T, bool> _sameShape;
    private readonly Func<T, long> _trials;

    private Counters(Action<Utf8JsonWriter, T> write, Func<JsonElement, T> read, Action<T, T> add, Func<T, long> trials, Func<T, T, bool>? sameShape = null)
    {
        (_write, _read, _add, _trials) = (write, read, add, trials);
        _sameShape = sameShape ?? ((_, _) => true);
    }

    /// <summary>The trials these counters count.</summary>
    public long Trials(T counters) => _trials(counters);

    public void Write(Utf8JsonWriter w, T counters) => _write(w, counters);

    /// <exception cref="FormatException">Damaged counters (also KeyNotFoundException, InvalidOperationException, ArgumentException from the reader).</exception>
    public T Read(JsonElement e) => _read(e);

    /// <summary>Adds <paramref name="part"/> into <paramref name="total"/>; false (nothing added) when their shapes differ.</summary>
    public bool TryAdd(T total, T part)
    {
        if (!_sameShape(total, part)) return false;
        _add(total, part);
        return true;
    }

    private static bool Same(OcTally<long> a, OcTally<long> b) =>
        a.DoseCount == b.DoseCount && a.MaxPatients == b.MaxPatients && a.TrueMtdLevel == b.TrueMtdLevel && (a.SelectedPatients is null) == (b.SelectedPatients is null);

    /// <summary>The toxicity tally of the Monte Carlo engines.</summary>
    public static Counters<OcTally<long>> Tally { get; } = new(CounterJson.WriteTally, CounterJson.ReadTally, (t, p) => t.Add(p), t => t.Weight, Same);

    /// <summary>The toxicity tally with responders (designs that read responses).</summary>
    public static Counters<ResponseTally<long>> Responses { get; } = new(CounterJson.WriteResponseTally, CounterJson.ReadResponseTally, (t, p) => t.Add(p), t => t.Oc.Weight,
        (a, b) => a.Oc.DoseCount == b.Oc.DoseCount && a.Oc.MaxPatients == b.Oc.MaxPatients && a.Oc.TrueMtdLevel == b.Oc.TrueMtdLevel);

    /// <summary>The calendar engine's tally (times, waiting, lost patients, and the toxicity tally).</summary>
    public static Counters<CalendarTally> Calendar { get; } = new(CounterJson.WriteCalendarTally, CounterJson.ReadCalendarTally, (t, p) => t.Add(p), t => t.Oc.Weight,
        (a, b) => Same(a.Oc, b.Oc));

    /// <summary>The calendar tally and the responders, side by side (a design that reads responses, in calendar time).</summary>
    public static Counters<(CalendarTally Times, ResponseTally<long> Responses)> CalendarWithResponses { get; } = new(
        (w, c) =>
        {
            w.WriteStartObject();
            w.WritePropertyName("times");
            CounterJson.WriteCalendarTally(w, c.Times);
            w.WritePropertyName("responses");
            CounterJson.WriteResponseTally(w, c.Responses);
            w.WriteEndObject();
        },
        e => (CounterJson.ReadCalendarTally(e.GetProperty("times")), CounterJson.ReadResponseTally(e.GetProperty("responses"))),
        (t, p) => { t.Times.Add(p.Times); t.Responses.Add(p.Responses); },
        t => t.Times.Oc.Weight == t.Responses.Oc.Weight ? t.Times.Oc.Weight : -1,
        (a, b) => Calendar._sameShape(a.Times, b.Times) && Responses._sameShape(a.Responses, b.Responses));

    /// <summary>A comparison's paired counters (compare, and compare --calendar).</summary>
    public static Counters<ComparisonCounts> Comparison { get; } = new(CounterJson.WriteComparison, CounterJson.ReadComparison, (t, p) => t.Add(p), c => c.Tallies[0].Weight);
}
