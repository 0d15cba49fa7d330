using System.Runtime.InteropServices;
using DoseEscalation.Reporting.Charts;
using DoseEscalation.Reporting.Formats;

namespace DoseEscalation.Reporting.Files;

/// <summary>An output path that cannot be used or written; the message starts with the path as given.</summary>
public sealed class OutputPathException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string OutputPath { get; } = path;
    public string Problem { get; } = problem;
}

/// <summary>
/// The one place output files are written: whole or not at all. A single file goes to a temporary
/// file beside the target and is renamed over it; a set of files (a chart folder, a Markdown report
/// with its SVGs) is written completely to temporary files, or a temporary folder, before anything
/// is renamed into place, and the temporaries are removed on failure, so a failing, interrupted or
/// full-disk run leaves no partial output. Targets are checked first (docs/reliability.md):
/// an empty path, a path that is one of the inputs, a symbolic link, or anything existing that is
/// not a regular file (folder, FIFO, device, socket) is refused, never replaced or followed.
/// </summary>
public static class AtomicOutput
{
    /// <summary>Throws unless <paramref name="path"/> may be written as a single file (absent, or an existing regular file that is not an input).</summary>
    public static void CheckFile(string path, params string?[] inputs)
    {
        CheckCommon(path, inputs);
        switch (Kind(path))
        {
            case EntryKind.Missing or EntryKind.Regular: break;
            case EntryKind.Directory: throw new OutputPathException(path, "is a folder; give a file name");
            case var k: throw new OutputPathException(path, Describe(k));
        }
    }

    /// <summary>Throws unless <paramref name="path"/> may receive a set of files: absent (then created) or an existing real folder.</summary>
    public static void CheckFolder(string path, params string?[] inputs)
    {
        CheckCommon(path, inputs);
        switch (Kind(path))
        {
            case EntryKind.Missing or EntryKind.Directory: break;
            case EntryKind.Regular: throw new OutputPathException(path, "is a file; give a folder to write the files into");
            case var k: throw new OutputPathException(path, Describe(k));
        }
    }

