using System.Text;

namespace Mdev.Core.Sysfs;

/// <summary>Conveniences over <see cref="ISysfs"/>.</summary>
public static class SysfsExtensions
{
    /// <summary>Writes text (encoded byte for byte, Latin-1) as one store, as <c>echo text &gt; path</c> does with its newline.</summary>
    /// <param name="sysfs">The sysfs view.</param>
    /// <param name="path">An absolute path of an attribute file.</param>
    /// <param name="text">The text.</param>
    /// <returns>The number of bytes consumed.</returns>
    public static int Write(this ISysfs sysfs, string path, string text)
    {
        ArgumentNullException.ThrowIfNull(sysfs);
        ArgumentNullException.ThrowIfNull(text);
        return sysfs.Write(path, Encoding.Latin1.GetBytes(text));
    }
}
