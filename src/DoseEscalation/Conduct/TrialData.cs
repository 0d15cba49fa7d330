using System.Globalization;

namespace DoseEscalation.Conduct;

/// <summary>Bad trial data: one line naming the patient (or line, or cohort) and what is wrong.</summary>
public class TrialDataException(string message) : Exception(message);

/// <summary>Data the design would not have produced, replayed without deviations allowed.</summary>
public sealed class DeviationException(Deviation deviation)
    : TrialDataException(deviation.Message + "; deviations are accepted only when allowed")
{
    public Deviation Deviation { get; } = deviation;
}

/// <summary>
/// One evaluable patient: an identifier, the dose level treated (0-based; dose <c>Level + 1</c> in
/// reports) and whether a DLT occurred. <see cref="DaysFollowed"/> and <see cref="DltDay"/> are the
/// time-to-event fields of a patient table (null when not given).
/// </summary>
public sealed record PatientOutcome(string Id, int Level, bool Dlt)
{
    /// <summary>Days of DLT follow-up so far (&gt;= 0), for time-to-event designs.</summary>
    public double? DaysFollowed { get; init; }
    /// <summary>Day of the DLT (&gt;= 0, at most <see cref="DaysFollowed"/>); only when <see cref="Dlt"/>.</summary>
    public double? DltDay { get; init; }
    /// <summary>Whether the patient responded (for designs that read responses, such as BOIN12); null when the data does not say (or the response is not read yet).</summary>
    public bool? Response { get; init; }
    /// <summary>True when the patient is still in the DLT window with no DLT so far (<c>dlt</c> given as <c>pending</c>); <see cref="Dlt"/> is then false.</summary>
    public bool Pending { get; init; }
    /// <summary>True for a patient treated by backfill (a <c>backfill</c> column), not in an escalation cohort.</summary>
    public bool Backfill { get; init; }

    /// <summary>The patient's outcome letter: N (neither), T (DLT), E (response), B (both); E and B only when a response is recorded.</summary>
    public char Letter => Dlt ? (Response == true ? 'B' : 'T') : (Response == true ? 'E' : 'N');
}

/// <summary>A cohort as the data gives it: patients treated together at one dose.</summary>
public sealed record ObservedCohort(int Level, IReadOnlyList<PatientOutcome> Patients)
{
    public int Size => Patients.Count;
    public int Dlts => Patients.Count(p => p.Dlt);
    /// <summary>Responders in the cohort (patients whose response is recorded as yes).</summary>
    public int Responses => Patients.Count(p => p.Response == true);

    /// <summary>The cohort in outcome notation, e.g. "2NTN" (with responses, "2NEB").</summary>
    public string Notation => (Level + 1).ToString(CultureInfo.InvariantCulture) + string.Concat(Patients.Select(p => p.Letter));

    /// <summary>"patient 7" or "patients 7-9" (the identifiers of the first and last patient).</summary>
    public string PatientRange => Patients.Count == 1 ? $"patient {Patients[0].Id}" : $"patients {Patients[0].Id}-{Patients[^1].Id}";
}

/// <summary>
/// The observed trial: the patients in the order they were treated, and (when the data says so)
/// how they were grouped into cohorts. Outcome notation always gives cohorts; a patient table gives
/// them only with a <c>cohort</c> column, otherwise the replay groups consecutive patients at one
/// dose into the cohorts the design asked for.
/// </summary>
public sealed record TrialData(IReadOnlyList<PatientOutcome> Patients, IReadOnlyList<ObservedCohort>? Cohorts)
{
    /// <summary>No patients yet: the design's first decision.</summary>
    public static TrialData Empty { get; } = new([], []);

    /// <summary>True if every patient's response is recorded (E/B letters in notation, or a response column).</summary>
    public bool HasResponses => Patients.All(p => p.Response is not null);

    /// <summary>True if any patient's DLT outcome is pending (still in the window, no DLT so far).</summary>
    public bool HasPending => Patients.Any(p => p.Pending);

    /// <summary>True if any patient was treated by backfill.</summary>
    public bool HasBackfill => Patients.Any(p => p.Backfill);

    /// <summary>True if any patient carries days followed or a DLT day.</summary>
    public bool HasTimeToEvent => Patients.Any(p => p.DaysFollowed is not null || p.DltDay is not null);

    /// <summary>
    /// Outcome notation or a CSV/TSV patient table, told apart by the first line that is neither
    /// blank nor a # comment: a table's is a header with a comma or a tab. <paramref name="doseCount"/> bounds the dose numbers.
    /// </summary>
    public static TrialData Parse(string text, int doseCount)
    {
        ArgumentNullException.ThrowIfNull(text);
        string first = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#')) ?? "";
        return first.Contains(',') || first.Contains('\t') ? ParseTable(text, doseCount) : ParseNotation(text, doseCount);
    }

