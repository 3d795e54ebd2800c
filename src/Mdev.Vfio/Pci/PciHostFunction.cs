using System.Globalization;
using System.Text;
using Mdev.Core;

namespace Mdev.Vfio.Pci;

/// <summary>
/// A physical PCI function of the host (an mdev parent such as GVT-g's <c>0000:00:02.0</c>) as the PCI core presents it
/// in sysfs, following Linux 6.12 (drivers/pci/pci-sysfs.c, pci-driver.c, probe.c): the attributes <c>vendor</c>,
/// <c>device</c>, <c>subsystem_vendor</c>, <c>subsystem_device</c>, <c>class</c>, <c>revision</c>, <c>config</c> (the
/// config-space bytes: 256 conventional, 4096 PCI Express), <c>resource</c>, <c>irq</c>, <c>numa_node</c>,
/// <c>local_cpus</c>, <c>local_cpulist</c>, <c>enable</c>, <c>dma_mask_bits</c>, <c>consistent_dma_mask_bits</c>,
/// <c>modalias</c>, <c>driver_override</c>, <c>msi_bus</c>, <c>broken_parity_status</c>, <c>d3cold_allowed</c>,
/// <c>ari_enabled</c>, <c>power_state</c>, <c>boot_vga</c> (VGA functions), <c>current_link_speed</c>,
/// <c>current_link_width</c>, <c>max_link_speed</c>, <c>max_link_width</c> (PCI Express functions); and <c>pci_uevent</c>'s <c>PCI_CLASS</c>, <c>PCI_ID</c>, <c>PCI_SUBSYS_ID</c>,
/// <c>PCI_SLOT_NAME</c>, <c>MODALIAS</c>. <see cref="AddTo"/> adds it below its root bus device
/// <c>/sys/devices/pci&lt;domain&gt;:00</c> (added too when missing, a device with no bus: <c>uevent</c> and <c>power/</c>).
/// </summary>
/// <remarks>
/// Thread-safe: the writable state (<c>driver_override</c>, <c>msi_bus</c>, <c>broken_parity_status</c>,
/// <c>d3cold_allowed</c>) is guarded by one lock per function; everything else is fixed at construction.
/// Not modelled: writes to <c>config</c> (refused with <c>EPERM</c>: the host's own config space is not the guest's),
/// the <c>resource&lt;N&gt;</c> and <c>rom</c> files, <c>remove</c>, <c>rescan</c>, <c>reset</c>.
/// </remarks>
public sealed class PciHostFunction
{
    /// <summary>The PCI Express device/port type of an endpoint (<c>PCI_EXP_TYPE_ENDPOINT</c>).</summary>
    public const byte ExpressEndpoint = 0x0;

    /// <summary>The PCI Express type of a root-complex integrated endpoint (<c>PCI_EXP_TYPE_RC_END</c>), e.g. an Intel iGPU.</summary>
    public const byte ExpressRootComplexIntegratedEndpoint = 0x9;

    /// <summary>Resource lines of a function that is not a bridge: 6 BARs, the ROM, 6 SR-IOV BARs (<c>PCI_BRIDGE_RESOURCES</c> with <c>CONFIG_PCI_IOV</c>).</summary>
    internal const int ResourceLines = 13;

    private readonly Lock _lock = new();
    private readonly byte[] _config;
    private string? _driverOverride;
    private bool _msiBus = true;
    private bool _brokenParity;
    private bool _d3ColdAllowed = true;

