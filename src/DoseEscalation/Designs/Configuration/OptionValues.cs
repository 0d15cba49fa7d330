namespace DoseEscalation.Designs.Configuration;

/// <summary>
/// Option values by scenario-file key. Given values (what the user wrote) and resolved values
/// (every option of a design with defaults filled in) are both this type; absent or null = unset.
/// </summary>
public sealed class OptionValues
{
    private readonly Dictionary<string, object?> _values;

    public OptionValues() => _values = new(StringComparer.Ordinal);
    public OptionValues(IEnumerable<KeyValuePair<string, object?>> values) => _values = new(values, StringComparer.Ordinal);

    public static OptionValues Empty { get; } = new();

    /// <summary>The keys set, in the order they were set.</summary>
    public IEnumerable<string> Keys => _values.Keys;
    public int Count => _values.Count;
    public bool Has(string key) => _values.TryGetValue(key, out var v) && v is not null;
    public object? this[string key] => _values.GetValueOrDefault(key);

    /// <summary>A copy with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public OptionValues With(string key, object? value)
    {
        var copy = new OptionValues(_values);
        copy._values[key] = value;
        return copy;
    }

    public IEnumerable<KeyValuePair<string, object?>> Pairs => _values;

    public int Int(string key) => (int)(_values[key] ?? throw Missing(key));
    public int? IntOrNull(string key) => _values.GetValueOrDefault(key) as int?;
    public double Number(string key) => (double)(_values[key] ?? throw Missing(key));
    public double? NumberOrNull(string key) => _values.GetValueOrDefault(key) as double?;
    public bool Switch(string key) => (bool)(_values[key] ?? throw Missing(key));
    public string Choice(string key) => (string)(_values[key] ?? throw Missing(key));
    public IReadOnlyList<double>? Probabilities(string key) => _values.GetValueOrDefault(key) as IReadOnlyList<double>;

    private static InvalidOperationException Missing(string key) => new($"option '{key}' has no value");
}
