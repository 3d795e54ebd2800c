using System.Globalization;
using Mdev.Core;
using Mdev.Core.Sysfs;
using Mdev.Vfio;

namespace Mdev.Testing;

/// <summary>
/// What every vendor driver must satisfy, with no test framework attached: construct a runner with a way to create a
/// host that has the driver registered, then run <see cref="Checks"/> one by one (each a named check that throws
/// <see cref="ContractViolationException"/> when the driver breaks the contract) or all at once with
/// <see cref="RunAllAsync"/>. The adapter packages Mdev.Testing.Xunit (xunit v2) and Mdev.Testing.XunitV3 (xunit.v3)
/// turn every check into a test. Types visible and consistent, create/remove arithmetic, refusal past availability
/// without a trace, open/close, region and IRQ info sane, reset to the initial state; for <c>vfio-pci</c> types a sane
/// config space whose BARs match the regions; every region accessible as its flags say; every eventfd-capable IRQ index
/// enabled, triggered and disabled; the advertised migration arcs round-tripping into a fresh device.
/// </summary>
/// <remarks>
/// The runner holds no mutable state: every check creates its own host through the factory, so checks may run in
/// parallel when the factory allows it.
/// </remarks>
public sealed partial class VendorDriverContractRunner
{
    /// <summary>The largest pool the contract exhausts; larger ones are left to the driver's own tests.</summary>
    public const int MaxExhaustedPool = 1024;

    private static readonly HashSet<string> DeviceApis = ["vfio-pci", "vfio-platform", "vfio-amba", "vfio-ccw", "vfio-ap"];

    private readonly Func<MdevTestHost> createHost;

    /// <summary>Creates a runner for the driver that <paramref name="createHost"/> registers.</summary>
    /// <param name="createHost">Creates a fresh host with the driver under test registered; called once per check.</param>
    /// <param name="options">Where the driver differs from the defaults (null: the defaults).</param>
    /// <exception cref="ArgumentNullException"><paramref name="createHost"/> is null.</exception>
    public VendorDriverContractRunner(Func<MdevTestHost> createHost, VendorDriverContractOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(createHost);
        this.createHost = createHost;
        Options = options ?? new VendorDriverContractOptions();
        Checks =
        [
            new(nameof(Types_AreVisibleAndConsistent), Types_AreVisibleAndConsistent),
            new(nameof(CreateAndRemove_MoveAvailableInstancesAndRestoreThem), CreateAndRemove_MoveAvailableInstancesAndRestoreThem),
            new(nameof(CreatingBeyondAvailability_FailsAndLeavesNoTrace), CreatingBeyondAvailability_FailsAndLeavesNoTrace),
            new(nameof(OpenAndClose_WorkRepeatedly), OpenAndClose_WorkRepeatedly),
            new(nameof(RegionInfo_IsSane), RegionInfo_IsSane),
            new(nameof(IrqInfo_IsSane), IrqInfo_IsSane),
            new(nameof(Reset_WorksWhenAdvertised), Reset_WorksWhenAdvertised),
            new(nameof(PciConfig_IsSaneAndItsBarsMatchTheRegions), PciConfig_IsSaneAndItsBarsMatchTheRegions),
            new(nameof(Regions_AreReadableAndWritableAsTheirFlagsSay), Regions_AreReadableAndWritableAsTheirFlagsSay),
            new(nameof(Irqs_EventFdIndexes_EnableTriggerAndDisable), Irqs_EventFdIndexes_EnableTriggerAndDisable),
            new(nameof(Migration_AdvertisedArcs_RoundTripIntoAFreshDevice), Migration_AdvertisedArcs_RoundTripIntoAFreshDevice),
            new(nameof(Migration_PreCopy_StreamsInitialDataThenTheRestIntoAFreshDevice), Migration_PreCopy_StreamsInitialDataThenTheRestIntoAFreshDevice),
            new(nameof(Migration_PreCopy_AnswersPrecopyInfo), Migration_PreCopy_AnswersPrecopyInfo),
        ];
    }

    /// <summary>Gets where the driver differs from the defaults.</summary>
    public VendorDriverContractOptions Options { get; }

    /// <summary>Gets every check of the contract, by name (the name of the method that runs it), in a stable order.</summary>
    public IReadOnlyList<ContractCheck> Checks { get; }

