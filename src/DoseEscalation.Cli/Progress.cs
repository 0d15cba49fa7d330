using Spectre.Console;

namespace DoseEscalation.Cli;

/// <summary>A progress bar on standard error, drawn only when it is a terminal and not silenced.</summary>
public static class Progress
{
    /// <summary>Runs <paramref name="work"/>, which reports the units done so far through its argument.</summary>
    public static T Run<T>(bool show, long total, string label, Func<Action<long>, T> work)
    {
        if (!show || total < 2_000_000) return work(_ => { });
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(label, maxValue: total);
                object gate = new();
                result = work(done => { lock (gate) task.Value = Math.Max(task.Value, done); });
            });
        return result;
    }
}
