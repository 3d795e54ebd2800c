using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using System.Text;
using Mdev.Core;
using Mdev.Fuse.Native;

namespace Mdev.Fuse;

/// <summary>
/// The native entry points libfuse's low-level API calls on its worker threads: each finds the
/// <see cref="FuseFileSystem"/> of the mount through <c>fuse_req_userdata</c>, calls it, and answers the request
/// exactly once (<c>fuse_reply_*</c>, or <c>fuse_reply_err</c> with the <see cref="MdevException.Errno"/>). No
/// exception ever crosses back into native code.
/// </summary>
internal static unsafe class FuseCallbacks
{
    private const int ReadChunk = 4096; // a show snapshot is at most PAGE_SIZE - 1 bytes

    /// <summary>The operations table handed to <c>fuse_session_new</c> (libfuse copies it).</summary>
    public static FuseLowlevelOps Table() => new()
    {
        Init = &Init,
        Lookup = &Lookup,
        Forget = &Forget,
        ForgetMulti = &ForgetMulti,
        Getattr = &GetAttr,
        Setattr = &SetAttr,
        Readlink = &ReadLink,
        Mknod = &Mknod,
        Mkdir = &Mkdir,
        Unlink = &Unlink,
        Rmdir = &Rmdir,
        Symlink = &Symlink,
        Rename = &Rename,
        Link = &Link,
        Open = &Open,
        Read = &Read,
        Write = &Write,
        Release = &Release,
        Opendir = &OpenDir,
        Readdir = &ReadDir,
        Releasedir = &ReleaseDir,
        Statfs = &Statfs,
        Create = &Create,
    };

