using System.Collections.Concurrent;
using DoseEscalation.Application;
using DoseEscalation.Designs.Configuration;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Web;

/// <summary>The state of one run the page started.</summary>
public enum RunState { Queued, Running, Done, Failed, Cancelled }

/// <summary>
/// One run: its form, progress, messages and result. Every field the page reads is written by the
/// run's worker and read by request threads, so it is guarded by the run's own lock.
/// </summary>
public sealed class WebRun
{
    private readonly object _gate = new();
    private RunProgress _progress;
    private readonly List<string> _messages = [];

    internal WebRun(string id, RunForm form) { Id = id; Form = form; Touch(); }

    public string Id { get; }
    public RunForm Form { get; }
    public RunState State { get; internal set; } = RunState.Queued;
    /// <summary>The one-line message of a failed run (the CLI's error line).</summary>
    public string? Error { get; internal set; }
    public IRunResult? Result { get; internal set; }
    public Report? Report { get; internal set; }
    internal CancellationTokenSource Cancel { get; } = new();
    internal long LastSeen;

    internal void Touch() => Interlocked.Exchange(ref LastSeen, Environment.TickCount64);
    internal void Progress(RunProgress p) { lock (_gate) _progress = p; }
    internal void Message(RunMessage m) { lock (_gate) _messages.Add(m.ToString()); }

    public (RunProgress Progress, IReadOnlyList<string> Messages) Snapshot()
    {
        lock (_gate) return (_progress, [.. _messages]);
    }
}

/// <summary>Thrown when the server already runs and queues as many runs as it takes (429).</summary>
public sealed class BusyException(string message) : Exception(message);

/// <summary>
/// The runs of one server: at most <see cref="ServeOptions.MaxRuns"/> at once, at most
/// <see cref="ServeOptions.MaxQueued"/> waiting, beyond that refused; a run whose page has not asked
/// about it for <see cref="ServeOptions.Lease"/> is cancelled (the page went away).
/// </summary>
public sealed class RunHub : IDisposable
{
    private readonly ConcurrentDictionary<string, WebRun> _runs = new();
    private readonly SemaphoreSlim _slots;
    private readonly ServeOptions _options;
    private readonly Timer _sweeper;
    private int _waiting;

    public RunHub(ServeOptions options)
    {
        _options = options;
        _slots = new SemaphoreSlim(options.MaxRuns, options.MaxRuns);
        var period = TimeSpan.FromMilliseconds(Math.Max(50, options.Lease.TotalMilliseconds / 4));
        _sweeper = new Timer(_ => Sweep(), null, period, period);
    }

    public DesignCatalog Catalog => _options.Catalog;

    /// <summary>The run without renewing its lease (tests, and the sweeper's view).</summary>
    internal WebRun? Peek(string id) => _runs.TryGetValue(id, out var run) ? run : null;

    public WebRun? Get(string id)
    {
        if (!_runs.TryGetValue(id, out var run)) return null;
        run.Touch();
        return run;
    }

    /// <summary>Checks the form (a bad one throws <see cref="InputException"/> before anything is queued) and starts the run.</summary>
    public WebRun Start(RunForm form)
    {
        var work = Plan(form, Catalog);
        if (Interlocked.Increment(ref _waiting) > _options.MaxRuns + _options.MaxQueued)
        {
            Interlocked.Decrement(ref _waiting);
            throw new BusyException($"busy: {_options.MaxRuns} runs at once and {_options.MaxQueued} waiting; try again when one ends");
        }
        var run = new WebRun(Guid.NewGuid().ToString("N"), form);
        _runs[run.Id] = run;
        _ = Task.Run(async () =>
        {
            try
            {
                await _slots.WaitAsync(run.Cancel.Token);
                try
                {
                    run.State = RunState.Running;
                    var ctx = new RunContext
                    {
                        Catalog = Catalog, Cancellation = run.Cancel.Token,
                        Progress = new Sink<RunProgress>(run.Progress), Messages = run.Message,
                    };
                    work(run, ctx);
                    run.State = RunState.Done;
                }
                finally { _slots.Release(); }
            }
            catch (OperationCanceledException) { run.State = RunState.Cancelled; }
            catch (Exception ex) when (Api.IsInputError(ex)) { run.Error = Api.OneLine(ex.Message); run.State = RunState.Failed; }
            catch (Exception ex) { run.Error = "internal error: " + Api.OneLine(ex.Message); run.State = RunState.Failed; }
            finally { Interlocked.Decrement(ref _waiting); }
        });
        return run;
    }

