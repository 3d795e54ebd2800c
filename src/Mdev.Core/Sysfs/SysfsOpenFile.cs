using System.Text;

namespace Mdev.Core.Sysfs;

/// <summary>
/// An open sysfs attribute, as a file descriptor is in the kernel: permissions were checked at open; every write is
/// one store; a read at offset 0 takes a fresh show snapshot and later offsets read from it (seq_file).
/// </summary>
/// <remarks>A show or store that throws anything but <see cref="MdevException"/> surfaces as <c>EIO</c> (with the original as inner exception), since a syscall can only return an errno. Once the attribute is removed (its device went away) every read and write fails with <c>ENODEV</c>, as kernfs
/// does for a deactivated node. Not thread-safe: like a file description, use it from one thread at a time.</remarks>
public sealed class SysfsOpenFile : IDisposable
{
    private readonly SysfsAttributeNode _node;
    private readonly FileAccess _access;
    private readonly FaultRegistry? _faults;
    private byte[]? _snapshot;
    private bool _disposed;

    internal SysfsOpenFile(SysfsAttributeNode node, string path, FileAccess access, FaultRegistry? faults)
    {
        _faults = faults;
        _node = node;
        Path = path;
        _access = access;
    }

    /// <summary>The path this file was opened by.</summary>
    public string Path { get; }

    /// <summary>Reads from the show snapshot at <paramref name="offset"/>; offset 0 calls show again.</summary>
    /// <param name="buffer">Where to copy the bytes.</param>
    /// <param name="offset">The file offset.</param>
    /// <returns>The number of bytes copied; 0 at end of file.</returns>
    /// <exception cref="MdevException"><c>EBADF</c> when not open for reading, <c>ENODEV</c> when the attribute is gone, or the show's errno.</exception>
    public int Read(Span<byte> buffer, long offset)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((_access & FileAccess.Read) == 0)
        {
            throw new MdevException(Errno.EBADF, $"read {Path}: not open for reading");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset == 0 || _snapshot is null)
        {
            _snapshot = Show();
        }

        if (offset >= _snapshot.Length)
        {
            return 0;
        }

        int n = (int)Math.Min(buffer.Length, _snapshot.Length - offset);
        _snapshot.AsSpan((int)offset, n).CopyTo(buffer);
        return n;
    }

    /// <summary>Reads the whole attribute text (one fresh show).</summary>
    /// <returns>The text exactly as the kernel prints it.</returns>
    public string ReadAllText()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((_access & FileAccess.Read) == 0)
        {
            throw new MdevException(Errno.EBADF, $"read {Path}: not open for reading");
        }

        _snapshot = Show();
        return Encoding.Latin1.GetString(_snapshot);
    }

    /// <summary>One <c>write(2)</c>: one store of the first 4096 bytes at most; the offset is ignored, as for device attributes.</summary>
    /// <param name="data">The bytes written.</param>
    /// <returns>The number of bytes consumed: <c>min(length, 4096)</c>, or 0 for an empty write (no store is called).</returns>
    /// <exception cref="MdevException"><c>EBADF</c> when not open for writing, <c>ENODEV</c> when the attribute is gone, or the store's errno.</exception>
    public int Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((_access & FileAccess.Write) == 0)
        {
            throw new MdevException(Errno.EBADF, $"write {Path}: not open for writing");
        }

        if (data.IsEmpty)
        {
            return 0;
        }

        ThrowIfRemoved();
        var chunk = data[..Math.Min(data.Length, SysfsTree.AttributeSize)];
        var text = Encoding.Latin1.GetString(chunk);
        _faults?.Check(FaultPoint.AttributeStore, new FaultSite(null, null, null, null, _node.Name, Path), $"write {Path}");
        try
        {
            _node.InvokeStore(text);
        }
        catch (Exception ex) when (ex is not MdevException and not OutOfMemoryException)
        {
            throw new MdevException(Errno.EIO, $"write {Path}: the store failed: {ex.Message}", ex);
        }

        return chunk.Length;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _disposed = true;

    private byte[] Show()
    {
        ThrowIfRemoved();
        string text;
        try
        {
            text = _node.InvokeShow();
        }
        catch (Exception ex) when (ex is not MdevException and not OutOfMemoryException)
        {
            throw new MdevException(Errno.EIO, $"read {Path}: the show failed: {ex.Message}", ex);
        }

        var bytes = Encoding.Latin1.GetBytes(text);

        // A binary attribute reads up to its size (sysfs_kf_bin_read); sysfs_kf_seq_show cuts a text show that fills the
        // page to PAGE_SIZE - 1 bytes.
        if (_node.BinarySize is { } size)
        {
            return bytes.Length > size ? bytes[..size] : bytes;
        }

        return bytes.Length >= SysfsTree.AttributeSize ? bytes[..(SysfsTree.AttributeSize - 1)] : bytes;
    }

    private void ThrowIfRemoved()
    {
        if (_node.Removed)
        {
            throw new MdevException(Errno.ENODEV, $"{Path}: the attribute was removed");
        }
    }
}
