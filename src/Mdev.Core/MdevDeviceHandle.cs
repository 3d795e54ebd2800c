namespace Mdev.Core;

/// <summary>
/// One user's hold on an open mdev device (what <c>vfio_mdev</c> keeps per device file): I/O goes straight to the
/// vendor's <see cref="ParentOps"/> with no core lock on the way. Dispose it to release the device.
/// </summary>
public sealed class MdevDeviceHandle : IDisposable
{
    private int _disposed;

    internal MdevDeviceHandle(MdevDevice device, string holder)
    {
        Device = device;
        Holder = holder;
    }

    /// <summary>The open device.</summary>
    public MdevDevice Device { get; }

    /// <summary>Who holds it, in words (given to <see cref="MdevDevice.Open(string)"/>, or where it was opened).</summary>
    public string Holder { get; }

    /// <summary>Reads at a device-file offset through <see cref="ParentOps.Read"/>.</summary>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="offset">The file offset (region encoding is the vendor's).</param>
    /// <returns>The number of bytes read.</returns>
    public int Read(Span<byte> buffer, long offset)
    {
        ThrowIfDisposed();
        return Device.Parent.Ops.Read(Device, buffer, offset);
    }

    /// <summary>Writes at a device-file offset through <see cref="ParentOps.Write"/>.</summary>
    /// <param name="buffer">The bytes.</param>
    /// <param name="offset">The file offset.</param>
    /// <returns>The number of bytes written.</returns>
    public int Write(ReadOnlySpan<byte> buffer, long offset)
    {
        ThrowIfDisposed();
        return Device.Parent.Ops.Write(Device, buffer, offset);
    }

    /// <summary>Issues an ioctl through <see cref="ParentOps.Ioctl"/>.</summary>
    /// <param name="command">The ioctl request number.</param>
    /// <param name="argument">The argument bytes, read and written in place.</param>
    /// <returns>The ioctl's non-negative result.</returns>
    public long Ioctl(uint command, Span<byte> argument)
    {
        ThrowIfDisposed();
        return Device.Parent.Ops.Ioctl(Device, command, argument);
    }

    /// <summary>Maps part of the device through <see cref="ParentOps.Mmap"/>.</summary>
    /// <param name="offset">The file offset.</param>
    /// <param name="length">The length in bytes.</param>
    /// <returns>The memory the vendor backs the mapping with.</returns>
    public Memory<byte> Mmap(long offset, long length)
    {
        ThrowIfDisposed();
        return Device.Parent.Ops.Mmap(Device, offset, length);
    }

    /// <summary>Releases the device (the last release calls the vendor's <see cref="ParentOps.Release"/>).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Device.Release(this);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
