namespace Mdev.Fuse;

/// <summary>How <see cref="SysfsMount.Mount"/> mounts a tree.</summary>
public sealed class SysfsMountOptions
{
    /// <summary>
    /// Lets users other than the one who mounted read the mount (FUSE <c>allow_other</c>), as everyone can read
    /// <c>/sys</c>. Off by default; a user other than root needs <c>user_allow_other</c> in <c>/etc/fuse.conf</c>.
    /// </summary>
    public bool AllowOther { get; init; }

    /// <summary>
    /// Unmounts the directory even if this process dies without unmounting (a crash, <c>SIGKILL</c>), so that no stale
    /// mount is left: a small child process (<c>sh</c>) waits for this process to go and then runs
    /// <c>umount --lazy</c> (<c>fusermount3 -u -z</c> for a user other than root). On by default.
    /// </summary>
    public bool AutoUnmount { get; init; } = true;

    /// <summary>Unmounts when the process receives <c>SIGINT</c> or <c>SIGTERM</c> (the signal then takes its usual course). On by default.</summary>
    public bool UnmountOnSignal { get; init; } = true;
}
