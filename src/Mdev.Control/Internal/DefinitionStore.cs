using System.Runtime.InteropServices;
using Mdev.Core;
using Microsoft.Extensions.Logging;

namespace Mdev.Control.Internal;

/// <summary>
/// The persistent definitions, <c>&lt;root&gt;/etc/mdevctl.d/&lt;parent&gt;/&lt;uuid&gt;</c>, read and written as mdevctl
/// 1.2.0 does (mdevctl-contract.md §5.3, §7): parent entries must be real directories and definitions regular files
/// (symlinks are ignored), <c>scripts.d</c> is not a parent, a parent directory is never removed.
/// </summary>
/// <remarks>
/// Writes are atomic where mdevctl's are not (it truncates and rewrites in place): the JSON goes to a temporary file in
/// the same directory, which is then hard-linked in place (<c>link(2)</c>, never overwriting) (define: a concurrent define of the same
/// UUID gets <c>EEXIST</c>) or renamed over the old file (modify). A failed write leaves no file and no new directory.
/// </remarks>
internal sealed class DefinitionStore(string root, bool required, ILogger logger)
{
    public const string ScriptsDirectory = "scripts.d";

    public string Directory { get; } = Path.Combine(root, "etc", "mdevctl.d");

    public string PathOf(string parent, Guid uuid) => Path.Combine(Directory, parent, Uuids.Format(uuid));

    /// <summary>
    /// mdevctl's start-up self-check (PR #57, after mdevctl#56): the directory must exist and be readable. With
    /// <c>required</c> off, a missing directory reads as "no definitions" instead.
    /// </summary>
    /// <returns>False when the directory is missing and not required.</returns>
    public bool Check()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            if (!required && !Path.Exists(Directory))
            {
                return false;
            }

            throw new MdevctlException(
                File.Exists(Directory) ? Errno.ENOTDIR : Errno.ENOENT,
                $"Required directory \"{Directory}\" doesn't exist. This may indicate a packaging or installation error");
        }

        try
        {
            using var e = System.IO.Directory.EnumerateFileSystemEntries(Directory).GetEnumerator();
            e.MoveNext();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MdevctlException(FileErrors.ErrnoOf(ex), $"Unable to read directory \"{Directory}\"", ex);
        }

        return true;
    }

    /// <summary>Whether <c>&lt;parent&gt;/&lt;uuid&gt;</c> exists (mdevctl's <c>is_defined</c>: <c>exists()</c>, links followed).</summary>
    public bool IsDefined(string parent, Guid uuid) => Path.Exists(PathOf(parent, uuid));

    /// <summary>
    /// The definition of an active device, read as <c>mdevctl list</c> does: null when there is no file; a file that
    /// does not parse still counts as defined, as <c>manual</c> without attributes.
    /// </summary>
    public MdevDeviceConfig? ReadLenient(string parent, Guid uuid, string activeType)
    {
        var path = PathOf(parent, uuid);
        if (!Path.Exists(path))
        {
            return null;
        }

        try
        {
            return MdevDeviceConfig.Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is MdevctlException or IOException or UnauthorizedAccessException)
        {
            return new MdevDeviceConfig(activeType);
        }
    }

    /// <summary>
    /// mdevctl's <c>defined_devices</c>: every definition matching the filters, sorted by parent then UUID. Only the
    /// files that pass the filters are read; one that does not parse aborts the scan with mdevctl's error.
    /// </summary>
    public IReadOnlyList<StoredDefinition> Scan(Guid? uuid, string? parent)
    {
        var found = new List<StoredDefinition>();
        if (!Check())
        {
            return found;
        }

        foreach (var parentDir in Sorted(new DirectoryInfo(Directory).EnumerateDirectories()))
        {
            if (parentDir.Name == ScriptsDirectory || (parent is not null && parentDir.Name != parent) || parentDir.LinkTarget is not null)
            {
                continue;
            }

            foreach (var file in Sorted(parentDir.EnumerateFiles()))
            {
                if (file.LinkTarget is not null)
                {
                    continue;
                }

                if (!Uuids.TryParse(file.Name, out var id))
                {
                    Log.NotAUuid(logger, file.Name);
                    continue;
                }

                if (uuid is not null && id != uuid)
                {
                    continue;
                }

                string text;
                try
                {
                    text = File.ReadAllText(file.FullName);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new MdevctlException(FileErrors.ErrnoOf(ex), OsErrors.Describe(FileErrors.ErrnoOf(ex)), ex);
                }

                found.Add(new StoredDefinition(parentDir.Name, id, MdevDeviceConfig.Parse(text)));
            }
        }

        return found;
    }

    /// <summary>Writes a new definition; <c>EEXIST</c> when one appeared meanwhile.</summary>
    public void Create(string parent, Guid uuid, MdevDeviceConfig config) => Write(parent, uuid, config, overwrite: false);

    /// <summary>Rewrites an existing definition (modify).</summary>
    public void Replace(string parent, Guid uuid, MdevDeviceConfig config) => Write(parent, uuid, config, overwrite: true);

    /// <summary>Deletes a definition; its parent directory stays, even when empty, as mdevctl leaves it.</summary>
    public void Delete(string parent, Guid uuid)
    {
        var path = PathOf(parent, uuid);
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MdevctlException(FileErrors.ErrnoOf(ex), $"Failed to remove config for device {Uuids.Format(uuid)}", ex);
        }

        Log.ConfigRemoved(logger, path);
    }

    private void Write(string parent, Guid uuid, MdevDeviceConfig config, bool overwrite)
    {
        var directory = Path.Combine(Directory, parent);
        var path = PathOf(parent, uuid);
        bool created = !System.IO.Directory.Exists(directory);
        var temporary = Path.Combine(directory, $".{Uuids.Format(uuid)}.{Guid.NewGuid():N}.tmp");
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            File.WriteAllText(temporary, config.ToJson());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, (UnixFileMode)0b110_100_100); // 0644, as 0666 under the usual umask
            }

            if (overwrite)
            {
                File.Move(temporary, path, overwrite: true); // rename(2): atomic replacement
            }
            else
            {
                // File.Move without overwrite checks and then renames (a window in which two defines both win):
                // link(2) fails with EEXIST atomically, and the name appears with the whole content.
                if (Native.LibC.Link(temporary, path) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    throw new IOException($"link {path}: errno {errno}", errno);
                }

                File.Delete(temporary);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }

            if (created && System.IO.Directory.Exists(directory) && !System.IO.Directory.EnumerateFileSystemEntries(directory).Any())
            {
                System.IO.Directory.Delete(directory);
            }

            throw !overwrite && File.Exists(path)
                ? new MdevctlException(Errno.EEXIST, $"Device {Uuids.Format(uuid)} on {parent} already defined", ex)
                : new MdevctlException(FileErrors.ErrnoOf(ex), $"Failed to write config for device {Uuids.Format(uuid)}", ex);
        }

        Log.ConfigWritten(logger, path);
    }

    private static IEnumerable<T> Sorted<T>(IEnumerable<T> entries)
        where T : FileSystemInfo => entries.OrderBy(e => e.Name, StringComparer.Ordinal);
}
