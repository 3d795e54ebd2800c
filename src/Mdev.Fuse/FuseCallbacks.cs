using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using System.Text;
using Mdev.Core;
using Mdev.Fuse.Native;

namespace Mdev.Fuse;

/// <summary>
/// The native entry points libfuse calls on its worker threads: each finds the <see cref="FuseFileSystem"/> of the
/// mount through <c>fuse_get_context()-&gt;private_data</c>, calls it, and returns 0 (or a count) or the
/// <see cref="MdevException.Errno"/> negated. No exception ever crosses back into native code.
/// </summary>
internal static unsafe class FuseCallbacks
{
    /// <summary>The operations table handed to <c>fuse_new</c> (libfuse copies it).</summary>
    public static FuseOperations Table() => new()
    {
        GetAttr = &GetAttr,
        ReadLink = &ReadLink,
        Mknod = &Mknod,
        Mkdir = &Mkdir,
        Unlink = &Unlink,
        Rmdir = &Rmdir,
        Symlink = &Symlink,
        Rename = &Rename,
        Link = &Link,
        Truncate = &Truncate,
        Open = &Open,
        Read = &Read,
        Write = &Write,
        Statfs = &Statfs,
        Release = &Release,
        Readdir = &Readdir,
        Init = &Init,
        Create = &Create,
        Utimens = &Utimens,
    };

    private static FuseFileSystem Current =>
        (FuseFileSystem)GCHandle.FromIntPtr((nint)LibFuse.GetContext()->PrivateData).Target!;

    /// <summary>
    /// <c>init</c>: no kernel caching of names, attributes or failed lookups, and <c>direct_io</c> on every open file,
    /// so that every lookup, stat and read reaches the tree (attributes change under the kernel, e.g.
    /// <c>available_instances</c> after a create). Returns the private data unchanged.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void* Init(void* connection, FuseConfig* config)
    {
        config->EntryTimeout = 0;
        config->NegativeTimeout = 0;
        config->AttrTimeout = 0;
        config->AcAttrTimeoutSet = 0;
        config->DirectIo = 1;
        config->KernelCache = 0;
        config->AutoCache = 0;
        config->UseIno = 0;
        config->NullpathOk = 0;
        return LibFuse.GetContext()->PrivateData;
    }

