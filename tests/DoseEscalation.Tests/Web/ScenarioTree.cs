using DoseEscalation.Scenarios;

namespace DoseEscalation.Tests.Web;

/// <summary>A scenario file's values by path (scenarios[0].dlt[1]), as written, for comparing a file with the page's save of it.</summary>
internal static class ScenarioTree
{
    /// <summary>
    /// Every scalar of the file by its path. A dose given by its label alone and a design by its name
    /// alone are the same as <c>{label: x}</c> and <c>{name: x}</c>, so they go by those paths.
    /// </summary>
    public static Dictionary<string, string> Flat(string yaml)
    {
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        void Walk(object node, string path)
        {
            switch (node)
            {
                case IReadOnlyList<KeyValuePair<string, object>> map:
                    foreach (var (key, value) in map) Walk(value, path == "" ? key : path + "." + key);
                    break;
                case IReadOnlyList<object> list:
                    for (int i = 0; i < list.Count; i++) Walk(list[i], $"{path}[{i}]");
                    break;
                case string text:
                    bool bare = System.Text.RegularExpressions.Regex.IsMatch(path, @"^(doses\[\d+\]|design|designs\[\d+\])$");
                    flat[bare ? path + (path.StartsWith("doses", StringComparison.Ordinal) ? ".label" : ".name") : path] = text;
                    break;
            }
        }
        Walk(ScenarioFileReader.Document(yaml, "scenario.yaml"), "");
        return flat;
    }
}
