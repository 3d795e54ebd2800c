using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary>An owned <c>struct fuse *</c>: releasing it unmounts (when still mounted) and destroys the filesystem object.</summary>
/// <remarks>The request loop holds a reference (<see cref="SafeHandle.DangerousAddRef"/>) while it runs, so the object is never freed under it.</remarks>
internal sealed class FuseHandle : SafeHandle
{
    /// <summary>Creates an invalid handle; the marshaller sets the pointer.</summary>
    public FuseHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == nint.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        LibFuse.Unmount(handle);
        LibFuse.Destroy(handle);
        return true;
    }
}
