using System.Globalization;
using Mdev.Core;
using Mdev.Core.Sysfs;
using Mdev.Vfio;
using Xunit;

namespace Mdev.Testing;

/// <summary>
/// What every vendor driver must satisfy, as an abstract xunit suite: derive a test class, supply
/// <see cref="CreateHost"/>, and these tests run against your driver (the way <c>ChannelTestBase</c> runs against every
/// channel). Types visible and consistent, create/remove arithmetic, refusal past availability without a trace,
/// open/close, region and IRQ info sane, reset to the initial state; for <c>vfio-pci</c> types a sane config space
/// whose BARs match the regions; every region accessible as its flags say; every eventfd-capable IRQ index enabled,
/// triggered and disabled; the advertised migration arcs round-tripping into a fresh device.
/// </summary>
public abstract partial class VendorDriverContract
{
    /// <summary>The largest pool the contract exhausts; larger ones are left to the driver's own tests.</summary>
    public const int MaxExhaustedPool = 1024;

    private static readonly HashSet<string> DeviceApis = ["vfio-pci", "vfio-platform", "vfio-amba", "vfio-ccw", "vfio-ap"];

    /// <summary>Creates a fresh host with the driver under test registered.</summary>
    /// <returns>The host.</returns>
    protected abstract MdevTestHost CreateHost();

