using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using Mdev.Core;
using Mdev.Core.Sysfs;
using Mdev.Fuse.Native;

namespace Mdev.Fuse;

/// <summary>
/// A <see cref="SysfsTree"/> mounted as a real filesystem through the native libfuse3: the mount root is the tree's
/// <c>/sys</c>, so <c>&lt;dir&gt;/class/mdev_bus</c>, <c>&lt;dir&gt;/bus/mdev/devices</c> and <c>&lt;dir&gt;/devices/...</c>
/// are there, and real programs (mdevctl, lsmdev, the shell) use it as they use sysfs.
/// </summary>
/// <remarks>
/// <para>Semantics are the tree's, unchanged: a read is one show snapshot, one <c>write(2)</c> is one store and returns
/// only when the store is complete (writing <c>create</c> has built the whole device by then), every errno reaches the
/// caller as it is (<c>echo bad &gt; create</c> prints "Invalid argument"). Opening a read-only attribute for writing is
/// <c>EACCES</c> even for root (the mount has no <c>default_permissions</c>); <c>O_CREAT|O_TRUNC</c> on an existing
/// attribute succeeds; creating, removing or renaming anything is refused. Attributes report size 4096 and symlinks
/// their kernel-relative targets.</para>
/// <para>The kernel caches names, attributes and symlink targets, and the tree keeps that cache exactly current: every
/// removal from the tree drops the kernel's entry for the removed name before the removal returns; failed lookups
/// are not cached, so a new node is visible at once; every file is <c>direct_io</c>, so every read is a fresh show
/// (see <see cref="FuseFileSystem"/>). Requests are served by libfuse's low-level multi-threaded loop.</para>
/// <para>The mount goes away on <see cref="Dispose"/>, on <c>SIGINT</c>/<c>SIGTERM</c> and at process exit (see
/// <see cref="SysfsMountOptions"/>); with <see cref="SysfsMountOptions.AutoUnmount"/>, a watchdog child process removes
/// it even when the process is killed. Needs <c>/dev/fuse</c>, <c>libfuse3.so.3</c> (Debian package <c>fuse3</c>) and
/// root or <c>fusermount3</c>.</para>
/// </remarks>
public sealed class SysfsMount : IDisposable
{
    private const string FileSystemName = "mdev-sysfs";
    private const string Subtype = "mdev";

    private readonly Lock _disposeLock = new();
    private readonly FuseFileSystem _fileSystem;
    private readonly TaskCompletionSource _unmounted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GCHandle _fileSystemHandle;
    private FuseSessionHandle? _session;
    private Thread? _loop;
    private UnmountWatchdog? _watchdog;
    private string? _connectionMinor;
    private PosixSignalRegistration? _sigint;
    private PosixSignalRegistration? _sigterm;
    private volatile bool _disposed;

    private SysfsMount(string mountPoint, FuseFileSystem fileSystem)
    {
        MountPoint = mountPoint;
        _fileSystem = fileSystem;
    }

    /// <summary>The absolute path of the mount point, symlinks resolved (as <c>/proc/self/mountinfo</c> shows it).</summary>
    public string MountPoint { get; }

    /// <summary>Completes once the mount is gone: after <see cref="Dispose"/>, a signal, or an unmount from outside (<c>umount</c>).</summary>
    public Task Unmounted => _unmounted.Task;

