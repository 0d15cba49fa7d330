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
    /// <summary>When the run ended (<see cref="Environment.TickCount64"/>); 0 while it is queued or running.</summary>
    internal long EndedAt;

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
/// <see cref="ServeOptions.MaxQueued"/> waiting, beyond that refused, taking their slots in the
/// order they were started; a run whose page has not asked about it for <see cref="ServeOptions.Lease"/>
/// is cancelled (the page went away). Of the ended runs (done, failed, cancelled) the server keeps
/// the last <see cref="ServeOptions.KeepResults"/>, each for at most <see cref="ServeOptions.KeepFor"/>
/// after it ended; the oldest goes first, and its id is remembered as discarded (410, not 404).
/// </summary>
public sealed class RunHub : IDisposable
{
    /// <summary>How many discarded run ids are remembered, to answer 410 rather than 404 for them.</summary>
    internal const int DiscardedRemembered = 10_000;

    private readonly ConcurrentDictionary<string, WebRun> _runs = new();
    private readonly SemaphoreSlim _slots;
    private readonly ServeOptions _options;
    private readonly Timer _sweeper;
    private int _waiting;
    // Ended runs in the order they ended, and the ids of discarded runs (oldest first); both under _endedLock.
    private readonly object _endedLock = new();
    private readonly Queue<WebRun> _ended = new();
    private readonly Queue<string> _discardedOrder = new();
    private readonly HashSet<string> _discarded = [];

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

    /// <summary>Whether <paramref name="id"/> was a run whose result has been discarded (to make room, or for its age).</summary>
    public bool WasDiscarded(string id)
    {
        lock (_endedLock) return _discarded.Contains(id);
    }

    /// <summary>The message for a run that is not here: discarded (410) or never known (404).</summary>
    public (int Status, string Message) Missing(string id) => WasDiscarded(id)
        ? (410, $"run {id}: discarded; the server keeps the last {_options.KeepResults} ended runs for {Seconds(_options.KeepFor)} s each (serve --keep-results, --keep-seconds); start it again")
        : (404, $"run {id}: no such run");

    /// <summary>The number of ended runs kept now (tests).</summary>
    internal int EndedCount { get { lock (_endedLock) return _ended.Count; } }

    /// <summary>The clock of the ended runs' ages, in milliseconds (tests set their own).</summary>
    internal Func<long> Now { get; set; } = () => Environment.TickCount64;

    /// <summary>Test hook: when set, a run that has its slot waits for this task (or its cancellation) before it computes.</summary>
    internal Task? Hold { get; set; }

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
        // The slot is asked for here, not in the worker: waiters are served first come, first served,
        // so runs start in the order they were posted.
        var slot = _slots.WaitAsync(run.Cancel.Token);
        _ = Task.Run(async () =>
        {
            RunState final;
            try
            {
                await slot;
                try
                {
                    run.State = RunState.Running;
                    if (Hold is { } hold) await hold.WaitAsync(run.Cancel.Token);
                    var ctx = new RunContext
                    {
                        Catalog = Catalog, Cancellation = run.Cancel.Token,
                        Progress = new Sink<RunProgress>(run.Progress), Messages = run.Message,
                    };
                    work(run, ctx);
                    final = RunState.Done;
                }
                finally { _slots.Release(); }
            }
            catch (OperationCanceledException) { final = RunState.Cancelled; }
            catch (Exception ex) when (Api.IsInputError(ex)) { run.Error = Api.OneLine(ex.Message); final = RunState.Failed; }
            catch (Exception ex) { run.Error = "internal error: " + Api.OneLine(ex.Message); final = RunState.Failed; }
            // Its place in the queue is given back before anyone can see that it ended, so a client that
            // saw its run end may start the next one at once.
            Interlocked.Decrement(ref _waiting);
            Ended(run);
            run.State = final;
        });
        return run;
    }

    /// <summary>Keeps the ended run, discarding the oldest ended runs beyond the count.</summary>
    private void Ended(WebRun run)
    {
        lock (_endedLock)
        {
            // Stamped under the lock, so the queue is in the order of the stamps and the age sweep can stop at the first young run.
            Interlocked.Exchange(ref run.EndedAt, Math.Max(1, Now()));
            _ended.Enqueue(run);
            while (_ended.Count > _options.KeepResults) Discard(_ended.Dequeue());
        }
    }

    /// <summary>Forgets the run and its result, remembering its id (a bounded number of them). Under _endedLock.</summary>
    private void Discard(WebRun run)
    {
        // A request still writing its result keeps its own reference; nothing else holds the run.
        _runs.TryRemove(run.Id, out _);
        if (_discarded.Add(run.Id)) _discardedOrder.Enqueue(run.Id);
        while (_discardedOrder.Count > DiscardedRemembered) _discarded.Remove(_discardedOrder.Dequeue());
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    public bool CancelRun(string id)
    {
        if (!_runs.TryGetValue(id, out var run)) return false;
        if (Interlocked.Read(ref run.EndedAt) == 0) run.Cancel.Cancel();
        return true;
    }

    /// <summary>Cancels runs nobody asked about within the lease, and discards ended runs older than <see cref="ServeOptions.KeepFor"/>.</summary>
    internal void Sweep()
    {
        long now = Environment.TickCount64, lease = (long)_options.Lease.TotalMilliseconds;
        foreach (var run in _runs.Values)
        {
            long idle = now - Interlocked.Read(ref run.LastSeen);
            if (Interlocked.Read(ref run.EndedAt) == 0 && idle > lease) run.Cancel.Cancel();
        }
        long keep = (long)_options.KeepFor.TotalMilliseconds, clock = Now();
        lock (_endedLock)
            while (_ended.TryPeek(out var oldest) && clock - Interlocked.Read(ref oldest.EndedAt) >= keep) Discard(_ended.Dequeue());
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
