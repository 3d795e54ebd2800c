using Mdev.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Mdev.Sim.Control;

/// <summary>
/// The run-time control surface of a simulated host: HTTP+JSON served by Kestrel on a UNIX socket, as Firecracker and
/// Docker do, so a test in any language can drive it (<c>curl --unix-socket ctl.sock http://host/state</c>).
/// </summary>
/// <remarks>
/// <para>Endpoints: <c>GET /state</c>; <c>GET /faults</c>, <c>POST /faults</c> (a <see cref="FaultRequest"/>),
/// <c>DELETE /faults</c>, <c>DELETE /faults/{id}</c>; <c>POST /parents</c> (host-file vocabulary),
/// <c>DELETE /parents/{name}</c> (hot-unplug of the device), <c>POST /parents/{name}/unbind</c> and
/// <c>/bind</c> (the same as writing the name to the driver's <c>unbind</c>/<c>bind</c> file).</para>
/// <para>Errors answer <see cref="ControlError"/> with the errno's name: 400 for <c>EINVAL</c> (malformed JSON, unknown
/// errno or point), 404 for <c>ENODEV</c>/<c>ENOENT</c> (unknown parent or fault), 409 for <c>EBUSY</c>/<c>EEXIST</c>;
/// a refused request changes nothing. Requests run concurrently; each reaches the core's thread-safe API only.</para>
/// </remarks>
public sealed class ControlServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ControlServer(WebApplication app, string socketPath)
    {
        _app = app;
        SocketPath = socketPath;
    }

    /// <summary>The UNIX socket it listens on.</summary>
    public string SocketPath { get; }

    /// <summary>Starts serving <paramref name="core"/> on <paramref name="socketPath"/> (a stale socket file there is replaced).</summary>
    /// <param name="core">The simulated host.</param>
    /// <param name="socketPath">Where the socket goes.</param>
    /// <param name="options">Settings; null for none.</param>
    /// <returns>The running server; dispose it to stop and remove the socket.</returns>
    /// <exception cref="MdevException"><c>EADDRINUSE</c> when another live server holds the path; <c>EINVAL</c> for an empty path.</exception>
    public static async Task<ControlServer> StartAsync(MdevCore core, string socketPath, ControlServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(core);
        if (string.IsNullOrEmpty(socketPath))
        {
            throw new MdevException(Errno.EINVAL, "control: no socket path");
        }

        socketPath = Path.GetFullPath(socketPath);
        RemoveStaleSocket(socketPath);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socketPath));
        var app = builder.Build();
        new ControlEndpoints(core, options ?? new ControlServerOptions()).Map(app);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new MdevException(Errno.EADDRINUSE, $"control: cannot listen on {socketPath}: {ex.Message}", ex);
        }

        return new ControlServer(app, socketPath);
    }

    /// <summary>Stops serving and removes the socket file.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        File.Delete(SocketPath);
    }

    /// <summary>A socket file nobody listens on (a killed server's) is removed; a live one is left for Kestrel to refuse.</summary>
    private static void RemoveStaleSocket(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        try
        {
            probe.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        }
        catch (System.Net.Sockets.SocketException)
        {
            File.Delete(path);
            return;
        }

        throw new MdevException(Errno.EADDRINUSE, $"control: {path} is served by another process");
    }
}
