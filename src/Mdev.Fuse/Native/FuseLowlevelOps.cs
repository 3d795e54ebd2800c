using System.Runtime.InteropServices;

namespace Mdev.Fuse.Native;

/// <summary>
/// <c>struct fuse_lowlevel_ops</c> (fuse_lowlevel.h, libfuse 3.14, <c>FUSE_USE_VERSION</c> 314): 44 function pointers,
/// 352 bytes on x86-64, in header order. Members left null get libfuse's default (mostly <c>ENOSYS</c>, which the
/// kernel remembers and stops asking).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseLowlevelOps
{
    /// <summary><c>void (*init)(void *userdata, struct fuse_conn_info *conn)</c> (offset 0).</summary>
    public delegate* unmanaged[Cdecl]<void*, FuseConnInfo*, void> Init;

    /// <summary><c>destroy</c> (offset 8); not provided.</summary>
    public void* Destroy;

    /// <summary><c>void (*lookup)(fuse_req_t, fuse_ino_t parent, const char *name)</c> (offset 16).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, void> Lookup;

    /// <summary><c>void (*forget)(fuse_req_t, fuse_ino_t, uint64_t nlookup)</c> (offset 24).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, ulong, void> Forget;

    /// <summary><c>void (*getattr)(fuse_req_t, fuse_ino_t, struct fuse_file_info *)</c> (offset 32).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> Getattr;

    /// <summary><c>void (*setattr)(fuse_req_t, fuse_ino_t, struct stat *attr, int to_set, struct fuse_file_info *)</c> (offset 40).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, NativeStat*, int, FuseFileInfo*, void> Setattr;

    /// <summary><c>void (*readlink)(fuse_req_t, fuse_ino_t)</c> (offset 48).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, void> Readlink;

    /// <summary><c>void (*mknod)(fuse_req_t, fuse_ino_t parent, const char *name, mode_t, dev_t)</c> (offset 56).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, uint, ulong, void> Mknod;

    /// <summary><c>void (*mkdir)(fuse_req_t, fuse_ino_t parent, const char *name, mode_t)</c> (offset 64).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, uint, void> Mkdir;

    /// <summary><c>void (*unlink)(fuse_req_t, fuse_ino_t parent, const char *name)</c> (offset 72).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, void> Unlink;

    /// <summary><c>void (*rmdir)(fuse_req_t, fuse_ino_t parent, const char *name)</c> (offset 80).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, void> Rmdir;

    /// <summary><c>void (*symlink)(fuse_req_t, const char *link, fuse_ino_t parent, const char *name)</c> (offset 88).</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, ulong, byte*, void> Symlink;

    /// <summary><c>void (*rename)(fuse_req_t, fuse_ino_t parent, const char *name, fuse_ino_t newparent, const char *newname, unsigned int flags)</c> (offset 96).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, ulong, byte*, uint, void> Rename;

    /// <summary><c>void (*link)(fuse_req_t, fuse_ino_t, fuse_ino_t newparent, const char *newname)</c> (offset 104).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, ulong, byte*, void> Link;

    /// <summary><c>void (*open)(fuse_req_t, fuse_ino_t, struct fuse_file_info *)</c> (offset 112).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> Open;

    /// <summary><c>void (*read)(fuse_req_t, fuse_ino_t, size_t, off_t, struct fuse_file_info *)</c> (offset 120).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, nuint, long, FuseFileInfo*, void> Read;

    /// <summary><c>void (*write)(fuse_req_t, fuse_ino_t, const char *buf, size_t, off_t, struct fuse_file_info *)</c> (offset 128).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, nuint, long, FuseFileInfo*, void> Write;

    /// <summary><c>flush</c> (offset 136); not provided.</summary>
    public void* Flush;

    /// <summary><c>void (*release)(fuse_req_t, fuse_ino_t, struct fuse_file_info *)</c> (offset 144).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> Release;

    /// <summary><c>fsync</c> (offset 152); not provided.</summary>
    public void* Fsync;

    /// <summary><c>void (*opendir)(fuse_req_t, fuse_ino_t, struct fuse_file_info *)</c> (offset 160).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> Opendir;

    /// <summary><c>void (*readdir)(fuse_req_t, fuse_ino_t, size_t, off_t, struct fuse_file_info *)</c> (offset 168).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, nuint, long, FuseFileInfo*, void> Readdir;

    /// <summary><c>void (*releasedir)(fuse_req_t, fuse_ino_t, struct fuse_file_info *)</c> (offset 176).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> Releasedir;

    /// <summary><c>fsyncdir</c> (offset 184); not provided.</summary>
    public void* Fsyncdir;

    /// <summary><c>void (*statfs)(fuse_req_t, fuse_ino_t)</c> (offset 192).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, void> Statfs;

    /// <summary><c>setxattr</c> (offset 200); not provided.</summary>
    public void* Setxattr;

    /// <summary><c>getxattr</c> (offset 208); not provided.</summary>
    public void* Getxattr;

    /// <summary><c>listxattr</c> (offset 216); not provided.</summary>
    public void* Listxattr;

    /// <summary><c>removexattr</c> (offset 224); not provided.</summary>
    public void* Removexattr;

    /// <summary><c>access</c> (offset 232); not provided.</summary>
    public void* Access;

    /// <summary><c>void (*create)(fuse_req_t, fuse_ino_t parent, const char *name, mode_t, struct fuse_file_info *)</c> (offset 240).</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, uint, FuseFileInfo*, void> Create;

    /// <summary><c>getlk</c> (offset 248); not provided.</summary>
    public void* Getlk;

    /// <summary><c>setlk</c> (offset 256); not provided.</summary>
    public void* Setlk;

    /// <summary><c>bmap</c> (offset 264); not provided.</summary>
    public void* Bmap;

    /// <summary><c>ioctl</c> (offset 272); not provided.</summary>
    public void* Ioctl;

    /// <summary><c>poll</c> (offset 280); not provided.</summary>
    public void* Poll;

    /// <summary><c>write_buf</c> (offset 288); not provided.</summary>
    public void* WriteBuf;

    /// <summary><c>retrieve_reply</c> (offset 296); not provided.</summary>
    public void* RetrieveReply;

    /// <summary><c>void (*forget_multi)(fuse_req_t, size_t count, struct fuse_forget_data *)</c> (offset 304).</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint, FuseForgetData*, void> ForgetMulti;

    /// <summary><c>flock</c> (offset 312); not provided.</summary>
    public void* Flock;

    /// <summary><c>fallocate</c> (offset 320); not provided.</summary>
    public void* Fallocate;

    /// <summary><c>readdirplus</c> (offset 328); not provided.</summary>
    public void* Readdirplus;

    /// <summary><c>copy_file_range</c> (offset 336); not provided.</summary>
    public void* CopyFileRange;

    /// <summary><c>lseek</c> (offset 344); not provided.</summary>
    public void* Lseek;
}