    /// <summary>Describes a function.</summary>
    /// <param name="address">Its address <c>dddd:bb:dd.f</c>.</param>
    /// <param name="header">Its ids and class (<see cref="PciHeader.ConfigSize"/> is taken as 4096 when <paramref name="expressType"/> is set).</param>
    /// <param name="bars">Its assigned BARs.</param>
    /// <param name="expressType">Its PCI Express type (<see cref="ExpressEndpoint"/>, <see cref="ExpressRootComplexIntegratedEndpoint"/>), or null for conventional PCI.</param>
    /// <param name="linkSpeed">PCI Express endpoints: the link speed code (1 = 2.5 GT/s ... 4 = 16 GT/s), capability and status alike.</param>
    /// <param name="linkWidth">PCI Express endpoints: the link width (x1 ... x16).</param>
    /// <exception cref="MdevException"><c>EINVAL</c> for a malformed address, a bad BAR or a BAR address not aligned to its size.</exception>
    public PciHostFunction(string address, PciHeader header, IReadOnlyList<PciHostBar> bars, byte? expressType = null, byte linkSpeed = 0, byte linkWidth = 0)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(bars);
        SysfsPath = PciAddress.SysfsPath(address);
        Address = address;
        Header = expressType is null ? header : header with { ConfigSize = 4096 };
        Bars = bars;
        ExpressType = expressType;
        var config = Header.CreateConfigSpace(intx: true);
        config.SetU16(PciConfigSpace.CommandOffset, 0x0007); // I/O, memory, bus master: the driver enabled it
        foreach (var bar in bars)
        {
            config.DefineBar(bar.Index, bar.Kind, bar.Size, bar.Prefetchable);
            if ((bar.Address & (bar.Size - 1)) != 0)
            {
                throw new MdevException(Errno.EINVAL, $"PCI {address}: BAR{bar.Index} at 0x{bar.Address:x} is not aligned to its size 0x{bar.Size:x}");
            }

            int at = PciConfigSpace.Bar0Offset + (4 * bar.Index);
            config.SetU32(at, config.ReadU32(at) | (uint)bar.Address);
            if (bar.Kind == PciBarKind.Memory64)
            {
                config.SetU32(at + 4, (uint)(bar.Address >> 32));
            }
        }

        if (expressType is { } type)
        {
            // PCI Express capability, version 2 (PCI_EXP_FLAGS at +2, LNKCAP at +0x0c, LNKSTA at +0x12; 0x3c bytes).
            var body = new byte[0x3c - 2];
            body[0] = (byte)(0x2 | (type << 4));
            if (type != ExpressRootComplexIntegratedEndpoint)
            {
                uint link = (uint)(linkSpeed & 0xf) | ((uint)(linkWidth & 0x3f) << 4);
                BitConverter.TryWriteBytes(body.AsSpan(0x0c - 2), link);
                BitConverter.TryWriteBytes(body.AsSpan(0x12 - 2), (ushort)link);
            }

            config.AddCapability(0x10, body);
        }

