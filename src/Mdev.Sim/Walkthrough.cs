using System.Globalization;
using Mdev.Core;
using Mdev.Core.Sysfs;
using Mdev.Samples.Mtty;
using Mdev.Vfio;

namespace Mdev.Samples.Host;

/// <summary>
/// The main sample: a simulated host with the kernel's mtty driver, driven exactly as a user and a VMM drive a real
/// one — the types table, creating a device through sysfs, opening it through VFIO, sizing and programming BAR0,
/// an INTx eventfd, "hello" through the UART with its interrupts counted, a migration to a second device, removal.
/// </summary>
internal static class Walkthrough
{
    private const string Types = "/sys/class/mdev_bus/mtty/mdev_supported_types";
    private const string Source = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";
    private const string Destination = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1002";
    private const long Bar0 = 0L << 40;
    private const long Config = 7L << 40;

    // 16550 registers of port 0 (BAR0 offsets) and bits the session uses.
    private const int Rx = 0, Ier = 1, Fcr = 2, Iir = 2, Lcr = 3, Lsr = 5, Scr = 7;

    public static async Task RunAsync(TextWriter o)
    {
        await using var core = new MdevCore();
        var vfio = new VfioModule(core);
        Mtty.Mtty.Register(core, vfio);
        ISysfs sys = core.Sysfs;

        o.WriteLine("== A simulated host with the kernel's mtty sample driver");
        o.WriteLine($"/sys/class/mdev_bus/mtty -> {sys.ReadLink("/sys/class/mdev_bus/mtty")}");
        PrintTypes(o, sys);

        o.WriteLine();
        o.WriteLine($"== Create: echo {Source} > {Types}/mtty-2/create");
        sys.Write($"{Types}/mtty-2/create", Source + "\n");
        var dev = "/sys/bus/mdev/devices/" + Source;
        o.WriteLine($"{dev} -> {sys.ReadLink(dev)}");
        o.WriteLine($"  mdev_type   -> {sys.ReadLink(dev + "/mdev_type")}");
        o.WriteLine($"  driver      -> {sys.ReadLink(dev + "/driver")}");
        o.WriteLine($"  iommu_group -> {sys.ReadLink(dev + "/iommu_group")}");
        o.Write($"  vendor/sample_mdev_dev: {sys.Read(dev + "/vendor/sample_mdev_dev")}");
        PrintTypes(o, sys);

        o.WriteLine();
        o.WriteLine("== Mistakes get the kernel's errno, as the shell reports them");
        Shell(o, $"echo {Source.ToUpperInvariant()} > mtty-1/create", () => sys.Write($"{Types}/mtty-1/create", Source.ToUpperInvariant() + "\n"));
        Shell(o, "echo not-a-uuid > mtty-1/create", () => sys.Write($"{Types}/mtty-1/create", "not-a-uuid\n"));
        Shell(o, "cat mtty-1/create", () => sys.Read($"{Types}/mtty-1/create"));
        Shell(o, $"echo abc > {Source}/remove", () => sys.Write(dev + "/remove", "abc\n"));

        o.WriteLine();
        o.WriteLine("== Open it as a VMM does (VFIO container, group, device file)");
        using var vm = Vmm.Open(vfio, core, Source, o);
        var d = vm.Device;

        o.WriteLine();
        o.WriteLine("== PCI config space");
        o.WriteLine($"vendor:device = {Hex(ReadU16(d, Config + 0))}:{Hex(ReadU16(d, Config + 2))}, class 0x{ReadU8(d, Config + 0xb):x2}{ReadU8(d, Config + 0xa):x2}{ReadU8(d, Config + 9):x2}, rev {Hex(ReadU8(d, Config + 8))}");
        WriteU32(d, Config + 0x10, 0xffffffff);
        uint sizing = ReadU32(d, Config + 0x10);
        uint size = ~(sizing & ~0x3u) + 1;
        o.WriteLine($"BAR0 sizing: wrote 0xffffffff, read {Hex(sizing)} -> I/O BAR of {size} bytes");
        WriteU32(d, Config + 0x10, 0xc150);
        o.WriteLine($"BAR0 programmed: wrote 0xc150, read {Hex(ReadU32(d, Config + 0x10))}");

        o.WriteLine();
        o.WriteLine("== INTx through an eventfd, then \"hello\" through the UART's loop-back FIFO");
        using var intx = new EventFd();
        d.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, intx));
        WriteU8(d, Bar0 + Fcr, 0x07); // enable and clear the FIFOs (mtty forces the trigger level to 1)
        WriteU8(d, Bar0 + Ier, 0x01); // interrupt on received data
        var received = new System.Text.StringBuilder();
        long interrupts = 0;
        foreach (char c in "hello")
        {
            WriteU8(d, Bar0 + Rx, (byte)c);
            bool fired = intx.TryRead(out var count);
            interrupts += fired ? (long)count : 0;
            byte iir = ReadU8(d, Bar0 + Iir), lsr = ReadU8(d, Bar0 + Lsr), rx = ReadU8(d, Bar0 + Rx);
            received.Append((char)rx);
            o.WriteLine($"TX '{c}': interrupt {(fired ? "yes" : "no ")}  IIR={Hex(iir)} LSR={Hex(lsr)}  RX '{(char)rx}'  LSR now {Hex(ReadU8(d, Bar0 + Lsr))}");
            d.SetIrqs(VfioIrqSet.NoData(VfioIrqSetFlags.ActionUnmask, 0, 0, 1)); // the VMM's EOI
        }

        o.WriteLine($"received \"{received}\" with {interrupts} interrupts");

        o.WriteLine();
        o.WriteLine("== Migrate to a second device (VFIO migration v2, the state as a byte stream)");
        WriteU8(d, Bar0 + Lcr, 0x03);
        WriteU8(d, Bar0 + Scr, 0x5a);
        foreach (char c in "mdev")
        {
            WriteU8(d, Bar0 + Rx, (byte)c); // left in the FIFO
        }

        var before = Registers(d);
        sys.Write($"{Types}/mtty-2/create", Destination + "\n");
        using var target = Vmm.Open(vfio, core, Destination, null);
        o.WriteLine($"source {Source}: migration flags {d.GetMigrationFlags()}, state {d.GetMigrationState()}");
        var saving = d.SetMigrationState(VfioMigrationState.StopCopy)!;
        var resuming = target.Device.SetMigrationState(VfioMigrationState.Resuming)!;
        long bytes = await CopyAsync(saving, resuming);
        target.Device.SetMigrationState(VfioMigrationState.Running);
        d.SetMigrationState(VfioMigrationState.Stop);
        o.WriteLine($"streamed {bytes} bytes; source now {d.GetMigrationState()}, destination {target.Device.GetMigrationState()}");
        var after = Registers(target.Device);
        o.WriteLine($"source      registers {before}");
        o.WriteLine($"destination registers {after}");
        var fifo = new System.Text.StringBuilder();
        while ((ReadU8(target.Device, Bar0 + Lsr) & 0x01) != 0)
        {
            fifo.Append((char)ReadU8(target.Device, Bar0 + Rx));
        }

        o.WriteLine($"destination FIFO holds \"{fifo}\"; state identical: {(before == after && fifo.ToString() == "mdev" ? "yes" : "NO")}");

        o.WriteLine();
        o.WriteLine("== Remove both: echo 1 > .../remove");
        vm.Dispose();
        target.Dispose();
        foreach (var uuid in new[] { Source, Destination })
        {
            sys.Write($"/sys/bus/mdev/devices/{uuid}/remove", "1\n");
        }

        o.WriteLine($"/sys/bus/mdev/devices has {sys.ReadDirectory("/sys/bus/mdev/devices").Count} entries");
        PrintTypes(o, sys);
    }

    private static void Shell(TextWriter o, string command, Action action)
    {
        o.WriteLine("$ " + command);
        try
        {
            action();
            o.WriteLine("  (ok)");
        }
        catch (MdevException ex)
        {
            o.WriteLine($"  {Strerror(ex.Errno)}   [{ex.Message}]");
        }
    }

    private static string Strerror(Errno errno) => errno switch
    {
        Errno.EINVAL => "Invalid argument",
        Errno.EEXIST => "File exists",
        Errno.EACCES => "Permission denied",
        Errno.ENODEV => "No such device",
        Errno.ENOSPC => "No space left on device",
        Errno.EUSERS => "Too many users",
        _ => errno.ToString(),
    };

    private static string Registers(VfioDevice d) =>
        $"IER={Hex(ReadU8(d, Bar0 + Ier))} LCR={Hex(ReadU8(d, Bar0 + Lcr))} LSR={Hex(ReadU8(d, Bar0 + Lsr))} SCR={Hex(ReadU8(d, Bar0 + Scr))}";

    private static async Task<long> CopyAsync(VfioMigrationData from, VfioMigrationData to)
    {
        long total = 0;
        var reader = from.Reader!;
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                await to.Writer!.WriteAsync(segment);
                total += segment.Length;
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await to.Writer!.FlushAsync();
        return total;
    }

    private static void PrintTypes(TextWriter o, ISysfs sys)
    {
        o.WriteLine();
        o.WriteLine($"{"type",-8} {"name",-20} {"device_api",-11} available_instances");
        foreach (var type in sys.ReadDirectory(Types))
        {
            var dir = $"{Types}/{type.Name}";
            o.WriteLine($"{type.Name,-8} {sys.Read(dir + "/name").TrimEnd(),-20} {sys.Read(dir + "/device_api").TrimEnd(),-11} {sys.Read(dir + "/available_instances").TrimEnd()}");
        }
    }

    private static string Hex(uint v) => "0x" + v.ToString(v > 0xffff ? "x8" : v > 0xff ? "x4" : "x2", CultureInfo.InvariantCulture);

    private static byte ReadU8(VfioDevice d, long at)
    {
        Span<byte> b = stackalloc byte[1];
        d.Read(b, at);
        return b[0];
    }

    private static ushort ReadU16(VfioDevice d, long at)
    {
        Span<byte> b = stackalloc byte[2];
        d.Read(b, at);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(b);
    }

    private static uint ReadU32(VfioDevice d, long at)
    {
        Span<byte> b = stackalloc byte[4];
        d.Read(b, at);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    private static void WriteU8(VfioDevice d, long at, byte v) => d.Write([v], at);

    private static void WriteU32(VfioDevice d, long at, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        d.Write(b, at);
    }

    /// <summary>One VMM's view of a device: container, group, device file, 1 MiB of guest RAM mapped.</summary>
    private sealed class Vmm : IDisposable
    {
        private readonly VfioContainer _container;
        private readonly VfioGroup _group;
        private bool _disposed;

        private Vmm(VfioContainer container, VfioGroup group, VfioDevice device)
        {
            _container = container;
            _group = group;
            Device = device;
        }

        public VfioDevice Device { get; }

        public static Vmm Open(VfioModule vfio, MdevCore core, string uuid, TextWriter? o)
        {
            var container = vfio.OpenContainer();
            var id = int.Parse(Path.GetFileName(core.Sysfs.ReadLink($"/sys/bus/mdev/devices/{uuid}/iommu_group")), CultureInfo.InvariantCulture);
            var group = vfio.OpenGroup(id);
            o?.WriteLine($"open /dev/vfio/vfio: API version {container.GetApiVersion()}, TYPE1v2 {(container.CheckExtension(VfioExtension.Type1v2Iommu) == 1 ? "supported" : "missing")}");
            o?.WriteLine($"open /dev/vfio/{id}: status {group.GetStatus()}");
            group.SetContainer(container);
            container.SetIommu(VfioExtension.Type1v2Iommu);
            container.MapDma(0, new byte[1 << 20], DmaMapFlags.Read | DmaMapFlags.Write);
            o?.WriteLine($"SET_CONTAINER, SET_IOMMU(TYPE1v2), MAP_DMA 1 MiB at IOVA 0: status {group.GetStatus()}");
            var device = group.GetDeviceFile(uuid);
            if (o is not null)
            {
                var info = device.GetInfo();
                o.WriteLine($"GET_DEVICE_FD({uuid}): flags {info.Flags}, {info.NumRegions} regions, {info.NumIrqs} IRQ indexes");
                for (uint i = 0; i < info.NumRegions; i++)
                {
                    var r = device.GetRegionInfo(i);
                    if (r.Size > 0)
                    {
                        o.WriteLine($"  region {i}: size {Hex((uint)r.Size)} at offset 0x{r.Offset:x}, {r.Flags}");
                    }
                }

                foreach (uint i in new uint[] { 0, 1 })
                {
                    var irq = device.GetIrqInfo(i);
                    o.WriteLine($"  irq {i}: count {irq.Count}, {irq.Flags}");
                }
            }

            return new Vmm(container, group, device);
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Device.Dispose();
            _group.Dispose();
            _container.Dispose();
        }
    }
}
