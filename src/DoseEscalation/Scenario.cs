namespace DoseEscalation;

/// <summary>
/// A toxicity scenario: the true DLT probability at each dose level, each in [0, 1]; optionally the
/// true response probability per dose and how response and DLT are associated
/// (<see cref="Association"/>), which together give the four (DLT, response) cell probabilities
/// per dose (<see cref="Cells"/>).
/// </summary>
public sealed record Scenario
{
    public string Name { get; }
    public IReadOnlyList<double> Dlt { get; }
    /// <summary>Why this scenario is plausible (one line, for reports).</summary>
    public string? Rationale { get; init; }
    /// <summary>
    /// Optional true probability per dose of a toxicity of grade 2 or worse in the DLT window, each at
    /// least the dose's DLT probability (a DLT is grade 3 or worse, so also a grade-2-or-worse event).
    /// Read only by accelerated titration's grade-2 trigger; set it with <see cref="WithGrade2"/>.
    /// </summary>
    public IReadOnlyList<double>? Grade2 { get; private init; }
    /// <summary>True if the scenario gives grade-2-or-worse toxicity probabilities.</summary>
    public bool HasGrade2 => Grade2 is not null;

    /// <summary>
    /// This scenario with P(toxicity of grade 2 or worse) per dose: one per dose, each in [0, 1] and at
    /// least that dose's DLT probability.
    /// </summary>
    public Scenario WithGrade2(IReadOnlyList<double> grade2)
    {
        ArgumentNullException.ThrowIfNull(grade2);
        if (grade2.Count != DoseCount)
            throw new ArgumentException($"{grade2.Count} grade-2 probabilities but the scenario has {DoseCount} doses", nameof(grade2));
        for (int i = 0; i < grade2.Count; i++)
        {
            if (!(grade2[i] >= 0 && grade2[i] <= 1))
                throw new ArgumentOutOfRangeException(nameof(grade2), grade2[i], $"grade-2 probability of dose {i + 1} must be in [0, 1]");
            if (grade2[i] < Dlt[i])
                throw new ArgumentOutOfRangeException(nameof(grade2), grade2[i], $"grade-2 probability of dose {i + 1} is below its DLT probability {Dlt[i]} (a DLT is also a grade 2 or worse toxicity)");
        }
        return this with { Grade2 = grade2.ToArray() };
    }

    /// <summary>Optional true response (efficacy) probability per dose.</summary>
    public IReadOnlyList<double>? Response { get; init; }
    /// <summary>How DLT and response are associated at each dose (independent unless said otherwise).</summary>
    public AssociationKind Association { get; init; } = AssociationKind.Independent;
    /// <summary>The Gumbel (Farlie-Gumbel-Morgenstern) association rho in [-1, 1] when <see cref="Association"/> is Gumbel; else 0.</summary>
    public double GumbelRho { get; init; }
    /// <summary>The Gaussian-copula correlation rho when <see cref="Association"/> is Gaussian; else 0.</summary>
    public double GaussianRho { get; init; }
    private readonly IReadOnlyList<OutcomeCells>? _cells;
    /// <summary>Utility of each (DLT, response) outcome, defining the true OBD (the BOIN12 default unless the file says otherwise).</summary>
    public UtilityTable Utility { get; init; } = UtilityTable.Boin12Default;

    /// <summary>True if the scenario says how likely a response is at each dose (response probabilities or cells).</summary>
    public bool HasResponse => Response is not null;

    /// <summary>
    /// The four (DLT, response) cell probabilities at 0-based <paramref name="level"/>: the cells
    /// given, or P(DLT) and P(response) joined by the scenario's association. Requires <see cref="HasResponse"/>.
    /// </summary>
    public OutcomeCells Cells(int level)
    {
        if (_cells is not null) return _cells[level];
        if (Response is null) throw new InvalidOperationException($"scenario '{Name}' has no response probabilities");
        return Association == AssociationKind.Gaussian
            ? OutcomeCells.Gaussian(Dlt[level], Response[level], GaussianRho)
            : OutcomeCells.Gumbel(Dlt[level], Response[level], Association == AssociationKind.Gumbel ? GumbelRho : 0);
    }

    /// <summary>The cells at every dose (null without response probabilities).</summary>
    public IReadOnlyList<OutcomeCells>? JointOutcomes => HasResponse ? Enumerable.Range(0, DoseCount).Select(Cells).ToArray() : null;

    /// <summary>
    /// A scenario given by its four cell probabilities per dose; P(DLT) and P(response) are their
    /// marginals. Each dose's cells must be valid (<see cref="OutcomeCells.Problem"/>).
    /// </summary>
    public static Scenario FromCells(string name, IReadOnlyList<OutcomeCells> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        for (int d = 0; d < cells.Count; d++)
            if (cells[d].Problem() is { } problem) throw new ArgumentException($"dose {d + 1}: {problem}", nameof(cells));
        return new Scenario(name, cells.Select(c => Math.Clamp(c.Dlt, 0, 1)).ToArray(), cells.ToArray())
        {
            Response = cells.Select(c => Math.Clamp(c.Response, 0, 1)).ToArray(),
            Association = AssociationKind.Cells,
        };
    }

    /// <summary>A Gumbel (FGM) association rho in [-1, 1] between DLT and response at every dose.</summary>
    public Scenario WithGumbel(double rho)
    {
        if (Response is null) throw new InvalidOperationException($"scenario '{Name}': an association needs response probabilities");
        if (!(rho >= -1 && rho <= 1)) throw new ArgumentOutOfRangeException(nameof(rho), rho, "the Gumbel association must be in [-1, 1]");
        return this with { Association = AssociationKind.Gumbel, GumbelRho = rho };
    }

    /// <summary>A Gaussian-copula association with correlation rho in [-0.999, 0.999] between DLT and response at every dose.</summary>
    public Scenario WithGaussian(double rho)
    {
        if (Response is null) throw new InvalidOperationException($"scenario '{Name}': an association needs response probabilities");
        if (!(Math.Abs(rho) <= Numerics.BivariateNormal.MaxAbsRho)) throw new ArgumentOutOfRangeException(nameof(rho), rho, "the Gaussian correlation must be in [-0.999, 0.999]");
        return this with { Association = AssociationKind.Gaussian, GaussianRho = rho };
    }

    private Scenario(string name, IReadOnlyList<double> dlt, IReadOnlyList<OutcomeCells> cells) : this(name, dlt) => _cells = cells;

    public Scenario(string name, IReadOnlyList<double> dlt)
    {
        ArgumentNullException.ThrowIfNull(dlt);
        if (dlt.Count == 0) throw new ArgumentException("a scenario needs at least one dose", nameof(dlt));
        for (int i = 0; i < dlt.Count; i++)
            if (!(dlt[i] >= 0 && dlt[i] <= 1))
                throw new ArgumentOutOfRangeException(nameof(dlt), dlt[i], $"DLT probability of dose {i + 1} must be in [0, 1]");
        Name = name;
        Dlt = dlt.ToArray();
    }

    public int DoseCount => Dlt.Count;

    /// <summary>True if the DLT probabilities never decrease with dose.</summary>
    public bool IsMonotone
    {
        get
        {
            for (int i = 1; i < Dlt.Count; i++) if (Dlt[i] < Dlt[i - 1]) return false;
            return true;
        }
    }

    /// <summary>The true MTD: the highest level whose DLT probability is at most <paramref name="target"/>; -1 if none.</summary>
    public int TrueMtdLevel(double target)
    {
        for (int i = Dlt.Count - 1; i >= 0; i--) if (Dlt[i] <= target) return i;
        return Decision.NoDose;
    }
}
