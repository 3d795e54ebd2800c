using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary><c>struct fuse_config</c> (fuse.h, libfuse 3.14): 128 bytes on x86-64; the high-level settings <c>init</c> may change.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseConfig
{
    /// <summary><c>int set_gid</c> (offset 0).</summary>
    public int SetGid;

    /// <summary><c>unsigned int gid</c> (offset 4).</summary>
    public uint Gid;

    /// <summary><c>int set_uid</c> (offset 8).</summary>
    public int SetUid;

    /// <summary><c>unsigned int uid</c> (offset 12).</summary>
    public uint Uid;

    /// <summary><c>int set_mode</c> (offset 16).</summary>
    public int SetMode;

    /// <summary><c>unsigned int umask</c> (offset 20).</summary>
    public uint Umask;

    /// <summary><c>double entry_timeout</c> (offset 24): how long the kernel caches a name lookup.</summary>
    public double EntryTimeout;

    /// <summary><c>double negative_timeout</c> (offset 32): how long the kernel caches a failed lookup.</summary>
    public double NegativeTimeout;

    /// <summary><c>double attr_timeout</c> (offset 40): how long the kernel caches attributes.</summary>
    public double AttrTimeout;

    /// <summary><c>int intr</c> (offset 48).</summary>
    public int Intr;

    /// <summary><c>int intr_signal</c> (offset 52).</summary>
    public int IntrSignal;

    /// <summary><c>int remember</c> (offset 56).</summary>
    public int Remember;

    /// <summary><c>int hard_remove</c> (offset 60).</summary>
    public int HardRemove;

    /// <summary><c>int use_ino</c> (offset 64).</summary>
    public int UseIno;

    /// <summary><c>int readdir_ino</c> (offset 68).</summary>
    public int ReaddirIno;

    /// <summary><c>int direct_io</c> (offset 72): every open file bypasses the page cache.</summary>
    public int DirectIo;

    /// <summary><c>int kernel_cache</c> (offset 76).</summary>
    public int KernelCache;

    /// <summary><c>int auto_cache</c> (offset 80).</summary>
    public int AutoCache;

    /// <summary><c>int no_rofd_flush</c> (offset 84).</summary>
    public int NoRofdFlush;

    /// <summary><c>int ac_attr_timeout_set</c> (offset 88).</summary>
    public int AcAttrTimeoutSet;

    /// <summary><c>double ac_attr_timeout</c> (offset 96).</summary>
    public double AcAttrTimeout;

    /// <summary><c>int nullpath_ok</c> (offset 104).</summary>
    public int NullpathOk;

    /// <summary><c>int show_help</c> (offset 108).</summary>
    public int ShowHelp;

    /// <summary><c>char *modules</c> (offset 112).</summary>
    public byte* Modules;

    /// <summary><c>int debug</c> (offset 120).</summary>
    public int Debug;
}
