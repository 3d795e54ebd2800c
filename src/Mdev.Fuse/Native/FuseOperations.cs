using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary>
/// <c>struct fuse_operations</c> (fuse.h, libfuse 3.14, <c>FUSE_USE_VERSION</c> 31..314): 42 function pointers, 336
/// bytes on x86-64, in header order. Members left null get libfuse's default (mostly <c>ENOSYS</c>).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseOperations
{
    /// <summary><c>int (*getattr)(const char *, struct stat *, struct fuse_file_info *)</c> (offset 0).</summary>
    public delegate* unmanaged[Cdecl]<byte*, NativeStat*, FuseFileInfo*, int> GetAttr;

    /// <summary><c>int (*readlink)(const char *, char *, size_t)</c> (offset 8).</summary>
    public delegate* unmanaged[Cdecl]<byte*, byte*, nuint, int> ReadLink;

    /// <summary><c>int (*mknod)(const char *, mode_t, dev_t)</c> (offset 16).</summary>
    public delegate* unmanaged[Cdecl]<byte*, uint, ulong, int> Mknod;

    /// <summary><c>int (*mkdir)(const char *, mode_t)</c> (offset 24).</summary>
    public delegate* unmanaged[Cdecl]<byte*, uint, int> Mkdir;

    /// <summary><c>int (*unlink)(const char *)</c> (offset 32).</summary>
    public delegate* unmanaged[Cdecl]<byte*, int> Unlink;

    /// <summary><c>int (*rmdir)(const char *)</c> (offset 40).</summary>
    public delegate* unmanaged[Cdecl]<byte*, int> Rmdir;

    /// <summary><c>int (*symlink)(const char *, const char *)</c> (offset 48).</summary>
    public delegate* unmanaged[Cdecl]<byte*, byte*, int> Symlink;

    /// <summary><c>int (*rename)(const char *, const char *, unsigned int)</c> (offset 56).</summary>
    public delegate* unmanaged[Cdecl]<byte*, byte*, uint, int> Rename;

    /// <summary><c>int (*link)(const char *, const char *)</c> (offset 64).</summary>
    public delegate* unmanaged[Cdecl]<byte*, byte*, int> Link;

    /// <summary><c>chmod</c> (offset 72); not provided.</summary>
    public void* Chmod;

    /// <summary><c>chown</c> (offset 80); not provided.</summary>
    public void* Chown;

    /// <summary><c>int (*truncate)(const char *, off_t, struct fuse_file_info *)</c> (offset 88).</summary>
    public delegate* unmanaged[Cdecl]<byte*, long, FuseFileInfo*, int> Truncate;

    /// <summary><c>int (*open)(const char *, struct fuse_file_info *)</c> (offset 96).</summary>
    public delegate* unmanaged[Cdecl]<byte*, FuseFileInfo*, int> Open;

    /// <summary><c>int (*read)(const char *, char *, size_t, off_t, struct fuse_file_info *)</c> (offset 104).</summary>
    public delegate* unmanaged[Cdecl]<byte*, byte*, nuint, long, FuseFileInfo*, int> Read;

    /// <summary><c>int (*write)(const char *, const char *, size_t, off_t, struct fuse_file_info *)</c> (offset 112).</summary>
    public delegate* unmanaged[Cdecl]<byte*, byte*, nuint, long, FuseFileInfo*, int> Write;

    /// <summary><c>statfs</c> (offset 120): sysfs's <c>simple_statfs</c> figures (libfuse's default would say 512-byte blocks).</summary>
    public delegate* unmanaged[Cdecl]<byte*, NativeStatvfs*, int> Statfs;

    /// <summary><c>flush</c> (offset 128); not provided.</summary>
    public void* Flush;

    /// <summary><c>int (*release)(const char *, struct fuse_file_info *)</c> (offset 136).</summary>
    public delegate* unmanaged[Cdecl]<byte*, FuseFileInfo*, int> Release;

    /// <summary><c>fsync</c> (offset 144).</summary>
    public void* Fsync;

    /// <summary><c>setxattr</c> (offset 152).</summary>
    public void* Setxattr;

    /// <summary><c>getxattr</c> (offset 160).</summary>
    public void* Getxattr;

    /// <summary><c>listxattr</c> (offset 168).</summary>
    public void* Listxattr;

    /// <summary><c>removexattr</c> (offset 176).</summary>
    public void* Removexattr;

    /// <summary><c>opendir</c> (offset 184).</summary>
    public void* Opendir;

    /// <summary><c>int (*readdir)(const char *, void *, fuse_fill_dir_t, off_t, struct fuse_file_info *, enum fuse_readdir_flags)</c> (offset 192).</summary>
    public delegate* unmanaged[Cdecl]<byte*, void*, delegate* unmanaged[Cdecl]<void*, byte*, NativeStat*, long, int, int>, long, FuseFileInfo*, int, int> Readdir;

    /// <summary><c>releasedir</c> (offset 200).</summary>
    public void* Releasedir;

    /// <summary><c>fsyncdir</c> (offset 208).</summary>
    public void* Fsyncdir;

    /// <summary><c>void *(*init)(struct fuse_conn_info *, struct fuse_config *)</c> (offset 216).</summary>
    public delegate* unmanaged[Cdecl]<void*, FuseConfig*, void*> Init;

    /// <summary><c>destroy</c> (offset 224).</summary>
    public void* Destroy;

    /// <summary><c>access</c> (offset 232); not provided, so the kernel stops asking and allows.</summary>
    public void* Access;

    /// <summary><c>int (*create)(const char *, mode_t, struct fuse_file_info *)</c> (offset 240).</summary>
    public delegate* unmanaged[Cdecl]<byte*, uint, FuseFileInfo*, int> Create;

    /// <summary><c>lock</c> (offset 248).</summary>
    public void* Lock;

    /// <summary><c>int (*utimens)(const char *, const struct timespec tv[2], struct fuse_file_info *)</c> (offset 256).</summary>
    public delegate* unmanaged[Cdecl]<byte*, Timespec*, FuseFileInfo*, int> Utimens;

    /// <summary><c>bmap</c> (offset 264).</summary>
    public void* Bmap;

    /// <summary><c>ioctl</c> (offset 272).</summary>
    public void* Ioctl;

    /// <summary><c>poll</c> (offset 280).</summary>
    public void* Poll;

    /// <summary><c>write_buf</c> (offset 288).</summary>
    public void* WriteBuf;

    /// <summary><c>read_buf</c> (offset 296).</summary>
    public void* ReadBuf;

    /// <summary><c>flock</c> (offset 304).</summary>
    public void* Flock;

    /// <summary><c>fallocate</c> (offset 312).</summary>
    public void* Fallocate;

    /// <summary><c>copy_file_range</c> (offset 320).</summary>
    public void* CopyFileRange;

    /// <summary><c>lseek</c> (offset 328).</summary>
    public void* Lseek;
}
