using DoseEscalation.Application;
using Spectre.Console;

namespace DoseEscalation.Cli;

/// <summary>A progress bar on standard error, drawn only when it is a terminal and not silenced.</summary>
public static class Progress
{
    /// <summary>Phases shorter than this many units are not drawn (they end before a bar would help).</summary>
    private const long Smallest = 2_000_000;

    /// <summary>Runs <paramref name="work"/>, giving it a reporter that draws each phase as a bar (or none when not shown).</summary>
    public static T Run<T>(bool show, Func<IProgress<RunProgress>?, T> work)
    {
        if (!show) return work(null);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                object gate = new();
                result = work(new Reporter(p =>
                {
                    if (p.Total < Smallest) return;
                    lock (gate)
                    {
                        if (!tasks.TryGetValue(p.Label, out var task)) tasks[p.Label] = task = ctx.AddTask(p.Label, maxValue: p.Total);
                        task.Value = Math.Max(task.Value, p.Done);
                    }
                }));
            });
        return result;
    }

    // Synchronous: Progress<T> would post to a thread-pool context and draw late.
    private sealed class Reporter(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
