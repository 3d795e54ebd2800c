using System.Runtime.InteropServices;
using System.Text;
using Mdev.Core;
using Mdev.Vfio.Remote.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mdev.Vfio.Remote;

/// <summary>
/// Serves a <see cref="VfioModule"/>'s <c>/dev/vfio</c> to processes outside .NET: a VMM started with
/// <c>LD_PRELOAD=</c><see cref="PreloadLibraryPath"/> and <c>MDEV_VFIO_SOCKET=</c><see cref="SocketPath"/> has its
/// calls on <c>/dev/vfio/*</c> forwarded here (an <c>AF_UNIX</c> <c>SOCK_SEQPACKET</c> socket). Each connection is one
/// process with its own descriptor table; its eventfds arrive with <c>SCM_RIGHTS</c> and are bridged to the model's
/// <see cref="EventFd"/>; DMA reaches its memory by pid; when it goes away (exit, SIGKILL) everything it held is
/// released as at process exit, so a removal is never blocked by a dead VMM.
/// </summary>
/// <remarks>
/// Locking: <c>_lock</c> guards the set of live connections; each connection is served by a thread of its own, which
/// alone touches that connection's state. A client that sends garbage gets an errno, or is disconnected alone.
/// </remarks>
public sealed partial class VfioRemoteServer : IAsyncDisposable
{
    /// <summary>The preload library's file name, shipped next to this assembly.</summary>
    public const string PreloadLibraryName = "mdev_vfio_preload.so";

    /// <summary>The environment variable naming the socket, read by the preload library.</summary>
    public const string SocketVariable = "MDEV_VFIO_SOCKET";

    private readonly VfioModule _module;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly HashSet<VfioRemoteConnection> _connections = [];
    private readonly int _listener;
    private readonly int _wake;
    private readonly Thread _acceptor;
    private int _disposed;

    /// <summary>Binds <paramref name="socketPath"/> and starts accepting.</summary>
    /// <param name="module">The VFIO stack to serve.</param>
    /// <param name="socketPath">Where the socket goes; must not exist.</param>
    /// <param name="logger">Where a client disconnected for a fault is reported; none by default.</param>
    /// <exception cref="MdevException"><c>EADDRINUSE</c> when the path exists; <c>EINVAL</c> for a path longer than 107 bytes; the socket call's errno otherwise.</exception>
    public VfioRemoteServer(VfioModule module, string socketPath, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(socketPath);
        _module = module;
        _logger = logger ?? NullLogger.Instance;
        SocketPath = Path.GetFullPath(socketPath);
        if (Path.Exists(SocketPath))
        {
            throw new MdevException(Errno.EADDRINUSE, $"vfio socket {SocketPath}: the path exists (a stale socket? remove it)");
        }

        _listener = Listen(SocketPath);
        _wake = LibC.EventFd(0, LibC.EfdCloexec | LibC.EfdNonblock);
        _acceptor = new Thread(Accept) { IsBackground = true, Name = "vfio-remote accept" };
        _acceptor.Start();
    }

    /// <summary>The socket's absolute path (the value of <c>MDEV_VFIO_SOCKET</c>).</summary>
    public string SocketPath { get; }

    /// <summary>The absolute path of the preload library, next to this assembly.</summary>
    public static string PreloadLibraryPath => Path.Join(AppContext.BaseDirectory, PreloadLibraryName);

    /// <summary>The environment a VMM needs, as a shell line: <c>export LD_PRELOAD=… MDEV_VFIO_SOCKET=…</c>.</summary>
    public string ExportLine => $"export LD_PRELOAD={PreloadLibraryPath} {SocketVariable}={SocketPath}";

    /// <summary>The pids of the processes connected now.</summary>
    public IReadOnlyList<int> ConnectedPids
    {
        get
        {
            lock (_lock)
            {
                return _connections.Select(c => c.Pid).Order().ToArray();
            }
        }
    }

    /// <summary>Stops accepting, disconnects every client (each released as at its exit) and removes the socket.</summary>
    /// <returns>A task that completes when every connection is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Wake();
        await Task.Run(_acceptor.Join).ConfigureAwait(false);
        LibC.Close(_listener);
        LibC.Close(_wake);
        File.Delete(SocketPath);
        VfioRemoteConnection[] live;
        lock (_lock)
        {
            live = [.. _connections];
        }

        await Task.Run(() =>
        {
            foreach (var connection in live)
            {
                connection.Stop();
            }
        }).ConfigureAwait(false);
    }

    private static unsafe int Listen(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path);
        if (bytes.Length > SockaddrUn.MaxPath)
        {
            throw new MdevException(Errno.EINVAL, $"vfio socket {path}: longer than {SockaddrUn.MaxPath} bytes");
        }

        int fd = LibC.Socket(LibC.AfUnix, LibC.SockSeqpacket | LibC.SockCloexec, 0);
        if (fd < 0)
        {
            throw Failed("socket", path);
        }

        var address = new SockaddrUn { Family = LibC.AfUnix };
        bytes.CopyTo(new Span<byte>(address.Path, 108));
        if (LibC.Bind(fd, &address, sizeof(SockaddrUn)) != 0 || LibC.Listen(fd, 16) != 0)
        {
            var error = Failed("bind", path);
            LibC.Close(fd);
            throw error;
        }

        return fd;
    }

    private static MdevException Failed(string call, string path)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new MdevException(Enum.IsDefined((Errno)errno) ? (Errno)errno : Errno.EIO, $"vfio socket {path}: {call}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    private unsafe void Accept()
    {
        Span<PollFd> fds = stackalloc PollFd[2];
        while (Volatile.Read(ref _disposed) == 0)
        {
            fds[0] = new PollFd { Fd = _listener, Events = LibC.PollIn };
            fds[1] = new PollFd { Fd = _wake, Events = LibC.PollIn };
            fixed (PollFd* p = fds)
            {
                if (LibC.Poll(p, 2, -1) < 0 || fds[1].Revents != 0)
                {
                    continue;
                }
            }

            int socket = LibC.Accept4(_listener, null, null, LibC.SockCloexec);
            if (socket < 0)
            {
                continue; // EINTR, ECONNABORTED, or EMFILE (the next poll retries)
            }

            UCred cred;
            int length = sizeof(UCred);
            if (LibC.GetSockOpt(socket, LibC.SolSocket, LibC.SoPeercred, &cred, &length) != 0)
            {
                LibC.Close(socket);
                continue;
            }

            var connection = new VfioRemoteConnection(_module, socket, cred.Pid, Ended);
            lock (_lock)
            {
                _connections.Add(connection);
            }

            connection.Start();
        }
    }

    private void Ended(VfioRemoteConnection connection, Exception? fault)
    {
        lock (_lock)
        {
            _connections.Remove(connection);
        }

        if (fault is not null)
        {
            LogClientFault(_logger, connection.Pid, fault);
        }
    }

    private unsafe void Wake()
    {
        ulong one = 1;
        LibC.Write(_wake, &one, 8);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "vfio-remote: process {Pid} disconnected after a fault in the model")]
    private static partial void LogClientFault(ILogger logger, int pid, Exception fault);
}
