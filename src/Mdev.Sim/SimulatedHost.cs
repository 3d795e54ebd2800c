using System.Text.Json;
using Mdev.Core;
using Mdev.Sim.Control;
using Mdev.Vfio;

namespace Mdev.Samples.Host;

/// <summary>
/// The simulated host both <c>serve</c> and <c>run</c> stand up: an <see cref="MdevCore"/> (mdev loaded or not, as the
/// host file says), its VFIO stack, the parents and faults of the host file (or <see cref="DefaultHost"/>), and, when
/// asked, the control API on a UNIX socket.
/// </summary>
internal sealed class SimulatedHost : IAsyncDisposable
{
    private SimulatedHost(MdevCore core, VfioModule vfio)
    {
        Core = core;
        Vfio = vfio;
    }

    public MdevCore Core { get; }

    public VfioModule Vfio { get; }

    public ControlServer? Control { get; private set; }

    /// <summary>Builds the host; nothing is left running when it fails.</summary>
    /// <exception cref="MdevException">The host file's or the control socket's errno.</exception>
    public static async Task<SimulatedHost> StartAsync(string? hostFile, string? controlSocket)
    {
        var description = hostFile is null ? DefaultHost.Description : HostFileLoader.Load(hostFile);
        if (description.MdevTypeLinkDelayMs < 0 || description.RemoveDurationMs < 0)
        {
            throw HostFileKinds.Invalid("host file: \"mdevTypeLinkDelayMs\" and \"removeDurationMs\" cannot be negative");
        }

        var core = new MdevCore(new MdevCoreOptions
        {
            MdevLoaded = description.MdevLoaded,
            MdevTypeLinkDelay = TimeSpan.FromMilliseconds(description.MdevTypeLinkDelayMs),
            RemoveDuration = TimeSpan.FromMilliseconds(description.RemoveDurationMs),
        }, StderrLoggerFactory.FromEnvironment());
        var host = new SimulatedHost(core, new VfioModule(core));
        try
        {
            HostFileKinds.Apply(core, host.Vfio, description);
            if (controlSocket is not null)
            {
                host.Control = await ControlServer.StartAsync(core, controlSocket, new ControlServerOptions { AddParent = host.AddParent });
            }

            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Control is not null)
        {
            await Control.DisposeAsync();
        }

        await Core.DisposeAsync();
    }

    /// <summary><c>POST /parents</c>: one parent object of the host file.</summary>
    private MdevParent AddParent(JsonElement body)
    {
        HostFileParent? parent;
        try
        {
            parent = body.Deserialize(HostFileJsonContext.Default.HostFileParent);
        }
        catch (JsonException ex)
        {
            throw HostFileKinds.Invalid($"add parent: {ex.Message}");
        }

        return HostFileKinds.Add(Core, Vfio, parent ?? throw HostFileKinds.Invalid("add parent: the body is null"));
    }
}
