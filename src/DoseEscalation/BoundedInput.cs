namespace DoseEscalation;

/// <summary>
/// Reading input that may be endless (/dev/zero, a pipe that never closes) or huge: at most a
/// limit's worth of bytes is read, whatever the file claims its size is, and more is an error.
/// </summary>
public static class BoundedInput
{
    /// <summary>Largest partial result merge reads: 1 GiB (a shard's counters are kilobytes per scenario or sweep cell).</summary>
    public const long MaxPartBytes = 1L << 30;

    /// <summary>Largest patient data next reads (a file or standard input): 16 MiB (a trial's table is a few kilobytes).</summary>
    public const int MaxDataBytes = 16 << 20;

    /// <summary>The stream's bytes, or null when it holds more than <paramref name="max"/>.</summary>
    public static byte[]? Read(Stream stream, long max)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, max + 1 - buffer.Length))) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max) return null;
        }
        return buffer.ToArray();
    }

    /// <summary>The file's bytes, or null when it holds more than <paramref name="max"/>.</summary>
    public static byte[]? ReadFile(string path, long max)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        return Read(stream, max);
    }
}
