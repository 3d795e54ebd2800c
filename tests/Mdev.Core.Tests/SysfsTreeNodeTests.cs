using Mdev.Core.Sysfs;
using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

/// <summary>The node-level view a FUSE mount serves (SysfsTree.Nodes.cs): one-component lookups and removal announcements.</summary>
public sealed class SysfsTreeNodeTests
{
    private readonly SysfsTree _tree = new();
    private readonly List<(string Parent, string Name, bool Removed, bool StillThere)> _removed = [];

    public SysfsTreeNodeTests()
    {
        _tree.EnsureDirectory("/sys/devices/virtual/x/power");
        _tree.AddAttribute("/sys/devices/virtual/x/ro", SysfsModes.ReadOnly, () => "hello\n", null);
        _tree.EnsureDirectory("/sys/class/c");
        _tree.AddLink("/sys/class/c/x", "/sys/devices/virtual/x");
        _tree.NodeRemoved += (parent, node) =>
            _removed.Add((_tree.PathOf(parent), node.Name, node.Removed, _tree.Exists(_tree.PathOf(parent) + "/" + node.Name)));
    }

    [Fact]
    public void Remove_Missing_AnnouncesNothing_ThenRemove_AnnouncesTheTopNodeOnce_AfterItIsGone()
    {
        Expect.Errno(Errno.ENOENT, () => _tree.Remove("/sys/devices/virtual/y"));
        _tree.TryRemove("/sys/devices/virtual/y").Should().BeFalse();
        _removed.Should().BeEmpty();

        _tree.Remove("/sys/devices/virtual/x");
        _tree.TryRemove("/sys/class/c/x").Should().BeTrue();

        // Only the top of each removed subtree is announced, with its directory, once it has left the tree.
        _removed.Should().Equal(("/sys/devices/virtual", "x", true, false), ("/sys/class/c", "x", true, false));
    }

    [Fact]
    public void TryLookupChild_ByComponent_LinksNotFollowed_RemovedDirectoryIsEnoent()
    {
        _tree.TryLookupChild(_tree.RootNode, "nothing", out _).Should().Be(Errno.ENOENT);
        _tree.TryLookupChild(_tree.RootNode, "devices", out var devices).Should().Be((Errno)0);
        _tree.TryLookupChild(devices!, "virtual", out var virt).Should().Be((Errno)0);
        _tree.TryLookupChild(virt!, "x", out var x).Should().Be((Errno)0);
        _tree.TryLookupChild(x!, "ro", out var ro).Should().Be((Errno)0);
        _tree.TryLookupChild(ro!, "a", out _).Should().Be(Errno.ENOTDIR);
        _tree.TryLookupChild(_tree.RootNode, "class", out var cls).Should().Be((Errno)0);
        _tree.TryLookupChild(cls!, "c", out var c).Should().Be((Errno)0);
        _tree.TryLookupChild(c!, "x", out var link).Should().Be((Errno)0);
        SysfsTree.StatOf(link!).Kind.Should().Be(SysfsNodeKind.Symlink);
        _tree.ReadLinkOf((SysfsLinkNode)link!).Should().Be("../../devices/virtual/x");

        _tree.Remove("/sys/devices/virtual/x");

        _tree.TryLookupChild(x!, "power", out _).Should().Be(Errno.ENOENT);
        Expect.Errno(Errno.ENOENT, () => _tree.ListChildren(x!));
        SysfsTree.StatOf(ro!).Should().Be(new SysfsStat(SysfsNodeKind.File, SysfsModes.ReadOnly, SysfsTree.AttributeSize));
    }
}
