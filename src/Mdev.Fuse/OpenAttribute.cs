using Mdev.Core.Sysfs;

namespace Mdev.Fuse;

/// <summary>
/// One open attribute file behind a FUSE file handle. Serialises the calls on it, since FUSE may run two requests for
/// the same handle on two workers while <see cref="SysfsOpenFile"/> is used from one thread at a time, as a file
/// description is.
/// </summary>
internal sealed class OpenAttribute(SysfsOpenFile file, SysfsStat stat) : IDisposable
{
    private readonly Lock _lock = new();

    /// <summary>What <c>fstat</c> reports: the attribute as it was opened, even once it is removed (the kernfs inode lives while it is open).</summary>
    public SysfsStat Stat => stat;

    /// <summary>Reads from the show snapshot (offset 0 takes a fresh one).</summary>
    public int Read(Span<byte> buffer, long offset)
    {
        lock (_lock)
        {
            return file.Read(buffer, offset);
        }
    }

    /// <summary>One store of the written bytes.</summary>
    public int Write(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            return file.Write(data);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            file.Dispose();
        }
    }
}
