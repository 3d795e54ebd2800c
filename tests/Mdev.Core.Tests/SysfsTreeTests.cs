using System.Text;
using Mdev.Core.Sysfs;
using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

public sealed class SysfsTreeTests
{
    private readonly SysfsTree _tree = new();
    private string _stored = "";

    public SysfsTreeTests()
    {
        _tree.EnsureDirectory("/sys/devices/virtual/x");
        _tree.AddAttribute("/sys/devices/virtual/x/ro", SysfsModes.ReadOnly, () => "hello\n", null);
        _tree.AddAttribute("/sys/devices/virtual/x/wo", SysfsModes.WriteOnly, null, t => _stored = t);
        _tree.AddAttribute("/sys/devices/virtual/x/rw", SysfsModes.ReadWrite, () => _stored, t => _stored = t);
        _tree.EnsureDirectory("/sys/class/c");
        _tree.AddLink("/sys/class/c/x", "/sys/devices/virtual/x");
    }

    [Fact]
    public void Read_WriteOnlyAttribute_IsEaccesEvenForRoot()
    {
        Expect.Errno(Errno.EACCES, () => _tree.Read("/sys/devices/virtual/x/wo"));
        Expect.Errno(Errno.EACCES, () => _tree.Open("/sys/devices/virtual/x/wo", FileAccess.ReadWrite));
        _tree.Write("/sys/devices/virtual/x/wo", "abc").Should().Be(3);
        _stored.Should().Be("abc");
    }

    [Fact]
    public void Write_ReadOnlyAttribute_IsEacces()
    {
        Expect.Errno(Errno.EACCES, () => _tree.Write("/sys/devices/virtual/x/ro", "1"));
        _tree.Read("/sys/devices/virtual/x/ro").Should().Be("hello\n");
    }

    [Fact]
    public void Missing_IsEnoent_AndFileAsDirectory_IsEnotdir()
    {
        Expect.Errno(Errno.ENOENT, () => _tree.Read("/sys/devices/virtual/x/nope"));
        Expect.Errno(Errno.ENOENT, () => _tree.Stat("/proc/self"));
        Expect.Errno(Errno.ENOTDIR, () => _tree.Stat("/sys/devices/virtual/x/ro/deeper"));
        Expect.Errno(Errno.ENOTDIR, () => _tree.ReadDirectory("/sys/devices/virtual/x/ro"));
        Expect.Errno(Errno.EISDIR, () => _tree.Read("/sys/devices/virtual/x"));
    }

    [Fact]
    public void Stat_ReportsSysfsSizesAndModes()
    {
        _tree.Stat("/sys/devices/virtual/x/ro").Should().Be(new SysfsStat(SysfsNodeKind.File, (UnixFileMode)Convert.ToInt32("444", 8), 4096));
        _tree.Stat("/sys/devices/virtual/x/wo").Should().Be(new SysfsStat(SysfsNodeKind.File, (UnixFileMode)Convert.ToInt32("200", 8), 4096));
        _tree.Stat("/sys/devices/virtual/x").Kind.Should().Be(SysfsNodeKind.Directory);
        _tree.Stat("/sys/devices/virtual/x").Mode.Should().Be((UnixFileMode)Convert.ToInt32("755", 8));
        _tree.Stat("/sys/class/c/x", followSymlinks: false).Kind.Should().Be(SysfsNodeKind.Symlink);
        _tree.Stat("/sys/class/c/x").Kind.Should().Be(SysfsNodeKind.Directory);
    }

    [Fact]
    public void ReadLink_IsRelativeToTheLinksDirectory_AndRealPathResolves()
    {
        _tree.ReadLink("/sys/class/c/x").Should().Be("../../devices/virtual/x");
        _tree.RealPath("/sys/class/c/x/ro").Should().Be("/sys/devices/virtual/x/ro");
        _tree.Read("/sys/class/c/x/ro").Should().Be("hello\n");
        Expect.Errno(Errno.EINVAL, () => _tree.ReadLink("/sys/devices/virtual/x"));
    }

