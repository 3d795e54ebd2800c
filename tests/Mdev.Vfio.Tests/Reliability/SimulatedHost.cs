using Mdev.Core;
using Mdev.Vfio.Tests.Support;

namespace Mdev.Vfio.Tests.Reliability;

/// <summary>
/// The system under test of the model-based suite: one core with the VFIO stack and its <c>testpci_mdev</c> driver and a PCI vendor (a pool of 4), the
/// VFIO files a VMM holds per device, and a uevent listener. Every operation ends with <see cref="CheckInvariants"/>,
/// so a broken invariant fails the step that broke it (and CsCheck shrinks to it).
/// </summary>
internal sealed class SimulatedHost
{
    public const int Pool = 4;

    public static readonly Guid[] Uuids = Enumerable.Range(0, 6).Select(i => Guid.Parse($"{i:x8}-509f-382f-3c1e-e6bfe0fa1001")).ToArray();

    private readonly UeventListener _listener;
    private readonly Dictionary<string, string> _ueventState = new(StringComparer.Ordinal);
    private ulong _lastSeqnum;

    public SimulatedHost()
    {
        Core = new MdevCore();
        Vfio = new VfioModule(Core);
        Vfio.RegisterVendorDriver(VfioHost.MdevDriver);
        _listener = Core.SubscribeUevents(capacity: 100_000);
        Parent = Core.RegisterParent(Core.AddDevice("/sys/devices/pci0000:00/0000:00:04.0", bus: "pci", driver: "testpci"), new TestPciVendor());
    }

    public MdevCore Core { get; }

    public VfioModule Vfio { get; }

    public MdevParent Parent { get; }

    public MdevType Type => Parent.Types[0];

    /// <summary>What each step answered: 0 or the errno, and for a create the group id it got.</summary>
    public List<string> Answers { get; } = [];

    public Dictionary<int, (VfioContainer Container, VfioGroup Group, VfioDevice Device)> Open { get; } = [];

    public static string PathOf(int i) => "/sys/devices/pci0000:00/0000:00:04.0/" + Uuids[i].ToString("D");

    /// <summary>Runs one step, records its errno (0 on success) and checks every invariant.</summary>
    public void Step(string what, Action action)
    {
        Errno errno = 0;
        try
        {
            action();
        }
        catch (MdevException ex)
        {
            errno = ex.Errno;
        }

        Answers.Add(what + "=" + errno);
        CheckInvariants();
    }

    public void CloseFiles(int i)
    {
        if (Open.Remove(i, out var files))
        {
            files.Device.Dispose();
            files.Group.Dispose();
            files.Container.Dispose();
        }
    }

    /// <summary>Structural invariants that hold after every step, whatever the model says.</summary>
    public void CheckInvariants()
    {
        var sys = Core.Sysfs;
        var live = Core.Devices;

        // Pool arithmetic, in the typed API and the sysfs text.
        Check(Parent.PoolAvailable == Pool - live.Count, $"pool {Parent.PoolAvailable} with {live.Count} live");
        Check(sys.Read(Type.SysfsPath + "/available_instances") == $"{Pool - live.Count}\n", "available_instances text");

        // UUID index: exactly the live devices are found.
        foreach (var uuid in Uuids)
        {
            var found = Core.FindDevice(uuid);
            Check((found is not null) == live.Any(d => d.Uuid == uuid), $"FindDevice({uuid}) disagrees with Devices");
        }

        // Every live device's nodes and links, and its group's.
        foreach (var mdev in live)
        {
            var group = Vfio.FindGroup(mdev) ?? throw new InvalidOperationException($"{mdev.Name}: bound but no group");
            Check(sys.RealPath(mdev.SysfsPath + "/iommu_group") == group.SysfsPath, $"{mdev.Name}: iommu_group link");
            Check(sys.RealPath(group.SysfsPath + "/devices/" + mdev.Name) == mdev.SysfsPath, $"{group}: devices link");
            Check(sys.RealPath("/sys/class/vfio/" + group.Id) == "/sys/devices/virtual/vfio/" + group.Id, $"{group}: class device");
            Check(sys.RealPath("/sys/bus/mdev/devices/" + mdev.Name) == mdev.SysfsPath, $"{mdev.Name}: bus link");
            Check(sys.RealPath(mdev.SysfsPath + "/mdev_type") == Type.SysfsPath, $"{mdev.Name}: mdev_type link");
            Check(sys.RealPath(Type.SysfsPath + "/devices/" + mdev.Name) == mdev.SysfsPath, $"{mdev.Name}: type's devices link");
            Check(sys.RealPath(mdev.SysfsPath + "/driver") == "/sys/bus/mdev/drivers/" + VfioHost.MdevDriver, $"{mdev.Name}: driver link");
        }

        // Nothing more than the live devices anywhere, and no dangling link.
        foreach (var dir in new[] { "/sys/bus/mdev/devices", "/sys/kernel/iommu_groups", "/sys/class/vfio", "/sys/bus/mdev/drivers/" + VfioHost.MdevDriver, Type.SysfsPath + "/devices" })
        {
            // A driver directory also holds its own files (bind, unbind, uevent: driver_add_files); count only the links.
            var entries = sys.ReadDirectory(dir).Where(e => !dir.Contains("/drivers/", StringComparison.Ordinal) || e.Name is not ("bind" or "unbind" or "uevent" or "module")).ToList();
            Check(entries.Count == live.Count, $"{dir} lists {entries.Count} with {live.Count} live");
            foreach (var entry in entries)
            {
                Check(sys.Exists(dir + "/" + entry.Name), $"{dir}/{entry.Name} dangles");
            }
        }

        Check(Vfio.Groups.Count == live.Count, "groups vs devices");
        Check(Open.Keys.All(i => Core.FindDevice(Uuids[i]) is not null), "an open file of a removed device");

        // Uevents: SEQNUM strictly increasing, and each mdev's stream none -add-> unbound -bind-> bound -unbind-> unbound -remove-> none.
        Check(_listener.Dropped == 0, "uevents dropped");
        while (_listener.Reader.TryRead(out var e))
        {
            Check(e.SequenceNumber > _lastSeqnum, $"SEQNUM {e.SequenceNumber} after {_lastSeqnum}");
            _lastSeqnum = e.SequenceNumber;
            if (e.Subsystem != "mdev")
            {
                continue;
            }

            var state = _ueventState.GetValueOrDefault(e.DevPath, "none");
            _ueventState[e.DevPath] = (state, e.ActionName) switch
            {
                ("none", "add") => "unbound",
                ("unbound", "bind") => "bound",
                ("bound", "unbind") => "unbound",
                ("unbound", "remove") => "none",
                _ => throw new InvalidOperationException($"{e.DevPath}: uevent {e.ActionName} while {state}"),
            };
        }

        foreach (var (devPath, state) in _ueventState)
        {
            bool isLive = live.Any(d => d.DevPath == devPath);
            Check(isLive ? state == "bound" : state == "none", $"{devPath}: uevent state {state}, live {isLive}");
        }
    }

    public override string ToString() => $"live [{string.Join(' ', Core.Devices.Select(d => d.Name[..8]))}] open [{string.Join(' ', Open.Keys)}]";

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("invariant broken: " + what);
        }
    }
}
