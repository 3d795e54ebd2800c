using System.Runtime.InteropServices;

namespace Mdev.Control.Native;

/// <summary><c>link(2)</c>: the one atomic "create this name only if it does not exist" that also publishes complete content.</summary>
internal static partial class LibC
{
    /// <summary>Makes <paramref name="newPath"/> a hard link to <paramref name="oldPath"/>; -1 with errno <c>EEXIST</c> when <paramref name="newPath"/> exists.</summary>
    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string oldPath, string newPath);
}
