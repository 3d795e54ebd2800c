namespace Mdev.Core.Sysfs;

/// <summary>Path arithmetic for absolute <c>/sys</c> paths.</summary>
internal static class SysfsPath
{
    public const string Root = "/sys";

    /// <summary>Splits an absolute path below <c>/sys</c> into components; null when it is not below <c>/sys</c>.</summary>
    public static List<string>? Split(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith(Root, StringComparison.Ordinal) || (path.Length > Root.Length && path[Root.Length] != '/'))
        {
            return null;
        }

        var parts = new List<string>();
        foreach (var part in path.AsSpan(Root.Length).Split('/'))
        {
            var segment = path.AsSpan(Root.Length)[part];
            if (segment.Length > 0)
            {
                parts.Add(segment.ToString());
            }
        }

        return parts;
    }

    /// <summary>True when <paramref name="path"/> is <c>/sys</c> or below it (what <see cref="Split"/> accepts).</summary>
    public static bool IsBelowRoot(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return IsBelowRoot(path.AsSpan());
    }

    /// <summary>True when <paramref name="path"/> is <c>/sys</c> or below it.</summary>
    public static bool IsBelowRoot(ReadOnlySpan<char> path) => path.StartsWith(Root, StringComparison.Ordinal) && (path.Length == Root.Length || path[Root.Length] == '/');

    /// <summary>Joins a directory path and a name.</summary>
    public static string Combine(string directory, string name) => directory.EndsWith('/') ? directory + name : directory + "/" + name;

    /// <summary>The directory part of a path.</summary>
    public static string DirectoryOf(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>The last component of a path.</summary>
    public static string NameOf(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>
    /// The target as sysfs prints it: relative to the link's directory, going up to the common ancestor and down
    /// (kernfs_get_target_path), e.g. <c>/sys/class/mdev_bus/mtty</c> → <c>../../devices/virtual/mtty/mtty</c>.
    /// </summary>
    public static string Relative(string linkDirectory, string target)
    {
        var from = Split(linkDirectory) ?? [];
        var to = Split(target) ?? [];
        // kernfs_get_target_path looks for the common ancestor among the ancestors of the target's parent, so a link to
        // an ancestor of its own directory goes one level past it and back down: vfio-dev/vfio0/device → ../../../<uuid>.
        int common = 0;
        while (common < from.Count && common < to.Count - 1 && string.Equals(from[common], to[common], StringComparison.Ordinal))
        {
            common++;
        }

        var parts = new List<string>();
        for (int i = common; i < from.Count; i++)
        {
            parts.Add("..");
        }

        for (int i = common; i < to.Count; i++)
        {
            parts.Add(to[i]);
        }

        return string.Join('/', parts);
    }

    /// <summary>True when <paramref name="name"/> is usable as one path component.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name != "." && name != ".." && !name.Contains('/') && !name.Contains('\0');
}