    /// <summary>
    /// <c>init</c>: symlink targets may stay in the kernel's page cache (<c>FUSE_CAP_CACHE_SYMLINKS</c>; a link's
    /// target never changes, a retargeted link is a new node). No readdirplus (no readdirplus operation is given).
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Init(void* userData, FuseConnInfo* connection)
    {
        if ((connection->Capable & FuseConnInfo.CacheSymlinks) != 0)
        {
            connection->Want |= FuseConnInfo.CacheSymlinks;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Lookup(nint request, ulong parent, byte* name)
    {
        try
        {
            var fs = Current(request);
            var entry = fs.Lookup(parent, Name(name), out var child);
            if (LibFuse.ReplyEntry(request, &entry) != 0)
            {
                fs.Forget(entry.Ino, 1); // not delivered: the kernel took no reference
            }
            else if (child.Removed)
            {
                // Removed between our look and our reply. A first lookup holds the directory's inode lock until the dentry
                // exists, so the removal's invalidation (which takes that lock) cannot overtake it; a revalidation holds
                // no lock, but the invalidation unhashes the dentry it refreshes. Defensive all the same: our reply is
                // written, so this invalidation comes after it whatever the kernel's path.
                fs.InvalidateEntry(parent, child.Name);
            }
        }
        catch (Exception ex)
        {
            Fail(request, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Forget(nint request, ulong ino, ulong lookups)
    {
        try
        {
            Current(request).Forget(ino, lookups);
        }
        catch (Exception ex)
        {
            System.Diagnostics.Trace.TraceError($"mdev-fuse: forget {ino}: {ex.Message}");
        }

        LibFuse.ReplyNone(request);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ForgetMulti(nint request, nuint count, FuseForgetData* forgets)
    {
        try
        {
            var fs = Current(request);
            for (nuint i = 0; i < count; i++)
            {
                fs.Forget(forgets[i].Ino, forgets[i].Lookups);
            }
        }
        catch (Exception ex)
        {
            System.Diagnostics.Trace.TraceError($"mdev-fuse: forget_multi: {ex.Message}");
        }

        LibFuse.ReplyNone(request);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void GetAttr(nint request, ulong ino, FuseFileInfo* info)
    {
        try
        {
            Current(request).GetAttr(ino, out var stat);
            _ = LibFuse.ReplyAttr(request, &stat, FuseFileSystem.CacheTimeout);
        }
        catch (Exception ex)
        {
            Fail(request, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void SetAttr(nint request, ulong ino, NativeStat* attr, int toSet, FuseFileInfo* info)
    {
        try
        {
            Current(request).SetAttr(ino, toSet, out var stat);
            _ = LibFuse.ReplyAttr(request, &stat, FuseFileSystem.CacheTimeout);
        }
        catch (Exception ex)
        {
            Fail(request, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ReadLink(nint request, ulong ino)
    {
        try
        {
            var target = Current(request).ReadLink(ino);
            var bytes = Utf8StringMarshaller.ConvertToUnmanaged(target);
            try
            {
                _ = LibFuse.ReplyReadlink(request, bytes);
            }
            finally
            {
                Utf8StringMarshaller.Free(bytes);
            }
        }
        catch (Exception ex)
        {
            Fail(request, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Open(nint request, ulong ino, FuseFileInfo* info)
    {
        try
        {
            var fs = Current(request);
            info->Fh = fs.Open(ino, info->Flags, LibFuse.ReqContext(request)->Uid);
            info->Bits = (info->Bits | FuseFileInfo.DirectIoBit) & ~FuseFileInfo.KeepCacheBit;
            if (LibFuse.ReplyOpen(request, info) != 0)
            {
                fs.Release(info->Fh); // not delivered: no release will come
            }
        }
        catch (Exception ex)
        {
            Fail(request, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Read(nint request, ulong ino, nuint size, long offset, FuseFileInfo* info)
    {
        try
        {
            Span<byte> buffer = stackalloc byte[ReadChunk];
            int n = Current(request).Read(info->Fh, buffer[..(int)Math.Min(size, (nuint)ReadChunk)], offset);
            fixed (byte* p = buffer)
            {
                _ = LibFuse.ReplyBuf(request, p, (nuint)n);
            }
        }
        catch (Exception ex)
        {
            Fail(request, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Write(nint request, ulong ino, byte* buffer, nuint size, long offset, FuseFileInfo* info)
    {
        try
        {
            int n = Current(request).Write(info->Fh, new ReadOnlySpan<byte>(buffer, (int)Math.Min(size, int.MaxValue)));
            _ = LibFuse.ReplyWrite(request, (nuint)n);
        }
        catch (Exception ex)
        {
            Fail(request, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Release(nint request, ulong ino, FuseFileInfo* info)
    {
        try
        {
            Current(request).Release(info->Fh);
            _ = LibFuse.ReplyErr(request, 0);
        }
        catch (Exception ex)
        {
            Fail(request, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OpenDir(nint request, ulong ino, FuseFileInfo* info)
    {
        try
        {
            var fs = Current(request);
            info->Fh = fs.OpenDirectory(ino);
            if (LibFuse.ReplyOpen(request, info) != 0)
            {
                fs.ReleaseDirectory(info->Fh);
            }
        }
        catch (Exception ex)
        {
            Fail(request, ex);
        }
    }

    /// <summary><c>readdir</c>: as many entries from the offset as fit; each entry's offset is the next one's index.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ReadDir(nint request, ulong ino, nuint size, long offset, FuseFileInfo* info)
    {
        byte* buffer = null;
        try
        {
            var entries = Current(request).ReadDirectory(info->Fh, offset).Span;
            buffer = (byte*)NativeMemory.Alloc(size == 0 ? 1 : size);
            nuint used = 0;
            NativeStat stat = default;
            stat.Ino = FuseFileSystem.ListedIno;
            Span<byte> name = stackalloc byte[1024];
            for (int i = 0; i < entries.Length; i++)
            {
                stat.Mode = FuseFileSystem.TypeBits(entries[i].Kind);
                int n = Encoding.UTF8.GetBytes(entries[i].Name, name[..^1]);
                name[n] = 0;
                fixed (byte* p = name)
                {
                    nuint needed = LibFuse.AddDirentry(request, buffer + used, size - used, p, &stat, offset + i + 1);
                    if (needed > size - used)
                    {
                        break;
                    }

                    used += needed;
                }
            }

            _ = LibFuse.ReplyBuf(request, buffer, used);
        }
        catch (Exception ex)
        {
            Fail(request, ex);
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ReleaseDir(nint request, ulong ino, FuseFileInfo* info)
    {
        try
        {
            Current(request).ReleaseDirectory(info->Fh);
            _ = LibFuse.ReplyErr(request, 0);
        }
        catch (Exception ex)
        {
            Fail(request, ex);
        }
    }

    /// <summary>
    /// <c>statfs</c>: what sysfs answers (<c>simple_statfs</c>: a <c>PAGE_SIZE</c> block of 4096 bytes, which the VFS also
    /// reports as the fragment size, <c>NAME_MAX</c> 255, no blocks or inodes counted).
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Statfs(nint request, ulong ino)
    {
        NativeStatvfs stat = default;
        stat.BlockSize = 4096;
        stat.FragmentSize = 4096;
        stat.NameMax = 255;
        _ = LibFuse.ReplyStatfs(request, &stat);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Create(nint request, ulong parent, byte* name, uint mode, FuseFileInfo* info)
    {
        try
        {
            Current(request).Create(parent, Name(name));
            _ = LibFuse.ReplyErr(request, (int)Errno.EACCES);
        }
        catch (Exception ex)
        {
            Fail(request, ex);
        }
    }

    // The VFS answers EPERM when a directory has no mknod/mkdir/unlink/rmdir/symlink/rename/link, as sysfs has none.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Mknod(nint request, ulong parent, byte* name, uint mode, ulong device) => _ = LibFuse.ReplyErr(request, (int)Errno.EPERM);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Mkdir(nint request, ulong parent, byte* name, uint mode) => _ = LibFuse.ReplyErr(request, (int)Errno.EPERM);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Unlink(nint request, ulong parent, byte* name) => _ = LibFuse.ReplyErr(request, (int)Errno.EPERM);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Rmdir(nint request, ulong parent, byte* name) => _ = LibFuse.ReplyErr(request, (int)Errno.EPERM);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Symlink(nint request, byte* target, ulong parent, byte* name) => _ = LibFuse.ReplyErr(request, (int)Errno.EPERM);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Rename(nint request, ulong parent, byte* name, ulong newParent, byte* newName, uint flags) => _ = LibFuse.ReplyErr(request, (int)Errno.EPERM);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Link(nint request, ulong ino, ulong newParent, byte* newName) => _ = LibFuse.ReplyErr(request, (int)Errno.EPERM);

    // A reply that cannot be delivered (the request was interrupted, the connection is gone) has nobody to tell; only
    // the replies that hand the kernel a reference (entry, open) are checked.
    private static FuseFileSystem Current(nint request) =>
        (FuseFileSystem)GCHandle.FromIntPtr((nint)LibFuse.ReqUserData(request)).Target!;

    private static string Name(byte* name) => Utf8StringMarshaller.ConvertToManaged(name) ?? string.Empty;

    /// <summary>Answers with the errno: the kernel accepts 1..511 only (anything else would leave the caller without an answer).</summary>
    private static void Fail(nint request, Exception ex) =>
        _ = LibFuse.ReplyErr(request, ex is MdevException { Errno: > 0 and < (Errno)512 } m ? (int)m.Errno : (int)Errno.EIO);
}
