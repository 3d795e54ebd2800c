using Mdev.Core.Sysfs;
using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

/// <summary>
/// Template entries (SysfsTemplate): listed, read and written like any node, made into a node on the first lookup and
/// kept (one identity until removed, as a FUSE node id needs), removed without ever being made. Malformed first.
/// </summary>
public sealed class SysfsTemplateTests
{
    private const string Dir = "/sys/devices/virtual/x";

    private static readonly SysfsTemplate Files = new(
        SysfsTemplateEntry.Attribute<Owner>("value", SysfsModes.ReadWrite, static o => o.Value + "\n", static (o, text) => o.Value = text.TrimEnd('\n')),
        SysfsTemplateEntry.Constant("constant", "7\n"),
        SysfsTemplateEntry.Link("subsystem", "/sys/class/c"),
        SysfsTemplateEntry.Directory("power", new SysfsTemplate(SysfsTemplateEntry.Constant("runtime_status", "unsupported\n")), static (_, _) => new Owner()));

    private readonly SysfsTree _tree = new();
    private readonly Owner _owner = new();
    private readonly List<string> _announced = [];

    public SysfsTemplateTests()
    {
        _tree.EnsureDirectory(Dir);
        _tree.EnsureDirectory("/sys/class/c");
        _tree.AddAttribute(Dir + "/real", SysfsModes.ReadOnly, () => "r\n", null);
        _tree.NodeRemoved += (parent, node) => _announced.Add(_tree.PathOf(parent) + "/" + node.Name);
    }

    [Fact]
    public void Template_ANameTaken_IsEexist_AndAddsNothing_MissingDirectoryIsEnoent()
    {
        var clashing = new SysfsTemplate(SysfsTemplateEntry.Constant("other", "1\n"), SysfsTemplateEntry.Constant("real", "2\n"));

        Expect.Errno(Errno.EEXIST, () => _tree.AddTemplate(Dir, clashing, _owner));
        Expect.Errno(Errno.ENOENT, () => _tree.AddTemplate(Dir + "/missing", Files, _owner));

        _tree.ReadDirectory(Dir).Select(e => e.Name).Should().Equal("real");
        _tree.Exists(Dir + "/other").Should().BeFalse();
    }

    [Fact]
    public void Entries_ListedInOrderWithTheirKinds_ReadWrittenAndFollowed_AsAnyNode()
    {
        _tree.AddTemplate(Dir, Files, _owner);

        _tree.ReadDirectory(Dir).Should().Equal(
            new SysfsDirectoryEntry("constant", SysfsNodeKind.File),
            new SysfsDirectoryEntry("power", SysfsNodeKind.Directory),
            new SysfsDirectoryEntry("real", SysfsNodeKind.File),
            new SysfsDirectoryEntry("subsystem", SysfsNodeKind.Symlink),
            new SysfsDirectoryEntry("value", SysfsNodeKind.File));
        Expect.Errno(Errno.EEXIST, () => _tree.AddAttribute(Dir + "/value", SysfsModes.ReadOnly, () => "x\n", null));
        _tree.Read(Dir + "/constant").Should().Be("7\n");
        _tree.Read(Dir + "/power/runtime_status").Should().Be("unsupported\n");
        _tree.ReadLink(Dir + "/subsystem").Should().Be("../../../class/c");
        _tree.Stat(Dir + "/value").Should().Be(new SysfsStat(SysfsNodeKind.File, SysfsModes.ReadWrite, SysfsTree.AttributeSize));

        _tree.Write(Dir + "/value", "on\n");

        _owner.Value.Should().Be("on");
        _tree.Read(Dir + "/value").Should().Be("on\n");
        _tree.ReadDirectory(Dir).Select(e => e.Name).Should().Equal("constant", "power", "real", "subsystem", "value");
    }

    [Fact]
    public void Entry_LookedUpTwice_IsOneNode_UntilRemoved_ThenAddedAgain_IsANewOne()
    {
        _tree.AddTemplate(Dir, Files, _owner);
        var power = Lookup(Dir, "power");
        var status = Lookup(Dir + "/power", "runtime_status");

        Lookup(Dir, "power").Should().BeSameAs(power);
        Lookup(Dir + "/power", "runtime_status").Should().BeSameAs(status);
        using var open = _tree.Open(Dir + "/power/runtime_status", FileAccess.Read);

        _tree.Remove(Dir + "/power");

        power.Removed.Should().BeTrue();
        status.Removed.Should().BeTrue();
        Expect.Errno(Errno.ENODEV, () => open.ReadAllText());
        _announced.Should().Equal(Dir + "/power");
        _tree.Exists(Dir + "/power").Should().BeFalse();

        // The other entries are still there; the template comes back whole once they are gone too.
        Expect.Errno(Errno.EEXIST, () => _tree.AddTemplate(Dir, Files, _owner));
        foreach (var name in new[] { "constant", "subsystem", "value" })
        {
            _tree.Remove(Dir + "/" + name);
        }

        _tree.AddTemplate(Dir, Files, _owner);

        Lookup(Dir, "power").Should().NotBeSameAs(power);
        Lookup(Dir, "power").Removed.Should().BeFalse();
    }

