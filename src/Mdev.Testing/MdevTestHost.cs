using System.Buffers;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Testing;

/// <summary>
/// A simulated host for testing one vendor driver: an <see cref="MdevCore"/>, a <see cref="VfioModule"/> and the
/// vendor's parent, registered by the caller's delegate. Create devices with <see cref="CreateDevice"/> and open them
/// as a VMM would with <see cref="Open"/>.
/// </summary>
public sealed class MdevTestHost : IAsyncDisposable
{
    private MdevTestHost(MdevCore core, VfioModule vfio, MdevParent parent)
    {
        Core = core;
        Vfio = vfio;
        Parent = parent;
    }

    /// <summary>The mdev core.</summary>
    public MdevCore Core { get; }

    /// <summary>The VFIO stack.</summary>
    public VfioModule Vfio { get; }

    /// <summary>The vendor's parent.</summary>
    public MdevParent Parent { get; }

    /// <summary>Stands up a host.</summary>
    /// <param name="registerParent">
    /// Registers the vendor's mdev driver (<c>vfio.RegisterVendorDriver("name")</c>: under the default modern policy
    /// the VFIO stack has no generic <c>vfio_mdev</c>, as the kernel since 5.16), adds the vendor's parent device and
    /// registers it, on the core and VFIO given.
    /// </param>
    /// <param name="options">Core options (e.g. a fake <see cref="TimeProvider"/>); null for the defaults.</param>
    /// <returns>The host.</returns>
    public static MdevTestHost Create(Func<MdevCore, VfioModule, MdevParent> registerParent, MdevCoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registerParent);
        var core = new MdevCore(options);
        var vfio = new VfioModule(core);
        return new MdevTestHost(core, vfio, registerParent(core, vfio));
    }

    /// <summary>Creates a device through the type's <c>create</c> file, as user space does.</summary>
    /// <param name="typeName">The type's directory name (<c>mtty-2</c>) or id; null for the first type.</param>
    /// <param name="uuid">The UUID; null for a new one.</param>
    /// <returns>The device.</returns>
    public MdevDevice CreateDevice(string? typeName = null, Guid? uuid = null)
    {
        var type = typeName is null ? Parent.Types[0] : Parent.FindType(typeName)
            ?? throw new MdevException(Errno.ENOENT, $"no type {typeName} on {Parent.Device.Name}");
        var id = uuid ?? Guid.NewGuid();
        Core.Sysfs.Write(type.SysfsPath + "/create", id.ToString("D") + "\n");
        return Core.FindDevice(id)!;
    }

    /// <summary>Opens a device as QEMU does at start-up: container, group, type1v2, guest RAM mapped at IOVA 0, device file.</summary>
    /// <param name="device">The device.</param>
    /// <param name="guestMemorySize">Guest RAM in bytes (a multiple of 4 KiB).</param>
    /// <returns>The session; dispose it to close everything.</returns>
    public VmmSession Open(MdevDevice device, int guestMemorySize = 16 << 20) => new(Vfio, device, guestMemorySize);

    /// <summary>
    /// Migrates <paramref name="source"/> to a new device of the same type in one call, as a VMM's stop-and-copy
    /// migration does: source RUNNING → STOP → STOP_COPY, its whole stream read; a new device created and opened,
    /// STOP → RESUMING, the stream written, RESUMING → STOP → RUNNING. The source is left in STOP. A failure removes
    /// the new device again and rethrows.
    /// </summary>
    /// <param name="source">The open source device (any state that reaches STOP_COPY).</param>
    /// <param name="cancellationToken">Cancels reading the stream.</param>
    /// <returns>The destination, open and RUNNING with the source's state.</returns>
    /// <exception cref="MdevException">The device's errno for an arc it refuses (<c>ENOTTY</c> without migration, <c>EINVAL</c> for a refused load).</exception>
    public async Task<VmmSession> MigrateToNewDeviceAsync(VmmSession source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var reader = source.Device.SetMigrationState(VfioMigrationState.StopCopy)?.Reader
            ?? throw new MdevException(Errno.EINVAL, $"migrate {source.Device.Device.Name}: STOP_COPY gave no data stream");
        var saved = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            foreach (var segment in result.Buffer)
            {
                saved.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        source.Device.SetMigrationState(VfioMigrationState.Stop);
        var mdev = CreateDevice(source.Device.Device.Type.Name);
        VmmSession? destination = null;
        try
        {
            destination = Open(mdev);
            var writer = destination.Device.SetMigrationState(VfioMigrationState.Resuming)?.Writer
                ?? throw new MdevException(Errno.EINVAL, $"migrate to {mdev.Name}: RESUMING gave no data stream");
            await writer.WriteAsync(saved.WrittenMemory, cancellationToken).ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
            destination.Device.SetMigrationState(VfioMigrationState.Running);
            return destination;
        }
        catch
        {
            destination?.Dispose();
            await Core.RemoveMdevDeviceAsync(mdev.Uuid, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Unregisters everything.</summary>
    /// <returns>A task that completes when the host is down.</returns>
    public ValueTask DisposeAsync() => Core.DisposeAsync();
}