    /// <summary>
    /// <c>statfs</c>: what sysfs answers (<c>simple_statfs</c>: a <c>PAGE_SIZE</c> block of 4096 bytes, which the VFS also
    /// reports as the fragment size, <c>NAME_MAX</c> 255, no blocks or inodes counted).
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Statfs(byte* path, NativeStatvfs* stat)
    {
        *stat = default;
        stat->BlockSize = 4096;
        stat->FragmentSize = 4096;
        stat->NameMax = 255;
        return 0;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetAttr(byte* path, NativeStat* stat, FuseFileInfo* info)
    {
        try
        {
            Current.GetAttr(TreePath(path), info is null ? 0 : info->Fh, out *stat);
            return 0;
        }
        catch (Exception ex)
        {
            return Fail(ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ReadLink(byte* path, byte* buffer, nuint size)
    {
        try
        {
            Current.ReadLink(TreePath(path), new Span<byte>(buffer, (int)Math.Min(size, int.MaxValue)));
            return 0;
        }
        catch (Exception ex)
        {
            return Fail(ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Readdir(byte* path, void* buffer, delegate* unmanaged[Cdecl]<void*, byte*, NativeStat*, long, int, int> filler, long offset, FuseFileInfo* info, int flags)
    {
        try
        {
            var entries = Current.ReadDirectory(TreePath(path));
            NativeStat stat = default;
            stat.Mode = NativeStat.DirectoryType;
            if (!Fill(filler, buffer, ".", &stat) || !Fill(filler, buffer, "..", &stat))
            {
                return -(int)Errno.ENOMEM;
            }

            foreach (var entry in entries)
            {
                stat.Mode = FuseFileSystem.TypeBits(entry.Kind);
                if (!Fill(filler, buffer, entry.Name, &stat))
                {
                    return -(int)Errno.ENOMEM;
                }
            }

            return 0;
        }
        catch (Exception ex)
        {
            return Fail(ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Open(byte* path, FuseFileInfo* info)
    {
        try
        {
            info->Fh = Current.Open(TreePath(path), info->Flags, LibFuse.GetContext()->Uid);
            info->Bits = (info->Bits | FuseFileInfo.DirectIoBit) & ~FuseFileInfo.KeepCacheBit;
            return 0;
        }
        catch (Exception ex)
        {
            return Fail(ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Read(byte* path, byte* buffer, nuint size, long offset, FuseFileInfo* info)
    {
        try
        {
            return Current.Read(info->Fh, new Span<byte>(buffer, (int)Math.Min(size, int.MaxValue)), offset);
        }
        catch (Exception ex)
        {
            return Fail(ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Write(byte* path, byte* buffer, nuint size, long offset, FuseFileInfo* info)
    {
        try
        {
            return Current.Write(info->Fh, new ReadOnlySpan<byte>(buffer, (int)Math.Min(size, int.MaxValue)));
        }
        catch (Exception ex)
        {
            return Fail(ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Truncate(byte* path, long size, FuseFileInfo* info)
    {
        try
        {
            if (info is null)
            {
                Current.Truncate(TreePath(path));
            }

            return 0;
        }
        catch (Exception ex)
        {
            return Fail(ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Utimens(byte* path, Timespec* times, FuseFileInfo* info)
    {
        try
        {
            Current.SetTimes(TreePath(path));
            return 0;
        }
        catch (Exception ex)
        {
            return Fail(ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Release(byte* path, FuseFileInfo* info)
    {
        try
        {
            Current.Release(info->Fh);
            return 0;
        }
        catch (Exception ex)
        {
            return Fail(ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Create(byte* path, uint mode, FuseFileInfo* info)
    {
        try
        {
            Current.Create(TreePath(path));
            return -(int)Errno.EACCES;
        }
        catch (Exception ex)
        {
            return Fail(ex);
        }
    }

    // The VFS answers EPERM when a directory has no mknod/mkdir/unlink/rmdir/symlink/rename/link, as sysfs has none.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Mknod(byte* path, uint mode, ulong device) => -(int)Errno.EPERM;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Mkdir(byte* path, uint mode) => -(int)Errno.EPERM;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Unlink(byte* path) => -(int)Errno.EPERM;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Rmdir(byte* path) => -(int)Errno.EPERM;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Symlink(byte* target, byte* path) => -(int)Errno.EPERM;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Rename(byte* path, byte* newPath, uint flags) => -(int)Errno.EPERM;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Link(byte* path, byte* newPath) => -(int)Errno.EPERM;

    private static string TreePath(byte* path) => FuseFileSystem.TreePath(Utf8StringMarshaller.ConvertToManaged(path) ?? "/");

    /// <summary>The reply's -errno: the kernel accepts 1..511 only (anything else would leave the caller without an answer).</summary>
    private static int Fail(Exception ex) => ex is MdevException { Errno: > 0 and < (Errno)512 } m ? -(int)m.Errno : -(int)Errno.EIO;

    private static bool Fill(delegate* unmanaged[Cdecl]<void*, byte*, NativeStat*, long, int, int> filler, void* buffer, string name, NativeStat* stat)
    {
        int max = Encoding.UTF8.GetMaxByteCount(name.Length) + 1;
        Span<byte> bytes = max <= 1024 ? stackalloc byte[max] : new byte[max];
        int n = Encoding.UTF8.GetBytes(name, bytes);
        bytes[n] = 0;
        fixed (byte* p = bytes)
        {
            return filler(buffer, p, stat, 0, 0) == 0;
        }
    }
}