        _config = config.ToArray();
    }

    /// <summary>The address, e.g. <c>0000:00:02.0</c>.</summary>
    public string Address { get; }

    /// <summary>Its sysfs path, e.g. <c>/sys/devices/pci0000:00/0000:00:02.0</c>.</summary>
    public string SysfsPath { get; }

    /// <summary>The root bus device's path, e.g. <c>/sys/devices/pci0000:00</c>.</summary>
    public string RootPath => SysfsPath[..SysfsPath.LastIndexOf('/')];

    /// <summary>Its ids, class and config size.</summary>
    public PciHeader Header { get; }

    /// <summary>Its BARs.</summary>
    public IReadOnlyList<PciHostBar> Bars { get; }

    /// <summary>Its PCI Express type, or null for conventional PCI.</summary>
    public byte? ExpressType { get; }

    /// <summary>The legacy interrupt line the <c>irq</c> file reads.</summary>
    public int Irq { get; init; }

    /// <summary>The NUMA node (<c>numa_node</c>); -1 for none.</summary>
    public int NumaNode { get; init; } = -1;

    /// <summary>The width of the streaming and coherent DMA masks the driver set (<c>dma_mask_bits</c>, <c>consistent_dma_mask_bits</c>).</summary>
    public int DmaMaskBits { get; init; } = 64;

    /// <summary>The number of CPUs (<c>nr_cpu_ids</c>), all local to the function: <c>local_cpus</c>, <c>local_cpulist</c>.</summary>
    public int CpuCount { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Whether this is the boot VGA device (<c>boot_vga</c> reads 1): only a VGA function (class 0x0300xx) has the file.
    /// </summary>
    public bool BootVga { get; init; }

    /// <summary>The config-space bytes as the <c>config</c> file reads them.</summary>
    public ReadOnlySpan<byte> Config => _config;

    /// <summary><c>MODALIAS</c> and the <c>modalias</c> file: <c>pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X</c>.</summary>
    public string Modalias => string.Create(CultureInfo.InvariantCulture,
        $"pci:v{Header.VendorId:X8}d{Header.DeviceId:X8}sv{Header.SubsystemVendorId:X8}sd{Header.SubsystemId:X8}bc{(byte)(Header.ClassCode >> 16):X2}sc{(byte)(Header.ClassCode >> 8):X2}i{(byte)Header.ClassCode:X2}");

    /// <summary>
    /// Adds the function to <paramref name="core"/> on bus <c>pci</c> bound to <paramref name="driver"/>, after its root
    /// bus device when that is missing.
    /// </summary>
    /// <param name="core">The core.</param>
    /// <param name="driver">The bound driver (<c>i915</c>, <c>nvidia</c>).</param>
    /// <returns>The device.</returns>
    /// <exception cref="MdevException">The core's errno (<c>EEXIST</c> when the address is taken). The root device stays once added, as in the kernel.</exception>
    public Device AddTo(MdevCore core, string driver)
    {
        ArgumentNullException.ThrowIfNull(core);
        if (core.FindTreeDevice(RootPath) is null && !core.Sysfs.Exists(RootPath))
        {
            try
            {
                core.AddDevice(RootPath);
            }
            catch (MdevException ex) when (ex.Errno == Errno.EEXIST)
            {
                // Another function added it meanwhile.
            }
        }

        return core.AddDevice(SysfsPath, CreateKind(), "pci", driver);
    }

    /// <summary>The bus's attributes and <c>pci_uevent</c> (no <c>DEVTYPE</c>: <c>pci_dev_type</c> has no name).</summary>
    /// <returns>The kind.</returns>
    public DeviceKind CreateKind() => new(null, [new AttributeGroup<Device>(null, Attributes())], _ => UeventVariables());

    /// <summary><c>pci_uevent</c> (pci-driver.c): PCI_CLASS, PCI_ID, PCI_SUBSYS_ID, PCI_SLOT_NAME, MODALIAS.</summary>
    /// <returns>The variables in the kernel's order.</returns>
    public IReadOnlyList<KeyValuePair<string, string>> UeventVariables() =>
    [
        new("PCI_CLASS", Header.ClassCode.ToString("X4", CultureInfo.InvariantCulture)),
        new("PCI_ID", string.Create(CultureInfo.InvariantCulture, $"{Header.VendorId:X4}:{Header.DeviceId:X4}")),
        new("PCI_SUBSYS_ID", string.Create(CultureInfo.InvariantCulture, $"{Header.SubsystemVendorId:X4}:{Header.SubsystemId:X4}")),
        new("PCI_SLOT_NAME", Address),
        new("MODALIAS", Modalias),
    ];

    /// <summary>The <c>resource</c> file: one <c>0x%016llx 0x%016llx 0x%016llx</c> line (start, end, flags) per resource.</summary>
    /// <returns>The text.</returns>
    public string ResourceText()
    {
        var text = new StringBuilder();
        for (int i = 0; i < ResourceLines; i++)
        {
            var bar = Bars.FirstOrDefault(b => b.Index == i);
            ulong start = 0, end = 0, flags = 0;
            if (bar is not null)
            {
                start = bar.Address;
                end = bar.Address + bar.Size - 1;

                // IORESOURCE_IO 0x100 / MEM 0x200, PREFETCH 0x2000, SIZEALIGN 0x40000, MEM_64 0x100000, and the BAR's
                // own low bits (PCI_BASE_ADDRESS_SPACE_IO 0x1, MEM_TYPE_64 0x4, MEM_PREFETCH 0x8).
                flags = bar.Kind switch
                {
                    PciBarKind.Io => 0x40101UL,
                    PciBarKind.Memory32 => 0x40200UL | (bar.Prefetchable ? 0x2008UL : 0),
                    _ => 0x140204UL | (bar.Prefetchable ? 0x2008UL : 0),
                };
            }

            text.Append(CultureInfo.InvariantCulture, $"0x{start:x16} 0x{end:x16} 0x{flags:x16}\n");
        }

        return text.ToString();
    }

    /// <summary><c>%*pb</c> of a mask of <see cref="CpuCount"/> set bits: 32-bit hex chunks, most significant first, comma-separated.</summary>
    internal static string CpuMask(int cpus)
    {
        var chunks = new List<string>();
        for (int low = 0; low < cpus; low += 32)
        {
            int bits = Math.Min(32, cpus - low);
            uint value = bits == 32 ? uint.MaxValue : (1u << bits) - 1;
            chunks.Add(value.ToString(low + 32 >= cpus ? "x" + ((bits + 3) / 4) : "x8", CultureInfo.InvariantCulture));
        }

        chunks.Reverse();
        return string.Join(',', chunks);
    }

    private static string Hex(uint value, int digits) => "0x" + value.ToString("x" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "\n";

    private static string Flag(bool value) => value ? "1\n" : "0\n";

    private static bool ParseFlag(string text, string what)
    {
        return KernelText.ParseUnsignedLong(text, out var value) == 0
            ? value != 0
            : throw new MdevException(Errno.EINVAL, $"{what}: '{text.TrimEnd('\n')}' is not a number");
    }

    /// <summary><c>pci_speed_string</c> of a link speed code (LNKCAP's or LNKSTA's low 4 bits), without LNKCAP2.</summary>
    private static string SpeedText(int code) => code switch
    {
        1 => "2.5 GT/s PCIe",
        2 => "5.0 GT/s PCIe",
        3 => "8.0 GT/s PCIe",
        4 => "16.0 GT/s PCIe",
        5 => "32.0 GT/s PCIe",
        _ => "Unknown",
    };

    private List<MdevAttribute<Device>> Attributes()
    {
        var attributes = CoreAttributes();
        if (Header.ClassCode >> 8 == 0x0300)
        {
            // pci_dev_attrs_are_visible: boot_vga only on VGA functions.
            attributes.Add(MdevAttribute<Device>.ReadOnly("boot_vga", _ => Flag(BootVga)));
        }

        if (ExpressType is not null)
        {
            // pcie_dev_attrs (pci-sysfs.c): from LNKCAP and LNKSTA of the PCI Express capability at 0x40.
            uint lnkcap = BitConverter.ToUInt32(_config, 0x40 + 0x0c);
            ushort lnksta = BitConverter.ToUInt16(_config, 0x40 + 0x12);
            attributes.Add(MdevAttribute<Device>.ReadOnly("current_link_speed", _ => SpeedText(lnksta & 0xf) + "\n"));
            attributes.Add(MdevAttribute<Device>.ReadOnly("current_link_width", _ => ((lnksta >> 4) & 0x3f).ToString(CultureInfo.InvariantCulture) + "\n"));
            attributes.Add(MdevAttribute<Device>.ReadOnly("max_link_speed", _ => SpeedText((int)(lnkcap & 0xf)) + "\n"));
            attributes.Add(MdevAttribute<Device>.ReadOnly("max_link_width", _ => ((lnkcap >> 4) & 0x3f).ToString(CultureInfo.InvariantCulture) + "\n"));
        }

        return attributes;
    }

    private List<MdevAttribute<Device>> CoreAttributes() =>
    [
        MdevAttribute<Device>.ReadOnly("power_state", _ => "D0\n"),
        MdevAttribute<Device>.ReadOnly("resource", _ => ResourceText()),
        MdevAttribute<Device>.ReadOnly("vendor", _ => Hex(Header.VendorId, 4)),
        MdevAttribute<Device>.ReadOnly("device", _ => Hex(Header.DeviceId, 4)),
        MdevAttribute<Device>.ReadOnly("subsystem_vendor", _ => Hex(Header.SubsystemVendorId, 4)),
        MdevAttribute<Device>.ReadOnly("subsystem_device", _ => Hex(Header.SubsystemId, 4)),
        MdevAttribute<Device>.ReadOnly("revision", _ => Hex(Header.Revision, 2)),
        MdevAttribute<Device>.ReadOnly("class", _ => Hex(Header.ClassCode, 6)),
        MdevAttribute<Device>.ReadOnly("irq", _ => Irq.ToString(CultureInfo.InvariantCulture) + "\n"),
        MdevAttribute<Device>.ReadOnly("local_cpus", _ => CpuMask(CpuCount) + "\n"),
        MdevAttribute<Device>.ReadOnly("local_cpulist", _ => (CpuCount == 1 ? "0" : "0-" + (CpuCount - 1).ToString(CultureInfo.InvariantCulture)) + "\n"),
        MdevAttribute<Device>.ReadOnly("modalias", _ => Modalias + "\n"),
        MdevAttribute<Device>.ReadOnly("numa_node", _ => NumaNode.ToString(CultureInfo.InvariantCulture) + "\n"),
        MdevAttribute<Device>.ReadOnly("dma_mask_bits", _ => DmaMaskBits.ToString(CultureInfo.InvariantCulture) + "\n"),
        MdevAttribute<Device>.ReadOnly("consistent_dma_mask_bits", _ => DmaMaskBits.ToString(CultureInfo.InvariantCulture) + "\n"),
        MdevAttribute<Device>.ReadOnly("enable", _ => "1\n"),
        MdevAttribute<Device>.ReadWrite("broken_parity_status", _ => Flag(Read(ref _brokenParity)), (_, text) => Write(ref _brokenParity, ParseFlag(text, "broken_parity_status"))),
        MdevAttribute<Device>.ReadWrite("msi_bus", _ => Flag(Read(ref _msiBus)), (_, text) => Write(ref _msiBus, ParseFlag(text, "msi_bus"))),
        MdevAttribute<Device>.ReadWrite("d3cold_allowed", _ => Flag(Read(ref _d3ColdAllowed)), (_, text) => Write(ref _d3ColdAllowed, ParseFlag(text, "d3cold_allowed"))),
        MdevAttribute<Device>.ReadOnly("ari_enabled", _ => "0\n"),
        MdevAttribute<Device>.ReadWrite("driver_override", _ => DriverOverrideShow(), (_, text) => DriverOverrideStore(text)),
        MdevAttribute<Device>.Binary("config", Mdev.Core.Sysfs.SysfsModes.ReadWrite, _config.Length, _ => Encoding.Latin1.GetString(_config), (_, _) => throw new MdevException(Errno.EPERM, $"PCI {Address}: writes to the host function's config space are not simulated")),
    ];

    private bool Read(ref bool field)
    {
        lock (_lock)
        {
            return field;
        }
    }

    private void Write(ref bool field, bool value)
    {
        lock (_lock)
        {
            field = value;
        }
    }

    /// <summary><c>driver_override_show</c>: <c>"%s\n"</c> of the string, which prints <c>(null)</c> when none is set.</summary>
    private string DriverOverrideShow()
    {
        lock (_lock)
        {
            return (_driverOverride ?? "(null)") + "\n";
        }
    }

    /// <summary>
    /// <c>driver_set_override</c> (drivers/base/driver.c): <c>EINVAL</c> from PAGE_SIZE - 1 bytes on; the text up to the
    /// first newline; empty clears the override.
    /// </summary>
    private void DriverOverrideStore(string text)
    {
        if (text.Length >= 4096 - 1)
        {
            throw new MdevException(Errno.EINVAL, $"PCI {Address}: driver_override of {text.Length} bytes is too long");
        }

        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        var value = newline < 0 ? text : text[..newline];
        lock (_lock)
        {
            _driverOverride = value.Length == 0 ? null : value;
        }
    }
}