    /// <summary>Finds a check by its name.</summary>
    /// <param name="name">The check's name, e.g. <c>nameof(VendorDriverContractRunner.RegionInfo_IsSane)</c>.</param>
    /// <returns>The check.</returns>
    /// <exception cref="ArgumentException">No check has that name.</exception>
    public ContractCheck this[string name] =>
        Checks.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal))
        ?? throw new ArgumentException($"the vendor-driver contract has no check named '{name}'", nameof(name));

    /// <summary>
    /// Runs every check, each on its own host, and fails once with every broken check's name and message (a check that
    /// ends in any other exception, such as an errno the driver answered where none was expected, counts as broken).
    /// </summary>
    /// <returns>A task that completes when every check passed.</returns>
    /// <exception cref="ContractViolationException">At least one check failed (the message lists each).</exception>
    public async Task RunAllAsync()
    {
        var failures = new List<string>();
        foreach (var check in Checks)
        {
            try
            {
                await check.RunAsync().ConfigureAwait(false);
            }
            catch (ContractViolationException ex)
            {
                failures.Add($"{check.Name}: {ex.Message}");
            }
            catch (Exception ex)
            {
                // A device error the check did not expect (an MdevException from a read, say) breaks the contract too.
                failures.Add($"{check.Name}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        if (failures.Count > 0)
        {
            throw new ContractViolationException($"{failures.Count} of {Checks.Count} contract checks failed:\n" + string.Join("\n", failures));
        }
    }

    /// <summary>Every type has the core files with the kernel's text, and the typed API agrees with sysfs.</summary>
    /// <returns>A task.</returns>
    public async Task Types_AreVisibleAndConsistent()
    {
        await using var host = CreateHost();
        var sys = host.Core.Sysfs;
        var listed = sys.ReadDirectory($"/sys/class/mdev_bus/{host.Parent.Device.Name}/mdev_supported_types").Select(e => e.Name).ToList();
        Check.SequenceEqual(host.Parent.Types.Select(t => t.Name).Order(StringComparer.Ordinal), listed);
        Check.NotEmpty(listed);
        foreach (var type in host.Parent.Types)
        {
            Check.StartsWith(host.Parent.Device.DriverString + "-", type.Name, StringComparison.Ordinal);
            Check.Equal(type.PrettyName + "\n", sys.Read(type.SysfsPath + "/name"));
            var api = sys.Read(type.SysfsPath + "/device_api");
            Check.EndsWith("\n", api, StringComparison.Ordinal);
            Check.Contains(api.TrimEnd('\n'), DeviceApis);
            Check.Equal(Available(sys, type), type.AvailableInstances);
            Check.Equal((UnixFileMode)0x80, sys.Stat(type.SysfsPath + "/create").Mode);
            Check.Equal(SysfsNodeKind.Directory, sys.Stat(type.SysfsPath + "/devices").Kind);
            if (sys.Exists(type.SysfsPath + "/description"))
            {
                Check.EndsWith("\n", sys.Read(type.SysfsPath + "/description"), StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Creating a device lowers its type's availability by one; removing it restores every type's count.</summary>
    /// <returns>A task.</returns>
    public async Task CreateAndRemove_MoveAvailableInstancesAndRestoreThem()
    {
        await using var host = CreateHost();
        var sys = host.Core.Sysfs;
        foreach (var type in host.Parent.Types.Where(t => t.AvailableInstances > 0))
        {
            var before = host.Parent.Types.ToDictionary(t => t.Name, t => Available(sys, t));
            var mdev = host.CreateDevice(type.Name);
            Check.Equal(before[type.Name] - 1, Available(sys, type));
            Check.Equal(type.SysfsPath, sys.RealPath($"/sys/bus/mdev/devices/{mdev.Name}/mdev_type"));
            Check.Equal(host.Parent.Device.SysfsPath + "/" + mdev.Name, sys.RealPath("/sys/bus/mdev/devices/" + mdev.Name));
            sys.Write($"/sys/bus/mdev/devices/{mdev.Name}/remove", "1\n");
            Check.False(sys.Exists("/sys/bus/mdev/devices/" + mdev.Name));
            Check.SequenceEqual(before.OrderBy(p => p.Key, StringComparer.Ordinal), host.Parent.Types.ToDictionary(t => t.Name, t => Available(sys, t)).OrderBy(p => p.Key, StringComparer.Ordinal));
        }
    }

    /// <summary>Past its availability a create fails with an errno and leaves no device, link or slot behind (pools up to <see cref="MaxExhaustedPool"/>).</summary>
    /// <returns>A task.</returns>
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

        Check.Equal(0, Available(sys, type));
        var before = sys.ReadDirectory("/sys/bus/mdev/devices").Count;
        var uuid = Guid.NewGuid();
        var ex = Check.Throws<MdevException>(() => sys.Write(type.SysfsPath + "/create", uuid.ToString("D")));
        Check.NotEqual(Errno.EINVAL, ex.Errno);
        Check.Equal(before, sys.ReadDirectory("/sys/bus/mdev/devices").Count);
        Check.Null(host.Core.FindDevice(uuid));
        Check.Equal(0, Available(sys, type));
    }

    /// <summary>The device opens through VFIO, answers GET_INFO, closes, and opens again.</summary>
    /// <returns>A task.</returns>
    public async Task OpenAndClose_WorkRepeatedly()
    {
        await using var host = CreateHost();
        var mdev = host.CreateDevice();
        VfioDeviceInfo first;
        using (var session = host.Open(mdev))
        {
            first = session.Info;
            Check.Equal(1, mdev.OpenCount);
        }

        Check.Equal(0, mdev.OpenCount);
        using var again = host.Open(mdev);
        Check.Equal(first, again.Info);
        Check.Equal(first, again.Device.GetInfo());
    }

    /// <summary>Region info: index echoed, only known flags, non-empty regions at distinct non-overlapping offsets, capabilities only with CAPS; a device that reports regions has at least one that is not empty.</summary>
    /// <returns>A task.</returns>
    public async Task RegionInfo_IsSane()
    {
        await using var host = CreateHost();
        using var session = host.Open(host.CreateDevice());
        Check.Throws<MdevException>(() => session.Device.GetRegionInfo(session.Info.NumRegions + 64));
        var used = new List<(ulong Start, ulong End)>();
        for (int i = 0; i < session.Regions.Count; i++)
        {
            if (session.Regions[i] is not { } region)
            {
                continue;
            }

            Check.Equal((uint)i, region.Index);
            Check.Equal(VfioRegionFlags.None, region.Flags & ~(VfioRegionFlags.Read | VfioRegionFlags.Write | VfioRegionFlags.Mmap | VfioRegionFlags.Caps));
            Check.Equal(region.Capabilities.Count > 0, (region.Flags & VfioRegionFlags.Caps) != 0);
            if (region.Size == 0)
            {
                continue;
            }

            Check.DoesNotContain(used, u => region.Offset < u.End && u.Start < region.Offset + region.Size);
            used.Add((region.Offset, region.Offset + region.Size));
        }

        Check.Equal(session.Info.NumRegions > 0, used.Count > 0);
    }

    /// <summary>IRQ info: index echoed, only known flags, an index past the last refused (EINVAL, or EOPNOTSUPP/ENOTTY from drivers such as vfio-ap that answer every GET_IRQ_INFO so).</summary>
    /// <returns>A task.</returns>
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

            Check.Equal(i, irq.Index);
            Check.Equal(VfioIrqInfoFlags.None, irq.Flags & ~(VfioIrqInfoFlags.EventFd | VfioIrqInfoFlags.Maskable | VfioIrqInfoFlags.AutoMasked | VfioIrqInfoFlags.NoResize));
            answered++;
        }

        // A device that reports IRQ indexes answers for at least one of them.
        Check.Equal(session.Info.NumIrqs > 0, answered > 0);

        var refused = Check.Throws<MdevException>(() => session.Device.GetIrqInfo(session.Info.NumIrqs)).Errno;
        Check.Contains(refused, new[] { Errno.EINVAL, Errno.EOPNOTSUPP, Errno.ENOTTY });
    }

    /// <summary>
    /// A device that advertises RESET resets to its initial state: the same device info, the config space of a fresh
    /// device (after the guest wrote BARs, command and interrupt line, unless <see cref="VendorDriverContractOptions.ResetRestoresConfigSpace"/> is
    /// false), migration back in RUNNING. One that does not advertise RESET refuses with an errno, never anything else.
    /// </summary>
    /// <returns>A task.</returns>
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
            Check.Equal(session.Info, session.Device.GetInfo());
            if (initial is not null)
            {
                Check.SequenceEqual(initial, session.ReadConfigSpace());
            }

            if (migrates)
            {
                Check.Equal(VfioMigrationState.Running, session.Device.GetMigrationState());
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
                Check.Contains(ex.Errno, new[] { Errno.ENOTTY, Errno.EINVAL, Errno.EOPNOTSUPP });
            }
        }
    }

    private bool ResetRestoresConfigSpace => Options.ResetRestoresConfigSpace;

    private MdevTestHost CreateHost() => createHost();

    /// <summary>A type with an instance to create, the smallest pool first; fails with what to set when there is none.</summary>
    /// <param name="host">The host.</param>
    /// <returns>The type.</returns>
    public static MdevType CreatableType(MdevTestHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var type = host.Parent.Types.OrderBy(t => t.AvailableInstances).FirstOrDefault(t => t.AvailableInstances > 0);
        Check.True(
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
