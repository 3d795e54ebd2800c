namespace Mdev.Core;

/// <summary>
/// The kernel's text parsers that sysfs stores use (<c>kstrtoul</c>, <c>sysfs_streq</c>, <c>guid_parse</c>), reproduced
/// rule for rule, for vendor attribute stores too. A store's buffer is a C string (kernfs NUL-terminates it), so the
/// parsers that walk it as one stop at the first NUL: <c>1\0</c> is <c>1</c>.
/// </summary>
public static class KernelText
{
    /// <summary>UUID_STRING_LEN.</summary>
    public const int UuidStringLength = 36;

    /// <summary>
    /// <c>kstrtoul(s, 0, &amp;v)</c>: an optional <c>+</c>; base from the prefix (<c>0x</c>/<c>0X</c> followed by a hex digit →
    /// 16, a leading <c>0</c> → 8, else 10); at least one digit; one optional trailing newline; nothing else before the
    /// string's end, which is the first NUL (<see cref="CString"/>).
    /// </summary>
    /// <param name="s">The text written (a trailing newline allowed).</param>
    /// <param name="value">The number.</param>
    /// <returns>0 on success, <c>EINVAL</c> for a malformed number, <c>ERANGE</c> on overflow.</returns>
    public static Errno ParseUnsignedLong(ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        s = CString(s);
        if (s.Length > 0 && s[0] == '+')
        {
            s = s[1..];
        }

        uint radix = 10;
        if (s.Length > 0 && s[0] == '0')
        {
            if (s.Length > 2 && (s[1] == 'x' || s[1] == 'X') && char.IsAsciiHexDigit(s[2]))
            {
                radix = 16;
                s = s[2..];
            }
            else
            {
                radix = 8;
            }
        }

        int i = 0;
        bool overflow = false;
        for (; i < s.Length; i++)
        {
            uint digit;
            char c = s[i];
            if (c is >= '0' and <= '9')
            {
                digit = (uint)(c - '0');
            }
            else if (char.IsAsciiHexDigit(c))
            {
                digit = (uint)(char.ToLowerInvariant(c) - 'a' + 10);
            }
            else
            {
                break;
            }

            if (digit >= radix)
            {
                break;
            }

            if (value > (ulong.MaxValue - digit) / radix)
            {
                overflow = true;
            }

            value = unchecked((value * radix) + digit);
        }

        if (i == 0)
        {
            return Errno.EINVAL;
        }

        if (overflow)
        {
            return Errno.ERANGE;
        }

        s = s[i..];
        if (s.Length > 0 && s[0] == '\n')
        {
            s = s[1..];
        }

        return s.Length == 0 ? 0 : Errno.EINVAL;
    }

    /// <summary>What C code walking the buffer as a string sees: everything before the first NUL.</summary>
    /// <param name="s">The bytes written, as text.</param>
    /// <returns>The text up to (not including) the first NUL, or all of it.</returns>
    public static ReadOnlySpan<char> CString(ReadOnlySpan<char> s)
    {
        int nul = s.IndexOf('\0');
        return nul < 0 ? s : s[..nul];
    }

    /// <summary>
    /// <c>sysfs_streq(s1, s2)</c>: the two C strings are equal, or equal but for one trailing newline on either.
    /// </summary>
    /// <param name="written">The text written (the store's buffer).</param>
    /// <param name="expected">The word to compare with.</param>
    /// <returns>Whether they match.</returns>
    public static bool SysfsStreq(ReadOnlySpan<char> written, ReadOnlySpan<char> expected)
    {
        ReadOnlySpan<char> a = CString(written), b = CString(expected);
        return a.SequenceEqual(b)
            || (a.Length == b.Length + 1 && a[^1] == '\n' && a[..^1].SequenceEqual(b))
            || (b.Length == a.Length + 1 && b[^1] == '\n' && b[..^1].SequenceEqual(a));
    }

    /// <summary>
    /// <c>guid_parse()</c> on the first 36 characters: dashes exactly at 8, 13, 18 and 23, hex digits (either case)
    /// elsewhere. Anything after the 36th character is the caller's business.
    /// </summary>
    /// <param name="text">At least 36 characters.</param>
    /// <param name="uuid">The UUID.</param>
    /// <returns>Whether the first 36 characters are a UUID.</returns>
    public static bool TryParseUuid(ReadOnlySpan<char> text, out Guid uuid)
    {
        uuid = Guid.Empty;
        if (text.Length < UuidStringLength)
        {
            return false;
        }

        text = text[..UuidStringLength];
        for (int i = 0; i < UuidStringLength; i++)
        {
            bool dash = i is 8 or 13 or 18 or 23;
            if (dash ? text[i] != '-' : !char.IsAsciiHexDigit(text[i]))
            {
                return false;
            }
        }

        return Guid.TryParseExact(text, "D", out uuid);
    }
}