    /// <summary>
    /// Outcome notation (as the escalation R package): cohorts separated by white space, each a dose
    /// number followed by one letter per patient, N (no DLT) or T (DLT): "1NNN 2NTN 2NNT"; for the
    /// phase I/II designs also E (a response, no DLT) and B (both), as escalation writes them, and
    /// then N and T mean no response. Patients are numbered 1, 2, ... in order.
    /// </summary>
    public static TrialData ParseNotation(string text, int doseCount)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (doseCount < 1) throw new ArgumentOutOfRangeException(nameof(doseCount), doseCount, "need at least one dose level");
        var patients = new List<PatientOutcome>();
        var cohorts = new List<ObservedCohort>();
        var tokens = text.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        for (int c = 0; c < tokens.Length; c++)
        {
            string token = tokens[c];
            string where = $"cohort {c + 1} '{token}'";
            int i = 0;
            while (i < token.Length && char.IsAsciiDigit(token[i])) i++;
            if (i == 0) throw new TrialDataException($"{where}: expected a dose number then N or T per patient, e.g. 2NNT");
            if (i == token.Length) throw new TrialDataException($"{where}: no patients after dose {token}; write N (no DLT) or T (DLT) per patient (E, B with a response), e.g. {token}NNN");
            int dose = ParseDose(token[..i], doseCount, $"{where} (patient {patients.Count + 1})");
            var members = new List<PatientOutcome>();
            for (int j = i; j < token.Length; j++)
            {
                string id = (patients.Count + 1).ToString(CultureInfo.InvariantCulture);
                char ch = char.ToUpperInvariant(token[j]);
                if (ch is not ('N' or 'T' or 'E' or 'B'))
                    throw new TrialDataException($"{where}: patient {id} has '{token[j]}'; expected N (no DLT) or T (DLT), or E (response) or B (DLT and response)");
                var p = new PatientOutcome(id, dose - 1, ch is 'T' or 'B') { Response = ch is 'E' or 'B' };
                patients.Add(p);
                members.Add(p);
            }
            cohorts.Add(new ObservedCohort(dose - 1, members));
        }
        return new TrialData(patients, cohorts);
    }

    private static readonly string[] Known = ["patient", "dose", "dlt", "days_followed", "dlt_day", "cohort", "response", "backfill"];

    /// <summary>
    /// A patient table, comma- or tab-separated, with a header naming its columns: <c>patient</c>,
    /// <c>dose</c> (1..K) and <c>dlt</c> (1/0, yes/no, true/false, T/N) are required;
    /// <c>days_followed</c> and <c>dlt_day</c> (time-to-event), <c>cohort</c> (any label; patients
    /// sharing it, consecutively, form one cohort) and <c>response</c> (as <c>dlt</c>; for designs that
    /// read responses; empty or <c>pending</c> when not read yet) and <c>backfill</c> (yes/no: treated by
    /// backfill, for backfill designs) are optional; <c>dlt</c> may be <c>pending</c> for a patient
    /// still in the DLT window with no DLT so far (read by backfill designs). Rows are in order of
    /// treatment.
    /// Blank lines and lines starting with # are skipped.
    /// </summary>
    public static TrialData ParseTable(string text, int doseCount)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (doseCount < 1) throw new ArgumentOutOfRangeException(nameof(doseCount), doseCount, "need at least one dose level");
        var lines = text.Replace("\r\n", "\n").Split('\n');
        int headerLine = Array.FindIndex(lines, l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'));
        if (headerLine < 0) return Empty;
        char sep = lines[headerLine].Contains('\t') ? '\t' : ',';
        var header = lines[headerLine].Split(sep).Select(h => h.Trim().ToLowerInvariant()).ToArray();
        var column = new Dictionary<string, int>();
        for (int i = 0; i < header.Length; i++)
        {
            if (!Known.Contains(header[i]))
                throw new TrialDataException($"line {headerLine + 1}: unknown column '{header[i]}'; expected {string.Join(", ", Known)}");
            if (!column.TryAdd(header[i], i)) throw new TrialDataException($"line {headerLine + 1}: column '{header[i]}' appears twice");
        }
        foreach (var required in new[] { "patient", "dose", "dlt" })
            if (!column.ContainsKey(required)) throw new TrialDataException($"line {headerLine + 1}: the header has no '{required}' column (need patient, dose, dlt)");

        var patients = new List<PatientOutcome>();
        var labels = new List<string>();
        var ids = new HashSet<string>();
        for (int l = headerLine + 1; l < lines.Length; l++)
        {
            string line = lines[l];
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            var cells = line.Split(sep).Select(c => c.Trim()).ToArray();
            string id = cells.Length > column["patient"] ? cells[column["patient"]] : "";
            string who = id.Length > 0 ? $"patient {id} (line {l + 1})" : $"line {l + 1}";
            if (cells.Length != header.Length)
                throw new TrialDataException($"{who}: {cells.Length} fields, but the header has {header.Length}");
            if (id.Length == 0) throw new TrialDataException($"{who}: the patient identifier is empty");
            if (!ids.Add(id)) throw new TrialDataException($"{who}: patient {id} appears twice");
            int dose = ParseDose(cells[column["dose"]], doseCount, who);
            bool pending = cells[column["dlt"]].Equals("pending", StringComparison.OrdinalIgnoreCase);
            bool dlt = !pending && ParseDlt(cells[column["dlt"]], who);
            double? followed = column.TryGetValue("days_followed", out int f) ? ParseDays(cells[f], who, "days_followed") : null;
            double? dltDay = column.TryGetValue("dlt_day", out int dd) ? ParseDays(cells[dd], who, "dlt_day") : null;
            if (dltDay is not null && !dlt) throw new TrialDataException($"{who}: dlt_day {cells[dd]} given, but dlt is {cells[column["dlt"]]}");
            if (dltDay is { } day && followed is { } days && day > days)
                throw new TrialDataException($"{who}: dlt_day {cells[dd]} is after days_followed {cells[f]}");
            // A pending patient's days_followed is its partial follow-up (time-to-event designs); a DLT day needs a DLT.
            if (pending && dltDay is not null)
                throw new TrialDataException($"{who}: dlt is pending and dlt_day {cells[dd]} is given; a DLT day needs dlt 1");
            bool? response = column.TryGetValue("response", out int rc) && !IsPending(cells[rc]) ? ParseYesNo(cells[rc], who, "response") : null;
            bool backfill = column.TryGetValue("backfill", out int bc) && ParseYesNo(cells[bc], who, "backfill");
            patients.Add(new PatientOutcome(id, dose - 1, dlt) { DaysFollowed = followed, DltDay = dltDay, Response = response, Pending = pending, Backfill = backfill });
            if (column.TryGetValue("cohort", out int co))
            {
                if (cells[co].Length == 0) throw new TrialDataException($"{who}: the cohort label is empty");
                labels.Add(cells[co]);
            }
        }
        if (!column.ContainsKey("cohort")) return new TrialData(patients, null);

        var cohorts = new List<ObservedCohort>();
        var seen = new HashSet<string>();
        for (int i = 0; i < patients.Count;)
        {
            int j = i;
            while (j + 1 < patients.Count && labels[j + 1] == labels[i]) j++;
            var members = patients.GetRange(i, j - i + 1);
            if (!seen.Add(labels[i])) throw new TrialDataException($"patient {patients[i].Id}: cohort '{labels[i]}' appears again after other cohorts");
            if (members.Any(p => p.Level != members[0].Level))
                throw new TrialDataException($"patient {members.First(p => p.Level != members[0].Level).Id}: cohort '{labels[i]}' mixes doses {members[0].Level + 1} and {members.First(p => p.Level != members[0].Level).Level + 1}");
            cohorts.Add(new ObservedCohort(members[0].Level, members));
            i = j + 1;
        }
        return new TrialData(patients, cohorts);
    }

    private static int ParseDose(string text, int doseCount, string who)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int dose))
            throw new TrialDataException($"{who}: dose '{text}' is not a whole number");
        if (dose < 1 || dose > doseCount)
            throw new TrialDataException($"{who}: unknown dose {text}; the design has doses 1..{doseCount}");
        return dose;
    }

    private static bool ParseDlt(string text, string who) => text.ToLowerInvariant() switch
    {
        "1" or "yes" or "y" or "true" or "t" => true,
        "0" or "no" or "n" or "false" or "f" => false,
        _ => throw new TrialDataException($"{who}: dlt '{text}' is not 1/0, yes/no, true/false, T/N or pending"),
    };

    /// <summary>A response not read yet: "pending" or an empty cell.</summary>
    private static bool IsPending(string text) => text.Length == 0 || text.Equals("pending", StringComparison.OrdinalIgnoreCase);

    private static bool ParseYesNo(string text, string who, string name) => text.ToLowerInvariant() switch
    {
        "1" or "yes" or "y" or "true" or "t" => true,
        "0" or "no" or "n" or "false" or "f" => false,
        _ => throw new TrialDataException($"{who}: {name} '{text}' is not 1/0, yes/no, true/false or T/N"),
    };

    private static double? ParseDays(string text, string who, string name)
    {
        if (text.Length == 0) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v) || v < 0)
            throw new TrialDataException($"{who}: {name} '{text}' is not a number of days >= 0");
        return v;
    }
}