    [Fact]
    public void ReadDirectory_IsSortedAndReportsKinds()
    {
        _tree.ReadDirectory("/sys/devices/virtual/x").Should().Equal(
            new SysfsDirectoryEntry("ro", SysfsNodeKind.File),
            new SysfsDirectoryEntry("rw", SysfsNodeKind.File),
            new SysfsDirectoryEntry("wo", SysfsNodeKind.File));
        _tree.ReadDirectory("/sys/class/c").Should().Equal(new SysfsDirectoryEntry("x", SysfsNodeKind.Symlink));
    }

    [Fact]
    public void Write_StoresAtMostOnePage_AndEmptyWriteStoresNothing()
    {
        _stored = "untouched";
        _tree.Write("/sys/devices/virtual/x/rw", ReadOnlySpan<byte>.Empty).Should().Be(0);
        _stored.Should().Be("untouched");

        var big = new byte[5000];
        big.AsSpan().Fill((byte)'a');
        _tree.Write("/sys/devices/virtual/x/rw", big).Should().Be(4096);
        _stored.Length.Should().Be(4096);
    }

    [Fact]
    public void Read_TruncatesAShowThatFillsThePage()
    {
        _stored = new string('b', 5000);
        _tree.Read("/sys/devices/virtual/x/rw").Length.Should().Be(4095);
    }

    [Fact]
    public void OpenFile_AfterRemoval_IsEnodev()
    {
        using var file = _tree.Open("/sys/devices/virtual/x/rw", FileAccess.ReadWrite);
        file.Write("1"u8).Should().Be(1);
        _tree.Remove("/sys/devices/virtual/x");
        Expect.Errno(Errno.ENODEV, () => file.Write("1"u8));
        var buffer = new byte[8];
        Expect.Errno(Errno.ENODEV, () => file.Read(buffer, 0));
        Expect.Errno(Errno.ENOENT, () => _tree.Read("/sys/devices/virtual/x/rw"));
    }

    [Fact]
    public void OpenFile_ReadsAtOffsetsFromOneSnapshot()
    {
        _stored = "0123456789\n";
        using var file = _tree.Open("/sys/devices/virtual/x/rw", FileAccess.Read);
        var buffer = new byte[4];
        file.Read(buffer, 0).Should().Be(4);
        Encoding.ASCII.GetString(buffer).Should().Be("0123");
        _stored = "changed\n";
        file.Read(buffer, 4).Should().Be(4);
        Encoding.ASCII.GetString(buffer).Should().Be("4567");
        file.Read(buffer, 11).Should().Be(0);
        file.Read(buffer, 0).Should().Be(4);
        Encoding.ASCII.GetString(buffer).Should().Be("chan");
    }

    [Theory]
    [InlineData("666", true, true)] // world-writable
    [InlineData("1644", true, true)] // beyond 0777
    [InlineData("044", true, false)] // group reads more than owner
    [InlineData("020", true, true)] // group writes more than owner
    [InlineData("444", false, false)] // readable without show
    [InlineData("200", false, false)] // writable without store
    [InlineData("000", true, true)] // neither
    public void AddAttribute_BreakingTheKernelModeRules_IsEinval(string octal, bool show, bool store)
    {
        var mode = (UnixFileMode)Convert.ToInt32(octal, 8);

        Expect.Errno(Errno.EINVAL, () => _tree.AddAttribute("/sys/devices/virtual/x/bad", mode, show ? () => "" : null, store ? _ => { } : null));
        _tree.Exists("/sys/devices/virtual/x/bad").Should().BeFalse();
    }

    [Fact]
    public void Add_Duplicate_IsEexist_AndMissingParent_IsEnoent()
    {
        Expect.Errno(Errno.EEXIST, () => _tree.AddDirectory("/sys/devices/virtual/x/ro"));
        Expect.Errno(Errno.ENOENT, () => _tree.AddDirectory("/sys/nope/dir"));
        Expect.Errno(Errno.EINVAL, () => _tree.AddLink("/sys/devices/virtual/x/l", "/etc/passwd"));
    }

    [Fact]
    public void SymlinkLoop_IsEloop()
    {
        _tree.AddLink("/sys/devices/virtual/x/a", "/sys/devices/virtual/x/b");
        _tree.AddLink("/sys/devices/virtual/x/b", "/sys/devices/virtual/x/a");
        Expect.Errno(Errno.ELOOP, () => _tree.Stat("/sys/devices/virtual/x/a"));
    }
}
