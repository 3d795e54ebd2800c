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
    /// <param name="registerParent">Adds the vendor's parent device and registers it (and any vendor bus driver name) on the core and VFIO given.</param>
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

    /// <summary>Unregisters everything.</summary>
    /// <returns>A task that completes when the host is down.</returns>
    public ValueTask DisposeAsync() => Core.DisposeAsync();
}
