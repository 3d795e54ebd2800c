namespace Mdev.Vfio.Remote;

/// <summary>The operations of the wire protocol (<c>native/mdev_vfio_proto.h</c>, <c>MV_OP_*</c>).</summary>
internal enum RemoteOp : uint
{
    /// <summary><c>open</c> of <c>/dev/vfio/vfio</c> or <c>/dev/vfio/&lt;group&gt;</c>: payload the NUL-terminated path, result the new fd.</summary>
    Open = 1,

    /// <summary><c>close</c> of a served fd.</summary>
    Close = 2,

    /// <summary><c>ioctl</c>: no payload for a value argument (in <c>arg</c>), else the argument struct, copied back.</summary>
    Ioctl = 3,

    /// <summary><c>pread</c>: <c>request</c> is the count, <c>arg</c> the offset; the reply carries the bytes.</summary>
    Pread = 4,

    /// <summary><c>pwrite</c>: <c>arg</c> is the offset, the payload the bytes; the result the count written.</summary>
    Pwrite = 5,

    /// <summary><c>read(2)</c> of a migration data_fd: <c>request</c> is the count; the reply carries the bytes.</summary>
    Read = 6,

    /// <summary><c>write(2)</c> of a migration data_fd: the payload is the bytes; the result the count written.</summary>
    Write = 7,
}
