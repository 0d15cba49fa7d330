using DoseEscalation.Designs.Configuration;

namespace DoseEscalation.Application;

/// <summary>How far a run has got: units (trials, or cells of a sweep) done of the total, under a label.</summary>
public readonly record struct RunProgress(string Label, long Done, long Total);

/// <summary>A warning or a note a run has for its user (printed on standard error by the CLI, shown on a page).</summary>
public sealed record RunMessage(RunMessageKind Kind, string Text)
{
    public override string ToString() => $"{(Kind == RunMessageKind.Warning ? "warning" : "note")}: {Text}";
}

public enum RunMessageKind { Warning, Note }

/// <summary>
/// What a front end hands every run besides its request: the designs it knows, where progress
/// and messages go, and a token that cancels the run between batches.
/// </summary>
public sealed record RunContext
{
    public DesignCatalog Catalog { get; init; } = DesignCatalog.Default;
    /// <summary>Receives progress from worker threads; null = none.</summary>
    public IProgress<RunProgress>? Progress { get; init; }
    public CancellationToken Cancellation { get; init; }
    /// <summary>Receives each warning and note as it arises (before the run's work); null = they are only in the result.</summary>
    public Action<RunMessage>? Messages { get; init; }
    /// <summary>No warnings or notes at all (--quiet).</summary>
    public bool Quiet { get; init; }

    public static RunContext Default { get; } = new();

    internal void Warn(string text) => Say(new RunMessage(RunMessageKind.Warning, text));
    internal void Note(string text) => Say(new RunMessage(RunMessageKind.Note, text));

    private void Say(RunMessage m)
    {
        if (!Quiet) Messages?.Invoke(m);
    }

    /// <summary>Runs <paramref name="work"/>, which reports units done through its argument, as one progress phase of <paramref name="total"/> units.</summary>
    internal T Track<T>(string label, long total, Func<Action<long>, T> work)
    {
        Cancellation.ThrowIfCancellationRequested();
        if (Progress is not { } p) return work(_ => { });
        p.Report(new RunProgress(label, 0, total));
        var result = work(done => p.Report(new RunProgress(label, done, total)));
        p.Report(new RunProgress(label, total, total));
        return result;
    }
}
