namespace Mdev.Samples.Mtty;

/// <summary>One mtty type (<c>struct mtty_type</c>): its sysfs name, pretty name and number of serial ports.</summary>
internal sealed record MttyType(string SysfsName, string PrettyName, int NrPorts);

/// <summary>mtty's data, as <c>samples/vfio-mdev/mtty.c</c> declares it: the types, the port pool and the PCI config bytes.</summary>
internal static class MttyCatalog
{
    /// <summary><c>MAX_MTTYS</c>: the ports every mtty device draws from.</summary>
    public const int MaxPorts = 24;

    /// <summary><c>MTTY_CONFIG_SPACE_SIZE</c> (255, not 256).</summary>
    public const int ConfigSpaceSize = 0xff;

    /// <summary><c>MTTY_IO_BAR_SIZE</c>: eight UART registers per port.</summary>
    public const int IoBarSize = 8;

    /// <summary><c>bar_mask = ~(MTTY_IO_BAR_SIZE) + 1</c>.</summary>
    public const uint BarMask = ~(uint)IoBarSize + 1;

    /// <summary>The types, in registration order: <c>mtty-1</c> and <c>mtty-2</c>.</summary>
    public static IReadOnlyList<MttyType> Types { get; } =
    [
        new("1", "Single port serial", 1),
        new("2", "Dual port serial", 2),
    ];

    /// <summary>The non-zero bytes of a fresh config space (<c>mtty_create_config_space</c>); all others are 0.</summary>
    /// <param name="nrPorts">1 or 2: BAR1 is an I/O BAR only with two ports.</param>
    /// <returns>(offset, bytes) runs.</returns>
    public static IReadOnlyList<(int Offset, byte[] Bytes)> ConfigBytes(int nrPorts) =>
    [
        (0x00, [0x48, 0x43, 0x53, 0x32]),                   // vendor 0x4348, device 0x3253
        (0x04, [0x01, 0x00]),                               // command: I/O enable
        (0x06, [0x00, 0x02]),                               // status 0x0200: DEVSEL medium, no capability list
        (0x08, [0x10, 0x02, 0x00, 0x07]),                   // revision 0x10, prog-if 16550, subclass 0, class 7
        (0x10, [0x01, 0x00, 0x00, 0x00]),                   // BAR0: I/O
        (0x14, [nrPorts == 2 ? (byte)0x01 : (byte)0x00, 0x00, 0x00, 0x00]), // BAR1: I/O with a second port
        (0x2c, [0x48, 0x43, 0x53, 0x32]),                   // subsystem vendor 0x4348, subsystem 0x3253
        (0x3d, [0x01]),                                     // interrupt pin INTA#
        (0x40, [0x23, 0x00, 0x00, 0x80, 0x23, 0x00, 0x00, 0x00, 0x23, 0x00, 0x00, 0x00, 0x23]), // vendor specific
        (0x60, "PCI Serial/UART"u8.ToArray()),
    ];
}
