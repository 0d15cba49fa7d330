using System.Text;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Files;

/// <summary>Small helpers over <see cref="AtomicOutput"/>, the one place output files are written whole or not at all.</summary>
public static class AtomicFile
{
    /// <summary>A writer of <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
    public static Action<Stream> Writer(string text) => stream =>
    {
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
        stream.Write(bytes);
    };

    public static void WriteAllText(string path, string text) => AtomicOutput.WriteFile(path, Writer(text));

    public static void WriteAllBytes(string path, byte[] bytes) => AtomicOutput.WriteFile(path, s => s.Write(bytes));
}
