namespace Mdev.Fuse.Native;

/// <summary>The <c>open(2)</c> flag bits this filesystem looks at (x86-64 values, <c>asm-generic/fcntl.h</c>).</summary>
internal static class OpenFlags
{
    /// <summary><c>O_ACCMODE</c>.</summary>
    public const int AccessMode = 0x3;

    /// <summary><c>O_RDONLY</c>.</summary>
    public const int ReadOnly = 0x0;

    /// <summary><c>O_WRONLY</c>.</summary>
    public const int WriteOnly = 0x1;

    /// <summary><c>O_RDWR</c>.</summary>
    public const int ReadWrite = 0x2;
}
