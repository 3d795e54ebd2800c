namespace Mdev.Core.Sysfs;

/// <summary>Permission constants and the kernel's rules for attribute modes.</summary>
internal static class SysfsModes
{
    public const UnixFileMode ReadBits = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    public const UnixFileMode WriteBits = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>0444.</summary>
    public const UnixFileMode ReadOnly = ReadBits;

    /// <summary>0200.</summary>
    public const UnixFileMode WriteOnly = UnixFileMode.UserWrite;

    /// <summary>0644.</summary>
    public const UnixFileMode ReadWrite = ReadBits | UnixFileMode.UserWrite;

    /// <summary>0755, what kernfs gives a directory.</summary>
    public const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>0777, what every symlink reports.</summary>
    public const UnixFileMode Symlink = (UnixFileMode)0x1FF;

    /// <summary>
    /// The kernel's attribute-mode rules (<c>VERIFY_OCTAL_PERMISSIONS</c>: no other-writable bit, no bits beyond 0777,
    /// user read &gt;= group read &gt;= other read, user write &gt;= group write) plus the driver-core rule that a readable
    /// attribute has a show and a writable one a store (<c>device_create_file</c> warns; we refuse).
    /// </summary>
    /// <returns>Null when valid, else the broken rule.</returns>
    public static string? Validate(UnixFileMode mode, bool hasShow, bool hasStore)
    {
        int m = (int)mode;
        if ((m & ~0x1FF) != 0)
        {
            return "mode has bits beyond 0777";
        }

        if ((m & 0x2) != 0)
        {
            return "mode is world-writable";
        }

        int ur = (m >> 8) & 1, gr = (m >> 5) & 1, or = (m >> 2) & 1, uw = (m >> 7) & 1, gw = (m >> 4) & 1;
        if (ur < gr || gr < or)
        {
            return "mode gives group or others more read access than the owner";
        }

        if (uw < gw)
        {
            return "mode gives the group more write access than the owner";
        }

        if ((mode & ReadBits) != 0 && !hasShow)
        {
            return "mode is readable but the attribute has no show";
        }

        if ((mode & WriteBits) != 0 && !hasStore)
        {
            return "mode is writable but the attribute has no store";
        }

        if ((mode & (ReadBits | WriteBits)) == 0)
        {
            return "mode is neither readable nor writable";
        }

        return null;
    }
}
