using System.Buffers.Binary;
using System.Text;
using DoseEscalation.Reporting.Files;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Charts;

/// <summary>
/// Adds metadata chunks to an encoded PNG (the encoder writes none): pHYs with the resolution, so
/// Word and LibreOffice place the image at its intended physical size, and iTXt text entries
/// (UTF-8; PNG 1.2, section 4.2.3.3). Also reads them back, for tests and scripts.
/// </summary>
public static class PngChunks
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>A copy of <paramref name="png"/> with pHYs (<paramref name="dpi"/>) and one iTXt chunk per entry, right after IHDR; any existing pHYs is replaced.</summary>
    public static byte[] AddMetadata(byte[] png, int dpi, IReadOnlyDictionary<string, string> text)
    {
        ArgumentNullException.ThrowIfNull(png);
        ArgumentNullException.ThrowIfNull(text);
        var chunks = Read(png);
        if (chunks.Count == 0 || chunks[0].Type != "IHDR") throw new ArgumentException("not a PNG (IHDR must come first)", nameof(png));
        using var output = new MemoryStream();
        output.Write(Signature);
        Write(output, chunks[0].Type, chunks[0].Data);
        uint perMetre = (uint)Math.Round(dpi / 0.0254);
        var phys = new byte[9];
        BinaryPrimitives.WriteUInt32BigEndian(phys, perMetre);
        BinaryPrimitives.WriteUInt32BigEndian(phys.AsSpan(4), perMetre);
        phys[8] = 1; // unit: metre
        Write(output, "pHYs", phys);
        foreach (var (keyword, value) in text)
        {
            // keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, UTF-8 text
            var body = new List<byte>(Encoding.Latin1.GetBytes(keyword)) { 0, 0, 0, 0, 0 };
            body.AddRange(Encoding.UTF8.GetBytes(value));
            Write(output, "iTXt", body.ToArray());
        }
        foreach (var c in chunks.Skip(1).Where(c => c.Type != "pHYs")) Write(output, c.Type, c.Data);
        return output.ToArray();
    }

    /// <summary>Width and height in pixels, from IHDR.</summary>
    public static (int Width, int Height) Size(byte[] png)
    {
        var ihdr = Read(png).First(c => c.Type == "IHDR").Data;
        return ((int)BinaryPrimitives.ReadUInt32BigEndian(ihdr), (int)BinaryPrimitives.ReadUInt32BigEndian(ihdr.AsSpan(4)));
    }

    /// <summary>The resolution in dots per inch recorded in pHYs, or null when there is none (or its unit is not the metre).</summary>
    public static double? Dpi(byte[] png)
    {
        var phys = Read(png).FirstOrDefault(c => c.Type == "pHYs");
        if (phys.Data is null || phys.Data[8] != 1) return null;
        return BinaryPrimitives.ReadUInt32BigEndian(phys.Data) * 0.0254;
    }

    /// <summary>The iTXt entries by keyword.</summary>
    public static IReadOnlyDictionary<string, string> Text(byte[] png)
    {
        var result = new Dictionary<string, string>();
        foreach (var c in Read(png).Where(c => c.Type == "iTXt"))
        {
            int k = Array.IndexOf(c.Data, (byte)0);
            int lang = Array.IndexOf(c.Data, (byte)0, k + 3);
            int translated = Array.IndexOf(c.Data, (byte)0, lang + 1);
            result[Encoding.Latin1.GetString(c.Data, 0, k)] = Encoding.UTF8.GetString(c.Data, translated + 1, c.Data.Length - translated - 1);
        }
        return result;
    }

    /// <summary>The chunks of a PNG in order, each checked against its CRC.</summary>
    public static IReadOnlyList<(string Type, byte[] Data)> Read(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(Signature)) throw new ArgumentException("not a PNG (bad signature)", nameof(png));
        var chunks = new List<(string, byte[])>();
        int pos = 8;
        while (pos + 12 <= png.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            string type = Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, length).ToArray();
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            if (crc != Crc(png.AsSpan(pos + 4, 4 + length))) throw new ArgumentException($"PNG chunk {type} has a bad CRC", nameof(png));
            chunks.Add((type, data));
            pos += 12 + length;
            if (type == "IEND") break;
        }
        return chunks;
    }

    private static void Write(Stream s, string type, byte[] data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(head, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, head[4..]);
        s.Write(head);
        s.Write(data);
        var crcInput = new byte[4 + data.Length];
        head[4..].CopyTo(crcInput);
        data.CopyTo(crcInput, 4);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc(crcInput));
        s.Write(crc);
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    // The CRC-32 of PNG (ISO 3309), over the chunk type and data.
    private static uint Crc(ReadOnlySpan<byte> bytes)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in bytes) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