    public bool CancelRun(string id)
    {
        if (!_runs.TryGetValue(id, out var run)) return false;
        run.Cancel.Cancel();
        return true;
    }

    /// <summary>Cancels runs nobody asked about within the lease, and forgets finished runs after ten leases.</summary>
    private void Sweep()
    {
        long now = Environment.TickCount64, lease = (long)_options.Lease.TotalMilliseconds;
        foreach (var run in _runs.Values)
        {
            long idle = now - Interlocked.Read(ref run.LastSeen);
            if (run.State is RunState.Queued or RunState.Running && idle > lease) run.Cancel.Cancel();
            else if (run.State is RunState.Done or RunState.Failed or RunState.Cancelled && idle > 10 * lease) _runs.TryRemove(run.Id, out _);
        }
    }

    /// <summary>
    /// The form's request for the application layer; a field the verb does not take is refused
    /// by name, as the CLI refuses a flag its verb does not have.
    /// </summary>
    internal static Action<WebRun, RunContext> Plan(RunForm f, DesignCatalog catalog)
    {
        string verb = f.Verb ?? throw new InputException("verb: missing (simulate, exact, compare, samplesize, table or report)");
        if (!RunForm.Verbs.Contains(verb)) throw new InputException($"verb {verb}: expected {string.Join(", ", RunForm.Verbs)}");
        void Refuse(bool given, string field) { if (given) throw new InputException($"{field}: {verb} does not take it"); }
        Refuse(f.Designs is not null && verb is not ("compare" or "report"), "designs");
        Refuse(f.Trials is not null && verb is "exact" or "table", "trials");
        Refuse(f.Seed is not null && verb is "exact" or "table", "seed");
        Refuse(f.PlannedN is not null && verb != "samplesize", "plannedN");
        if (f.Trials is { } t) ResourceGuard.Trials(t, "trials");
        var input = f.Input(catalog);
        // The inputs are resolved now, by the rules the run uses, so that a bad file, rate or option is a 400 before anything is queued.
        if (verb == "compare") RunInputs.ResolveMany(input, f.Designs, EngineRule.DefaultComparison, catalog);
        else RunInputs.Resolve(input, catalog);
        return verb switch
        {
            "simulate" => (run, ctx) => run.Result = Runs.Simulate(new SimulateRequest { Input = input, Trials = f.Trials, Seed = f.Seed }, ctx),
            "exact" => (run, ctx) => run.Result = Runs.Exact(new ExactRequest { Input = input }, ctx),
            "compare" => (run, ctx) => run.Result = Runs.Compare(new CompareRequest { Input = input, Designs = f.Designs, Trials = f.Trials, Seed = f.Seed }, ctx),
            "samplesize" => (run, ctx) => run.Result = Runs.SampleSize(new SampleSizeRequest { Input = input, PlannedN = f.PlannedN, Trials = f.Trials, Seed = f.Seed }, ctx),
            "table" => (run, ctx) => run.Result = Runs.Table(new TableRequest { Input = input }, ctx),
            _ => (run, ctx) => run.Report = Charts.Report(new ChartsRequest { Input = input, Designs = f.Designs, Trials = f.Trials, Seed = f.Seed }, f.CommandLine(), ctx),
        };
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (var run in _runs.Values) run.Cancel.Cancel();
    }

    /// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread (no synchronization context hop).</summary>
    private sealed class Sink<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
