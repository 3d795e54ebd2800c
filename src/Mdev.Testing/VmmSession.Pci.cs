using Mdev.Core;
using Mdev.Vfio;
using Mdev.Vfio.Pci;

namespace Mdev.Testing;

/// <content>The PCI helpers a device author wants: BAR sizing, the whole config space, "no interrupt within T".</content>
public sealed partial class VmmSession
{
    /// <summary>
    /// Sizes BAR <paramref name="bar"/> as a guest's PCI core does: saves it, writes all ones (to both halves of a 64-bit
    /// BAR), reads the size mask back, and restores the saved value.
    /// </summary>
    /// <param name="bar">0..5.</param>
    /// <returns>The BAR's kind and size; size 0 for an unimplemented BAR (which reads 0 after the write).</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> for a BAR number past 5.</exception>
    public (PciBarKind Kind, ulong Size) SizeBar(int bar)
    {
        if (bar is < 0 or > 5)
        {
            throw new MdevException(Errno.EINVAL, $"BAR{bar}: a type-0 header has BAR0..BAR5");
        }

        int at = PciConfigSpace.Bar0Offset + (4 * bar);
        uint low = ReadConfig32(at);
        var kind = (low & 1) != 0 ? PciBarKind.Io : (low & 0x6) == 0x4 ? PciBarKind.Memory64 : PciBarKind.Memory32;
        bool wide = kind == PciBarKind.Memory64 && bar < 5;
        uint high = wide ? ReadConfig32(at + 4) : 0;
        WriteConfig32(at, 0xFFFF_FFFF);
        if (wide)
        {
            WriteConfig32(at + 4, 0xFFFF_FFFF);
        }

        ulong sized = ReadConfig32(at) & (kind == PciBarKind.Io ? 0xFFFF_FFFCu : 0xFFFF_FFF0u);
        if (wide)
        {
            sized |= (ulong)ReadConfig32(at + 4) << 32;
        }

        WriteConfig32(at, low);
        if (wide)
        {
            WriteConfig32(at + 4, high);
        }

        // Linux's pci_size: the lowest address bit that stuck is the size (an I/O BAR's upper 16 bits may read 0).
        return (kind, sized & (~sized + 1));
    }

    /// <summary>Reads the whole config region (its size from GET_REGION_INFO).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ReadConfigSpace()
    {
        var info = Regions.Count > (int)VfioPciRegion.Config ? Regions[(int)VfioPciRegion.Config] : null;
        var bytes = new byte[info?.Size ?? throw new MdevException(Errno.EINVAL, "config space: the device has no config region")];
        int n = Device.Read(bytes, (long)info.Offset);
        return n == bytes.Length ? bytes : throw new MdevException(Errno.EIO, $"config space: short read of {n} of {bytes.Length} bytes");
    }

    /// <summary>Throws <see cref="ContractViolationException"/> when <paramref name="eventFd"/> is signalled within <paramref name="within"/> (or was already).</summary>
    /// <param name="eventFd">The interrupt's eventfd.</param>
    /// <param name="within">How long to watch.</param>
    /// <returns>A task that completes when the time is up with no interrupt.</returns>
    public static async Task ExpectNoIrqAsync(EventFd eventFd, TimeSpan within)
    {
        ArgumentNullException.ThrowIfNull(eventFd);
        using var cts = new CancellationTokenSource(within);
        ulong count;
        try
        {
            count = await eventFd.ReadAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return;
        }

        Check.Fail($"an interrupt came within {within} (counter {count}) where none was expected");
    }
}