    /// <summary>Mounts <paramref name="tree"/> at <paramref name="mountPoint"/> and starts serving it.</summary>
    /// <param name="tree">The tree to serve (usually <see cref="MdevCore.Sysfs"/>).</param>
    /// <param name="mountPoint">An existing directory; it shows the tree's <c>/sys</c> until the mount is disposed.</param>
    /// <param name="options">Mount settings; null for the defaults.</param>
    /// <returns>The mount; dispose it to unmount.</returns>
    /// <exception cref="MdevException"><c>ENOENT</c> when the directory or <c>libfuse3.so.3</c> is missing, <c>ENOTDIR</c> when the path is a file, <c>ENOSYS</c> for a libfuse older than 3.12; the errno of the failed mount otherwise (libfuse also writes the reason to stderr).</exception>
    public static SysfsMount Mount(SysfsTree tree, string mountPoint, SysfsMountOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentException.ThrowIfNullOrEmpty(mountPoint);
        options ??= new SysfsMountOptions();
        var fullPath = Path.GetFullPath(mountPoint);
        if (!Directory.Exists(fullPath))
        {
            throw File.Exists(fullPath)
                ? new MdevException(Errno.ENOTDIR, $"mount {fullPath}: not a directory")
                : new MdevException(Errno.ENOENT, $"mount {fullPath}: no such directory");
        }

        fullPath = RealPath(fullPath);

        var mount = new SysfsMount(fullPath, new FuseFileSystem(tree, DateTimeOffset.UtcNow));
        try
        {
            mount.Start(options);
        }
        catch
        {
            mount.Dispose();
            throw;
        }

        return mount;
    }

    /// <summary>Unmounts: lets the request loop finish, unmounts the directory and frees the native objects. Idempotent and thread-safe.</summary>
    /// <remarks>Waits for requests in progress (a <c>remove</c> store may wait for the device's users). Do not call it from a store or show of the mounted tree.</remarks>
    public void Dispose()
    {
        lock (_disposeLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _sigint?.Dispose();
            _sigterm?.Dispose();
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
            _fileSystem.Detach();
            if (_loop is { } loop)
            {
                LibFuse.SessionExit(_session!);
                if (loop.IsAlive)
                {
                    WakeLoop();
                    if (!loop.Join(LoopExitTimeout))
                    {
                        // The path no longer reaches our connection (unmounted from outside while another mount
                        // namespace keeps a copy): abort the connection through fusectl so the loop returns.
                        AbortConnection();
                        if (!loop.Join(LoopExitTimeout))
                        {
                            // Never hang the caller: leave the loop and its native objects to the process's exit.
                            _unmounted.TrySetResult();
                            return;
                        }
                    }
                }
            }

            _session?.Dispose();
            _watchdog?.Dispose();
            if (_fileSystemHandle.IsAllocated)
            {
                _fileSystemHandle.Free();
            }

            _fileSystem.CloseAll();
        }

        _unmounted.TrySetResult();
    }

