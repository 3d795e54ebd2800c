using Mdev.Fuse.Native;

namespace Mdev.Fuse.Tests;

/// <summary>
/// The managed mirrors of libfuse 3.14's structs have the sizes and offsets gcc gives them on x86-64
/// (<c>Native/fuse-layout.c</c> prints the C side); a wrong offset would corrupt memory, not fail a call.
/// </summary>
public sealed unsafe class NativeLayoutTests
{
    [Fact]
    public void FuseLowlevelOps_Layout_MatchesLibfuse314()
    {
        sizeof(FuseLowlevelOps).Should().Be(352);
        FuseLowlevelOps o = default;
        var b = (byte*)&o;
        ((byte*)&o.Init - b).Should().Be(0);
        ((byte*)&o.Lookup - b).Should().Be(16);
        ((byte*)&o.Forget - b).Should().Be(24);
        ((byte*)&o.Getattr - b).Should().Be(32);
        ((byte*)&o.Setattr - b).Should().Be(40);
        ((byte*)&o.Readlink - b).Should().Be(48);
        ((byte*)&o.Mknod - b).Should().Be(56);
        ((byte*)&o.Mkdir - b).Should().Be(64);
        ((byte*)&o.Unlink - b).Should().Be(72);
        ((byte*)&o.Rmdir - b).Should().Be(80);
        ((byte*)&o.Symlink - b).Should().Be(88);
        ((byte*)&o.Rename - b).Should().Be(96);
        ((byte*)&o.Link - b).Should().Be(104);
        ((byte*)&o.Open - b).Should().Be(112);
        ((byte*)&o.Read - b).Should().Be(120);
        ((byte*)&o.Write - b).Should().Be(128);
        ((byte*)&o.Release - b).Should().Be(144);
        ((byte*)&o.Opendir - b).Should().Be(160);
        ((byte*)&o.Readdir - b).Should().Be(168);
        ((byte*)&o.Releasedir - b).Should().Be(176);
        ((byte*)&o.Statfs - b).Should().Be(192);
        ((byte*)&o.Access - b).Should().Be(232);
        ((byte*)&o.Create - b).Should().Be(240);
        ((byte*)&o.ForgetMulti - b).Should().Be(304);
        ((byte*)&o.Readdirplus - b).Should().Be(328);
        ((byte*)&o.Lseek - b).Should().Be(344);
    }

    [Fact]
    public void FuseEntryParam_Layout_MatchesLibfuse314()
    {
        sizeof(FuseEntryParam).Should().Be(176);
        FuseEntryParam e = default;
        var b = (byte*)&e;
        ((byte*)&e.Generation - b).Should().Be(8);
        ((byte*)&e.Attr - b).Should().Be(16);
        ((byte*)&e.AttrTimeout - b).Should().Be(160);
        ((byte*)&e.EntryTimeout - b).Should().Be(168);
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
    public void FuseConnInfoContextAndForget_Layout_MatchLibfuse314()
    {
        sizeof(FuseConnInfo).Should().Be(128);
        FuseConnInfo c = default;
        var b = (byte*)&c;
        ((byte*)&c.Capable - b).Should().Be(20);
        ((byte*)&c.Want - b).Should().Be(24);
        FuseConnInfo.CacheSymlinks.Should().Be(0x800000u);

        sizeof(FuseRequestContext).Should().Be(16);
        FuseRequestContext x = default;
        var xb = (byte*)&x;
        ((byte*)&x.Uid - xb).Should().Be(0);
        ((byte*)&x.Gid - xb).Should().Be(4);
        ((byte*)&x.Pid - xb).Should().Be(8);
        ((byte*)&x.Umask - xb).Should().Be(12);

        sizeof(FuseForgetData).Should().Be(16);
        FuseForgetData f = default;
        ((byte*)&f.Lookups - (byte*)&f).Should().Be(8);

        sizeof(FuseArgs).Should().Be(24);
        FuseArgs a = default;
        var ab = (byte*)&a;
        ((byte*)&a.Argv - ab).Should().Be(8);
        ((byte*)&a.Allocated - ab).Should().Be(16);
    }
}