    /// <summary>Every type has the core files with the kernel's text, and the typed API agrees with sysfs.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Types_AreVisibleAndConsistent()
    {
        await using var host = CreateHost();
        var sys = host.Core.Sysfs;
        var listed = sys.ReadDirectory($"/sys/class/mdev_bus/{host.Parent.Device.Name}/mdev_supported_types").Select(e => e.Name).ToList();
        Assert.Equal(host.Parent.Types.Select(t => t.Name).Order(StringComparer.Ordinal), listed);
        Assert.NotEmpty(listed);
        foreach (var type in host.Parent.Types)
        {
            Assert.StartsWith(host.Parent.Device.DriverString + "-", type.Name, StringComparison.Ordinal);
            Assert.Equal(type.PrettyName + "\n", sys.Read(type.SysfsPath + "/name"));
            var api = sys.Read(type.SysfsPath + "/device_api");
            Assert.EndsWith("\n", api, StringComparison.Ordinal);
            Assert.Contains(api.TrimEnd('\n'), DeviceApis);
            Assert.Equal(Available(sys, type), type.AvailableInstances);
            Assert.Equal((UnixFileMode)0x80, sys.Stat(type.SysfsPath + "/create").Mode);
            Assert.Equal(SysfsNodeKind.Directory, sys.Stat(type.SysfsPath + "/devices").Kind);
            if (sys.Exists(type.SysfsPath + "/description"))
            {
                Assert.EndsWith("\n", sys.Read(type.SysfsPath + "/description"), StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Creating a device lowers its type's availability by one; removing it restores every type's count.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CreateAndRemove_MoveAvailableInstancesAndRestoreThem()
    {
        await using var host = CreateHost();
        var sys = host.Core.Sysfs;
        foreach (var type in host.Parent.Types.Where(t => t.AvailableInstances > 0))
        {
            var before = host.Parent.Types.ToDictionary(t => t.Name, t => Available(sys, t));
            var mdev = host.CreateDevice(type.Name);
            Assert.Equal(before[type.Name] - 1, Available(sys, type));
            Assert.Equal(type.SysfsPath, sys.RealPath($"/sys/bus/mdev/devices/{mdev.Name}/mdev_type"));
            Assert.Equal(host.Parent.Device.SysfsPath + "/" + mdev.Name, sys.RealPath("/sys/bus/mdev/devices/" + mdev.Name));
            sys.Write($"/sys/bus/mdev/devices/{mdev.Name}/remove", "1\n");
            Assert.False(sys.Exists("/sys/bus/mdev/devices/" + mdev.Name));
            Assert.Equal(before, host.Parent.Types.ToDictionary(t => t.Name, t => Available(sys, t)));
        }
    }

    /// <summary>Past its availability a create fails with an errno and leaves no device, link or slot behind (pools up to <see cref="MaxExhaustedPool"/>).</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CreatingBeyondAvailability_FailsAndLeavesNoTrace()
    {
        await using var host = CreateHost();
        var sys = host.Core.Sysfs;
        var type = CreatableType(host);
        int available = type.AvailableInstances;
        if (available > MaxExhaustedPool)
        {
            return; // a pool this large (vfio-ap: 65536) is the sample's own tests' business
        }

        for (int i = 0; i < available; i++)
        {
            host.CreateDevice(type.Name);
        }

        Assert.Equal(0, Available(sys, type));
        var before = sys.ReadDirectory("/sys/bus/mdev/devices").Count;
        var uuid = Guid.NewGuid();
        var ex = Assert.Throws<MdevException>(() => sys.Write(type.SysfsPath + "/create", uuid.ToString("D")));
        Assert.NotEqual(Errno.EINVAL, ex.Errno);
        Assert.Equal(before, sys.ReadDirectory("/sys/bus/mdev/devices").Count);
        Assert.Null(host.Core.FindDevice(uuid));
        Assert.Equal(0, Available(sys, type));
    }

    /// <summary>The device opens through VFIO, answers GET_INFO, closes, and opens again.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task OpenAndClose_WorkRepeatedly()
    {
        await using var host = CreateHost();
        var mdev = host.CreateDevice();
        VfioDeviceInfo first;
        using (var session = host.Open(mdev))
        {
            first = session.Info;
            Assert.Equal(1, mdev.OpenCount);
        }

        Assert.Equal(0, mdev.OpenCount);
        using var again = host.Open(mdev);
        Assert.Equal(first, again.Info);
        Assert.Equal(first, again.Device.GetInfo());
    }

    /// <summary>Region info: index echoed, only known flags, non-empty regions at distinct non-overlapping offsets, capabilities only with CAPS; a device that reports regions has at least one that is not empty.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RegionInfo_IsSane()
    {
        await using var host = CreateHost();
        using var session = host.Open(host.CreateDevice());
        Assert.Throws<MdevException>(() => session.Device.GetRegionInfo(session.Info.NumRegions + 64));
        var used = new List<(ulong Start, ulong End)>();
        for (int i = 0; i < session.Regions.Count; i++)
        {
            if (session.Regions[i] is not { } region)
            {
                continue;
            }

            Assert.Equal((uint)i, region.Index);
            Assert.Equal(VfioRegionFlags.None, region.Flags & ~(VfioRegionFlags.Read | VfioRegionFlags.Write | VfioRegionFlags.Mmap | VfioRegionFlags.Caps));
            Assert.Equal(region.Capabilities.Count > 0, (region.Flags & VfioRegionFlags.Caps) != 0);
            if (region.Size == 0)
            {
                continue;
            }

            Assert.DoesNotContain(used, u => region.Offset < u.End && u.Start < region.Offset + region.Size);
            used.Add((region.Offset, region.Offset + region.Size));
        }

        Assert.Equal(session.Info.NumRegions > 0, used.Count > 0);
    }

    /// <summary>IRQ info: index echoed, only known flags, an index past the last refused (EINVAL, or EOPNOTSUPP/ENOTTY from drivers such as vfio-ap that answer every GET_IRQ_INFO so).</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task IrqInfo_IsSane()
    {
        await using var host = CreateHost();
        using var session = host.Open(host.CreateDevice());
        int answered = 0;
        for (uint i = 0; i < session.Info.NumIrqs; i++)
        {
            VfioIrqInfo irq;
            try
            {
                irq = session.Device.GetIrqInfo(i);
            }
            catch (MdevException ex) when (ex.Errno == Errno.EINVAL)
            {
                continue; // drivers may refuse indexes they do not implement
            }

            Assert.Equal(i, irq.Index);
            Assert.Equal(VfioIrqInfoFlags.None, irq.Flags & ~(VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.Maskable | VfioIrqInfoFlags.AutoMasked | VfioIrqInfoFlags.NoResize));
            answered++;
        }

        // A device that reports IRQ indexes answers for at least one of them.
        Assert.Equal(session.Info.NumIrqs > 0, answered > 0);

        var refused = Assert.Throws<MdevException>(() => session.Device.GetIrqInfo(session.Info.NumIrqs)).Errno;
        Assert.Contains(refused, new[] { Errno.EINVAL, Errno.EOPNOTSUPP, Errno.ENOTTY });
    }

    /// <summary>
    /// A device that advertises RESET resets to its initial state: the same device info, the config space of a fresh
    /// device (after the guest wrote BARs, command and interrupt line, unless <see cref="ResetRestoresConfigSpace"/> is
    /// false), migration back in RUNNING. One that does not advertise RESET refuses with an errno, never anything else.
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Reset_WorksWhenAdvertised()
    {
        await using var host = CreateHost();
        using var session = host.Open(host.CreateDevice());
        if ((session.Info.Flags & VfioDeviceFlags.Reset) != 0)
        {
            bool pci = (session.Info.Flags & VfioDeviceFlags.Pci) != 0;
            var initial = pci ? session.ReadConfigSpace() : null;
            if (pci && ResetRestoresConfigSpace)
            {
                for (int bar = 0; bar < 6; bar++)
                {
                    session.WriteConfig32(0x10 + (4 * bar), 0xFFFF_FFFF);
                }

                session.WriteRegion(VfioPciRegion.Config, 0x04, 0x0407, 2);
                session.WriteConfig8(0x3c, 0x0b);
            }

            bool migrates = MigrationFlags(session) != VfioMigrationFlags.None;
            if (migrates)
            {
                session.Device.SetMigrationState(VfioMigrationState.Stop);
            }

            session.Device.Reset();
            Assert.Equal(session.Info, session.Device.GetInfo());
            if (initial is not null)
            {
                Assert.Equal(initial, session.ReadConfigSpace());
            }

            if (migrates)
            {
                Assert.Equal(VfioMigrationState.Running, session.Device.GetMigrationState());
            }
        }
        else
        {
            try
            {
                session.Device.Reset();
            }
            catch (MdevException ex)
            {
                Assert.Contains(ex.Errno, new[] { Errno.ENOTTY, Errno.EINVAL, Errno.EOPNOTSUPP });
            }
        }
    }

    /// <summary>
    /// Whether a reset restores the config space the guest wrote. True for function-level resets (vfio-pci, GVT-g);
    /// override with false for a driver whose reset keeps it (the kernel's mtty: <c>mtty_reset</c> resets migration only).
    /// </summary>
    protected virtual bool ResetRestoresConfigSpace => true;

    /// <summary>A type with an instance to create, the smallest pool first; fails with what to set when there is none.</summary>
    /// <param name="host">The host.</param>
    /// <returns>The type.</returns>
    protected static MdevType CreatableType(MdevTestHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var type = host.Parent.Types.OrderBy(t => t.AvailableInstances).FirstOrDefault(t => t.AvailableInstances > 0);
        Assert.True(
            type is not null,
            $"no type of {host.Parent.Device.Name} has an instance available: set ParentOps.MaxInstances (the core-managed pool shared by all types) or return counts from ParentOps.GetAvailable");
        return type!;
    }

    private static VfioMigrationFlags MigrationFlags(VmmSession session)
    {
        try
        {
            return session.Device.GetMigrationFlags();
        }
        catch (MdevException ex) when (ex.Errno == Errno.ENOTTY)
        {
            return VfioMigrationFlags.None;
        }
    }

    private static int Available(ISysfs sys, MdevType type) =>
        int.Parse(sys.Read(type.SysfsPath + "/available_instances").TrimEnd('\n'), CultureInfo.InvariantCulture);
}
