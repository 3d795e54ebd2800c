using Mdev.Fuse.Native;

namespace Mdev.Fuse.Tests;

/// <summary>
/// The managed mirrors of libfuse 3.14's structs have the sizes and offsets gcc gives them on x86-64
/// (<c>Native/fuse-layout.c</c> prints the C side); a wrong offset would corrupt memory, not fail a call.
/// </summary>
public sealed unsafe class NativeLayoutTests
{
    [Fact]
    public void FuseOperations_Layout_MatchesLibfuse314()
    {
        sizeof(FuseOperations).Should().Be(336);
        FuseOperations o = default;
        var b = (byte*)&o;
        ((byte*)&o.GetAttr - b).Should().Be(0);
        ((byte*)&o.ReadLink - b).Should().Be(8);
        ((byte*)&o.Mkdir - b).Should().Be(24);
        ((byte*)&o.Unlink - b).Should().Be(32);
        ((byte*)&o.Rmdir - b).Should().Be(40);
        ((byte*)&o.Symlink - b).Should().Be(48);
        ((byte*)&o.Rename - b).Should().Be(56);
        ((byte*)&o.Link - b).Should().Be(64);
        ((byte*)&o.Truncate - b).Should().Be(88);
        ((byte*)&o.Open - b).Should().Be(96);
        ((byte*)&o.Read - b).Should().Be(104);
        ((byte*)&o.Write - b).Should().Be(112);
        ((byte*)&o.Statfs - b).Should().Be(120);
        ((byte*)&o.Release - b).Should().Be(136);
        ((byte*)&o.Readdir - b).Should().Be(192);
        ((byte*)&o.Init - b).Should().Be(216);
        ((byte*)&o.Create - b).Should().Be(240);
        ((byte*)&o.Lseek - b).Should().Be(328);
    }

    [Fact]
    public void FuseFileInfo_Layout_MatchesLibfuse314()
    {
        sizeof(FuseFileInfo).Should().Be(40);
        FuseFileInfo f = default;
        var b = (byte*)&f;
        ((byte*)&f.Flags - b).Should().Be(0);
        ((byte*)&f.Bits - b).Should().Be(4);
        ((byte*)&f.Fh - b).Should().Be(16);
        ((byte*)&f.LockOwner - b).Should().Be(24);
        ((byte*)&f.PollEvents - b).Should().Be(32);

        // gcc: direct_io = 1 sets byte 4 to 0x02, keep_cache = 1 sets it to 0x04.
        f.Bits = FuseFileInfo.DirectIoBit;
        b[4].Should().Be(0x02);
        f.Bits = FuseFileInfo.KeepCacheBit;
        b[4].Should().Be(0x04);
    }

    [Fact]
    public void NativeStat_Layout_MatchesGlibcX64()
    {
        sizeof(NativeStat).Should().Be(144);
        NativeStat s = default;
        var b = (byte*)&s;
        ((byte*)&s.Ino - b).Should().Be(8);
        ((byte*)&s.Nlink - b).Should().Be(16);
        ((byte*)&s.Mode - b).Should().Be(24);
        ((byte*)&s.Uid - b).Should().Be(28);
        ((byte*)&s.Gid - b).Should().Be(32);
        ((byte*)&s.Rdev - b).Should().Be(40);
        ((byte*)&s.Size - b).Should().Be(48);
        ((byte*)&s.BlockSize - b).Should().Be(56);
        ((byte*)&s.Blocks - b).Should().Be(64);
        ((byte*)&s.AccessTime - b).Should().Be(72);
        ((byte*)&s.ModificationTime - b).Should().Be(88);
        ((byte*)&s.ChangeTime - b).Should().Be(104);
    }

    [Fact]
    public void NativeStatvfs_Layout_MatchesGlibcX64()
    {
        sizeof(NativeStatvfs).Should().Be(112);
        NativeStatvfs s = default;
        var b = (byte*)&s;
        ((byte*)&s.FragmentSize - b).Should().Be(8);
        ((byte*)&s.Blocks - b).Should().Be(16);
        ((byte*)&s.Files - b).Should().Be(40);
        ((byte*)&s.FsId - b).Should().Be(64);
        ((byte*)&s.Flags - b).Should().Be(72);
        ((byte*)&s.NameMax - b).Should().Be(80);
    }

    [Fact]
    public void FuseConfig_Layout_MatchesLibfuse314()
    {
        sizeof(FuseConfig).Should().Be(128);
        FuseConfig c = default;
        var b = (byte*)&c;
        ((byte*)&c.EntryTimeout - b).Should().Be(24);
        ((byte*)&c.NegativeTimeout - b).Should().Be(32);
        ((byte*)&c.AttrTimeout - b).Should().Be(40);
        ((byte*)&c.Remember - b).Should().Be(56);
        ((byte*)&c.UseIno - b).Should().Be(64);
        ((byte*)&c.DirectIo - b).Should().Be(72);
        ((byte*)&c.KernelCache - b).Should().Be(76);
        ((byte*)&c.AutoCache - b).Should().Be(80);
        ((byte*)&c.AcAttrTimeoutSet - b).Should().Be(88);
        ((byte*)&c.AcAttrTimeout - b).Should().Be(96);
        ((byte*)&c.NullpathOk - b).Should().Be(104);
        ((byte*)&c.Modules - b).Should().Be(112);
        ((byte*)&c.Debug - b).Should().Be(120);
    }

    [Fact]
    public void FuseContextAndArgs_Layout_MatchLibfuse314()
    {
        sizeof(FuseContext).Should().Be(40);
        FuseContext c = default;
        var b = (byte*)&c;
        ((byte*)&c.Uid - b).Should().Be(8);
        ((byte*)&c.Pid - b).Should().Be(16);
        ((byte*)&c.PrivateData - b).Should().Be(24);
        ((byte*)&c.Umask - b).Should().Be(32);

        sizeof(FuseArgs).Should().Be(24);
        FuseArgs a = default;
        var ab = (byte*)&a;
        ((byte*)&a.Argv - ab).Should().Be(8);
        ((byte*)&a.Allocated - ab).Should().Be(16);
    }
}