    [Fact]
    public void PendingEntry_RemovedUnseen_IsGone_AnnouncedNever_SecondRemovalIsEnoent()
    {
        _tree.AddTemplate(Dir, Files, _owner);

        _tree.TryRemove(Dir + "/value").Should().BeTrue();
        _tree.Remove(Dir + "/power");

        _announced.Should().BeEmpty(); // never looked up: no one can hold a name or an inode of it
        _tree.TryRemove(Dir + "/value").Should().BeFalse();
        Expect.Errno(Errno.ENOENT, () => _tree.Remove(Dir + "/power"));
        _tree.ReadDirectory(Dir).Select(e => e.Name).Should().Equal("constant", "real", "subsystem");
        Expect.Errno(Errno.ENOENT, () => _tree.Read(Dir + "/value"));
    }

    /// <summary>Four threads make the first lookup of one entry at once, 300 rounds: all must get the one node.</summary>
    [Fact]
    public void ConcurrentFirstLookups_AllGetTheOneNode_ManyRounds()
    {
        var dir = Resolve(Dir);
        for (int round = 0; round < 300; round++)
        {
            _tree.AddTemplate(Dir, Files, _owner);
            var seen = new SysfsNode?[4];
            using var start = new Barrier(seen.Length);
            var threads = Enumerable.Range(0, seen.Length).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                _tree.TryLookupChild(dir, "value", out seen[i]);
            })).ToArray();
            foreach (var thread in threads)
            {
                thread.Start();
            }

            foreach (var thread in threads)
            {
                thread.Join();
            }

            seen[0].Should().NotBeNull();
            seen.Should().OnlyContain(n => ReferenceEquals(n, seen[0]), $"round {round}");
            foreach (var name in new[] { "constant", "power", "subsystem", "value" })
            {
                _tree.Remove(Dir + "/" + name);
            }
        }

        _tree.ReadDirectory(Dir).Select(e => e.Name).Should().Equal("real");
    }

    [Fact]
    public void Directory_RemovedWithPendingEntries_LooksUpNothingAnyMore()
    {
        _tree.AddTemplate(Dir, Files, _owner);
        var dir = Lookup("/sys/devices/virtual", "x");

        _tree.Remove(Dir);

        _tree.TryLookupChild(dir, "constant", out _).Should().Be(Errno.ENOENT);
        Expect.Errno(Errno.ENOENT, () => _tree.ListChildren(dir));
        _announced.Should().Equal(Dir);
    }

    [Fact]
    public async Task Device_PowerControl_KeepsItsState_AcrossLookups_AndStartsOverWithANewDevice()
    {
        var core = new MdevCore();
        var device = core.AddDevice("/sys/devices/virtual/c/d", deviceClass: "c");
        core.Sysfs.ReadDirectory(device.SysfsPath).Select(e => e.Name).Should().Equal("power", "subsystem", "uevent");
        core.Sysfs.ReadLink(device.SysfsPath + "/subsystem").Should().Be("../../../../class/c");

        core.Sysfs.Write(device.SysfsPath + "/power/control", "on\n");

        core.Sysfs.Read(device.SysfsPath + "/power/control").Should().Be("on\n");
        await core.DeleteDeviceAsync(device);
        device = core.AddDevice("/sys/devices/virtual/c/d", deviceClass: "c");
        core.Sysfs.Read(device.SysfsPath + "/power/control").Should().Be("auto\n");
    }

    private SysfsNode Lookup(string directory, string name)
    {
        _tree.TryLookupChild(Resolve(directory), name, out var child).Should().Be((Errno)0);
        return child!;
    }

    private SysfsNode Resolve(string path)
    {
        SysfsNode node = _tree.RootNode;
        foreach (var part in path["/sys/".Length..].Split('/'))
        {
            _tree.TryLookupChild(node, part, out var child).Should().Be((Errno)0);
            node = child!;
        }

        return node;
    }

    private sealed class Owner
    {
        public string Value { get; set; } = "auto";
    }
}
