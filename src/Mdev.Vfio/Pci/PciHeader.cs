namespace Mdev.Vfio.Pci;

/// <summary>
/// The identity of a type-0 (endpoint) PCI function and the preset its config space starts from (what
/// libvfio-user's <c>vfu_pci_init</c> + <c>vfu_pci_set_id</c> + <c>vfu_pci_set_class</c> give): vendor and device id,
/// class code, revision, subsystem ids; header type 0; the command register's I/O, memory, bus-master and INTx-disable
/// bits writable (<see cref="CommandWriteMask"/>); status read-only (its capability-list bit is set by
/// <see cref="PciConfigSpace.AddCapability"/>); the interrupt line writable; the interrupt pin INTA when the device has
/// INTx, else 0. Everything else starts zero and read-only.
/// </summary>
/// <param name="VendorId">The vendor id (never 0xffff, which reads as "no device").</param>
/// <param name="DeviceId">The device id.</param>
public sealed record PciHeader(ushort VendorId, ushort DeviceId)
{
    /// <summary>Config offset of the cache line size register.</summary>
    public const int CacheLineSizeOffset = 0x0c;

    /// <summary>Config offset of the header type register.</summary>
    public const int HeaderTypeOffset = 0x0e;

    /// <summary>Config offset of the subsystem vendor id.</summary>
    public const int SubsystemVendorIdOffset = 0x2c;

    /// <summary>Config offset of the interrupt line register.</summary>
    public const int InterruptLineOffset = 0x3c;

    /// <summary>Config offset of the interrupt pin register.</summary>
    public const int InterruptPinOffset = 0x3d;

    /// <summary><c>PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE</c>.</summary>
    public const ushort DefaultCommandWriteMask = 0x0407;

    /// <summary><c>PCI_COMMAND_INTX_DISABLE</c>.</summary>
    public const ushort CommandIntxDisable = 0x0400;

    /// <summary>The 24-bit class code: base class, subclass, programming interface (e.g. 0x030000 VGA, 0xff0000 unclassified).</summary>
    public uint ClassCode { get; init; }

    /// <summary>The revision id.</summary>
    public byte Revision { get; init; }

    /// <summary>The subsystem vendor id.</summary>
    public ushort SubsystemVendorId { get; init; }

    /// <summary>The subsystem id.</summary>
    public ushort SubsystemId { get; init; }

    /// <summary>Which command register bits a guest may change.</summary>
    public ushort CommandWriteMask { get; init; } = DefaultCommandWriteMask;

    /// <summary>The config space size: 256 for conventional PCI, 4096 for PCI Express.</summary>
    public int ConfigSize { get; init; } = 256;

    /// <summary>Builds the config space this header describes.</summary>
    /// <param name="intx">Whether the function has an INTx pin (the pin register reads 1, INTA, else 0).</param>
    /// <returns>A new config space.</returns>
    public PciConfigSpace CreateConfigSpace(bool intx)
    {
        var config = new PciConfigSpace(ConfigSize);
        config.SetIds(VendorId, DeviceId, ClassCode, Revision, SubsystemVendorId, SubsystemId);
        config.SetWriteMask(PciConfigSpace.CommandOffset, [(byte)CommandWriteMask, (byte)(CommandWriteMask >> 8)]);
        config.SetWriteMask(InterruptLineOffset, [0xff]);
        config.SetU8(InterruptPinOffset, intx ? (byte)1 : (byte)0);
        return config;
    }
}
