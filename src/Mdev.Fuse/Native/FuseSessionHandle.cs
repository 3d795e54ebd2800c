using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary>An owned <c>struct fuse_session *</c>: releasing it unmounts (when still mounted) and destroys the session.</summary>
/// <remarks>
/// The request loop and every cache invalidation hold a reference (<see cref="SafeHandle.DangerousAddRef"/>) while they
/// use the session, so it is never freed under them: <see cref="SafeHandle.Dispose()"/> defers the release to the last
/// of them.
/// </remarks>
internal sealed class FuseSessionHandle : SafeHandle
{
    /// <summary>Creates an invalid handle; the marshaller sets the pointer.</summary>
    public FuseSessionHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == nint.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        LibFuse.SessionUnmount(handle);
        LibFuse.SessionDestroy(handle);
        return true;
    }
}