    private static void CheckCommon(string path, string?[] inputs)
    {
        if (path is null || path.Trim().Length == 0) throw new OutputPathException("''", "an empty output path; give a file or folder name");
        if (path.IndexOf('\0') >= 0) throw new OutputPathException(path.Replace("\0", "\\0"), "contains a NUL character");
        string full = Resolve(path);
        foreach (var input in inputs)
            if (input is not null && File.Exists(input) && string.Equals(Resolve(input), full, StringComparison.Ordinal))
                throw new OutputPathException(path, $"is the input file {input}; writing there would destroy it");
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null && !Directory.Exists(dir)) throw new OutputPathException(path, $"the folder {dir} does not exist");
    }

    /// <summary>A writer of <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
    public static Action<Stream> Text(string text) => AtomicFile.Writer(text);

    /// <summary>Writes one file atomically (after <see cref="CheckFile"/>).</summary>
    public static void WriteFile(string path, Action<Stream> write, params string?[] inputs) => WriteFiles([(path, write)], inputs);

    /// <summary>
    /// Writes every file (each checked with <see cref="CheckFile"/>) to a temporary file beside it,
    /// and only when all are complete renames them into place; on failure no temporary file remains
    /// and no target has been touched.
    /// </summary>
    public static void WriteFiles(IReadOnlyList<(string Path, Action<Stream> Write)> files, params string?[] inputs)
    {
        foreach (var (path, _) in files) CheckFile(path, inputs);
        var temps = new List<(string Temp, string Target, string Given)>();
        try
        {
            foreach (var (path, write) in files)
            {
                string full = Path.GetFullPath(path);
                string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid().ToString("N")[..8]}.tmp");
                temps.Add((temp, full, path));
                Guard(path, () =>
                {
                    using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                    write(stream);
                    stream.Flush(flushToDisk: false);
                });
            }
            foreach (var (temp, target, given) in temps) Guard(given, () => File.Move(temp, target, overwrite: true));
        }
        finally
        {
            foreach (var (temp, _, _) in temps)
                try { if (File.Exists(temp)) File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Writes <paramref name="files"/> (file names) into the folder <paramref name="directory"/>. A new
    /// folder is built complete under a temporary name beside it and moved into place in one step; an
    /// existing folder receives the files as <see cref="WriteFiles"/> does. Returns the paths written.
    /// </summary>
    public static IReadOnlyList<string> WriteFolder(string directory, IReadOnlyList<(string Name, Action<Stream> Write)> files, params string?[] inputs)
    {
        CheckFolder(directory, inputs);
        foreach (var (name, _) in files)
            if (name.Length == 0 || name != Path.GetFileName(name)) throw new OutputPathException(Path.Combine(directory, name), "is not a plain file name");
        var paths = files.Select(f => Path.Combine(directory, f.Name)).ToList();
        if (Directory.Exists(directory))
        {
            WriteFiles(files.Select((f, i) => (paths[i], f.Write)).ToList(), inputs);
            return paths;
        }
        string full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid().ToString("N")[..8]}.tmp");
        try
        {
            Guard(directory, () => Directory.CreateDirectory(temp));
            foreach (var (name, write) in files)
                Guard(Path.Combine(directory, name), () =>
                {
                    using var stream = new FileStream(Path.Combine(temp, name), FileMode.CreateNew, FileAccess.Write, FileShare.None);
                    write(stream);
                });
            Guard(directory, () => Directory.Move(temp, full));
        }
        finally
        {
            try { if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return paths;
    }

    /// <summary>Runs an IO step, reporting a failure against the path the user gave (never the temporary name).</summary>
    private static void Guard(string given, Action step)
    {
        try { step(); }
        catch (UnauthorizedAccessException) { throw new OutputPathException(given, "cannot be written (permission denied)"); }
        catch (PathTooLongException) { throw new OutputPathException(given, "the path is too long"); }
        catch (DirectoryNotFoundException) { throw new OutputPathException(given, "its folder does not exist"); }
        catch (FileNotFoundException) { throw new OutputPathException(given, "cannot be created in that folder"); }
        catch (IOException ex) when (ex.HResult == 28 || ex.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase))
        { throw new OutputPathException(given, "cannot be written: no space left on the device; nothing was written"); }
        catch (IOException ex) { throw new OutputPathException(given, "cannot be written: " + WithoutPaths(ex.Message)); }
    }

    private static string WithoutPaths(string message)
    {
        string first = message.Split('\n')[0].Trim();
        int quote = first.IndexOf(" : '", StringComparison.Ordinal);
        if (quote < 0) quote = first.IndexOf(" '", StringComparison.Ordinal);
        return (quote > 0 ? first[..quote] : first).TrimEnd('.', ':', ' ');
    }

    /// <summary>The absolute path with every symbolic link resolved (as far as the path exists).</summary>
    private static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            if (new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target) full = target.FullName;
            string? dir = Path.GetDirectoryName(full);
            if (dir is not null && new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true) is { } d)
                full = Path.Combine(d.FullName, Path.GetFileName(full));
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return full;
    }

    private enum EntryKind { Missing, Regular, Directory, SymbolicLink, Fifo, Device, Socket, Other }

    private static string Describe(EntryKind k) => k switch
    {
        EntryKind.SymbolicLink => "is a symbolic link; give the path of a regular file (links are not followed)",
        EntryKind.Fifo => "is a named pipe (FIFO); give the path of a regular file",
        EntryKind.Device => "is a device; give the path of a regular file",
        EntryKind.Socket => "is a socket; give the path of a regular file",
        _ => "is not a regular file",
    };

    /// <summary>What is at <paramref name="path"/>, without following a final symbolic link.</summary>
    private static EntryKind Kind(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return EntryKind.SymbolicLink;
        if (Directory.Exists(path)) return EntryKind.Directory;
        if (!info.Exists) return EntryKind.Missing;
        if (OperatingSystem.IsWindows()) return EntryKind.Regular;
        // .NET reports FIFOs and devices as ordinary files; the file type bits of lstat tell them apart.
        int mode = UnixFileType(path);
        return mode switch
        {
            -1 or 0x8000 => EntryKind.Regular,
            0x4000 => EntryKind.Directory,
            0xA000 => EntryKind.SymbolicLink,
            0x1000 => EntryKind.Fifo,
            0x2000 or 0x6000 => EntryKind.Device,
            0xC000 => EntryKind.Socket,
            _ => EntryKind.Other,
        };
    }

    /// <summary>lstat's S_IFMT bits through the runtime's own System.Native shim (as the dotnet CLI does); -1 if unavailable.</summary>
    private static int UnixFileType(string path)
    {
        try
        {
            // FileStatus starts { int Flags; int Mode; ... }; the buffer is larger than the struct on every runtime.
            var buffer = new byte[256];
            if (LStat(path, buffer) != 0) return -1;
            return BitConverter.ToInt32(buffer, 4) & 0xF000;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException) { return -1; }
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", CharSet = CharSet.Ansi, SetLastError = true)]
    private static extern int LStat(string path, byte[] output);
}
