namespace Mdev.Vfio.Remote.Native;

/// <summary>The C library calls of the served <c>/dev/vfio</c> (x86-64 Linux constants), one call per file.</summary>
internal static partial class LibC
{
    public const int AfUnix = 1;
    public const int SockSeqpacket = 5;
    public const int SockCloexec = 0x80000;
    public const int SolSocket = 1;
    public const int SoPeercred = 17;
    public const int ScmRights = 1;
    public const int MsgTrunc = 0x20;
    public const int MsgCtrunc = 0x08;
    public const int MsgNosignal = 0x4000;
    public const int MsgCmsgCloexec = 0x40000000;
    public const int ShutRdwr = 2;
    public const int EfdCloexec = 0x80000;
    public const int EfdNonblock = 0x800;
    public const short PollIn = 0x1;
    public const int Eintr = 4;
    public const int Eagain = 11;
}