    private unsafe void Start(SysfsMountOptions options)
    {
        _fileSystemHandle = GCHandle.Alloc(_fileSystem);
        _session = CreateSession(options, (void*)GCHandle.ToIntPtr(_fileSystemHandle));
        if (LibFuse.SessionMount(_session, MountPoint) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new MdevException(errno > 0 ? (Errno)errno : Errno.EIO, $"mount {MountPoint}: fuse_session_mount failed (libfuse wrote the reason to stderr)");
        }

        _fileSystem.Attach(_session);

        // The FUSE connection's id is the mount's device minor (fusectl's /sys/fs/fuse/connections/<minor>).
        if (UnmountWatchdog.FindMount(MountPoint) is { } found && found.Device.Split(':') is [_, var minor])
        {
            _connectionMinor = minor;
        }

        if (options.AutoUnmount)
        {
            try
            {
                _watchdog = UnmountWatchdog.Start(MountPoint);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                throw new MdevException(Errno.EIO, $"mount {MountPoint}: cannot start the unmount watchdog: {ex.Message}", ex);
            }
        }

        _loop = new Thread(RunLoop) { IsBackground = true, Name = "fuse " + MountPoint };
        _loop.Start();
        if (options.UnmountOnSignal)
        {
            _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Dispose());
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Dispose());
        }

        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    private static unsafe FuseSessionHandle CreateSession(SysfsMountOptions options, void* userData)
    {
        // No default_permissions: access is the filesystem's decision, so open() gets EACCES as on sysfs, even for root.
        var mountOptions = $"fsname={FileSystemName},subtype={Subtype}" + (options.AllowOther ? ",allow_other" : string.Empty);
        string[] argv = ["mdev-fuse", "-o", mountOptions];
        var strings = new byte*[argv.Length];
        var vector = (byte**)NativeMemory.AllocZeroed((nuint)(argv.Length + 1), (nuint)sizeof(byte*));
        try
        {
            for (int i = 0; i < argv.Length; i++)
            {
                vector[i] = strings[i] = Utf8StringMarshaller.ConvertToUnmanaged(argv[i]);
            }

            var args = new FuseArgs { Argc = argv.Length, Argv = vector, Allocated = 0 };
            var operations = FuseCallbacks.Table();
            FuseSessionHandle session;
            try
            {
                session = LibFuse.SessionNew(&args, &operations, (nuint)sizeof(FuseLowlevelOps), userData);
            }
            catch (DllNotFoundException ex)
            {
                throw new MdevException(Errno.ENOENT, $"{LibFuse.Library} is not installed (Debian: apt-get install fuse3)", ex);
            }
            catch (EntryPointNotFoundException ex)
            {
                throw new MdevException(Errno.ENOSYS, $"{LibFuse.Library} is older than libfuse 3.12: {ex.Message}", ex);
            }
            finally
            {
                LibFuse.OptFreeArgs(&args);
            }

            if (session.IsInvalid)
            {
                session.Dispose();
                throw new MdevException(Errno.EINVAL, $"fuse_session_new refused the options '{mountOptions}'");
            }

            return session;
        }
        finally
        {
            foreach (var s in strings)
            {
                Utf8StringMarshaller.Free(s);
            }

            NativeMemory.Free(vector);
        }
    }

    /// <summary>The path as the mount table will show it (every symlink resolved).</summary>
    private static unsafe string RealPath(string path)
    {
        byte* resolved = LibC.RealPath(path, null);
        if (resolved is null)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new MdevException(errno > 0 ? (Errno)errno : Errno.ENOENT, $"mount {path}: realpath failed");
        }

        try
        {
            return Utf8StringMarshaller.ConvertToManaged(resolved)!;
        }
        finally
        {
            NativeMemory.Free(resolved);
        }
    }

    private void RunLoop()
    {
        bool added = false;
        int result = 0;
        try
        {
            _session!.DangerousAddRef(ref added);
            unsafe
            {
                result = LibFuse.SessionLoopMt(_session.DangerousGetHandle(), null);
            }
        }
        finally
        {
            if (added)
            {
                _session!.DangerousRelease();
            }

            // Unmounted from outside, or the loop failed; Dispose completes it otherwise, once the directory is free.
            if (result < 0)
            {
                _unmounted.TrySetException(new MdevException((Errno)(-result), $"fuse loop on {MountPoint} failed"));
            }
            else if (!_disposed)
            {
                _unmounted.TrySetResult();
            }
        }
    }

    /// <summary>
    /// After <c>fuse_exit</c>, the workers stop only once a request wakes them: a <c>stat</c> of the mount root is one.
    /// It runs on its own thread because it may stay unanswered until the unmount closes the connection.
    /// </summary>
    /// <summary>How long Dispose waits for the request loop before aborting the connection.</summary>
    private static readonly TimeSpan LoopExitTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Writes 1 to <c>/sys/fs/fuse/connections/&lt;minor&gt;/abort</c> (fusectl), when it is mounted.</summary>
    private void AbortConnection()
    {
        if (_connectionMinor is not { } minor)
        {
            return;
        }

        var abort = $"/sys/fs/fuse/connections/{minor}/abort";
        try
        {
            File.WriteAllText(abort, "1");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // fusectl not mounted or not ours to abort: the Join timeout still returns control to the caller.
            System.Diagnostics.Trace.TraceWarning($"mdev-fuse: cannot abort {abort}: {ex.Message}");
        }
    }

    /// <summary>
    /// Makes one request reach the loop so it sees the session's exit flag: a lookup of a name nobody has looked up (a
    /// fresh GUID). A <c>stat</c> of the mount point itself is not enough: with the kernel cache on, the root's attributes
    /// are answered from the cache for 60 s once any program has read them, and the loop would sleep on.
    /// </summary>
    private void WakeLoop()
    {
        var probe = Path.Combine(MountPoint, ".mdev-fuse-wake-" + Guid.NewGuid().ToString("N"));
        new Thread(() => File.Exists(probe)) { IsBackground = true, Name = "fuse wake " + MountPoint }.Start();
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();
}
