using Mdev.Core;
using Mdev.Core.Sysfs;
using Mdev.Samples.Host;

// mdev-sim: boots a simulated host and walks the whole mdev lifecycle through sysfs text alone,
// printing what a shell user would see (the same paths, text and errno as on a kernel).
await using var core = new MdevCore();
core.RegisterDriver(new PassThroughDriver("mtty"));
var device = core.AddDevice("/sys/devices/virtual/mtty/mtty", deviceClass: "mtty");
core.RegisterParent(device, new SerialPortVendor());
using var uevents = core.SubscribeUevents();
ISysfs sys = core.Sysfs;

const string Types = "/sys/class/mdev_bus/mtty/mdev_supported_types";
const string Uuid = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";

Console.WriteLine("# Simulated host: parents in /sys/class/mdev_bus");
foreach (var parent in sys.ReadDirectory("/sys/class/mdev_bus"))
{
    Console.WriteLine($"{parent.Name} -> {sys.ReadLink("/sys/class/mdev_bus/" + parent.Name)}");
}

PrintTypes();

Console.WriteLine();
Console.WriteLine($"$ echo {Uuid} > {Types}/mtty-2/create");
Shell(() => sys.Write($"{Types}/mtty-2/create", System.Text.Encoding.ASCII.GetBytes(Uuid + "\n")));
var dev = "/sys/bus/mdev/devices/" + Uuid;
Console.WriteLine($"$ ls {dev}");
Console.WriteLine("  " + string.Join("  ", sys.ReadDirectory(dev).Select(e => e.Name)));
Console.WriteLine($"$ readlink {dev}/mdev_type   -> {sys.ReadLink(dev + "/mdev_type")}");
Console.WriteLine($"$ realpath {dev}           -> {core.Sysfs.RealPath(dev)}");
Console.Write($"$ cat {dev}/vendor/sample_mdev_dev\n  {sys.Read(dev + "/vendor/sample_mdev_dev")}");
PrintTypes();

Console.WriteLine();
Console.WriteLine("# Mistakes get the kernel's errno");
Console.WriteLine($"$ echo {Uuid} > {Types}/mtty-1/create");
Shell(() => sys.Write($"{Types}/mtty-1/create", System.Text.Encoding.ASCII.GetBytes(Uuid + "\n")));
Console.WriteLine($"$ echo not-a-uuid > {Types}/mtty-1/create");
Shell(() => sys.Write($"{Types}/mtty-1/create", "not-a-uuid\n"u8));
Console.WriteLine($"$ cat {Types}/mtty-1/create");
Shell(() => sys.Read($"{Types}/mtty-1/create"), "cat: create");
Console.WriteLine($"$ echo abc > {dev}/remove");
Shell(() => sys.Write(dev + "/remove", "abc\n"u8));

Console.WriteLine();
Console.WriteLine($"$ echo 1 > {dev}/remove");
Shell(() => sys.Write(dev + "/remove", "1\n"u8));
Console.WriteLine($"$ ls /sys/bus/mdev/devices\n  ({sys.ReadDirectory("/sys/bus/mdev/devices").Count} entries)");
PrintTypes();

Console.WriteLine();
Console.WriteLine("# Uevents (udevadm monitor --kernel)");
while (uevents.Reader.TryRead(out var e))
{
    var driver = e["DRIVER"] is { } d ? $" DRIVER={d}" : "";
    Console.WriteLine($"{e}{driver} SEQNUM={e.SequenceNumber}");
}

void PrintTypes()
{
    Console.WriteLine();
    Console.WriteLine("# Types (mdevctl types)");
    Console.WriteLine($"{"type",-8} {"name",-20} {"device_api",-10} available_instances");
    foreach (var type in sys.ReadDirectory(Types))
    {
        var dir = $"{Types}/{type.Name}";
        Console.WriteLine($"{type.Name,-8} {sys.Read(dir + "/name").TrimEnd(),-20} {sys.Read(dir + "/device_api").TrimEnd(),-10} {sys.Read(dir + "/available_instances").TrimEnd()}");
    }
}

static void Shell(Action action, string who = "bash: write error")
{
    try
    {
        action();
    }
    catch (MdevException ex)
    {
        Console.WriteLine($"  {who}: {Strerror(ex.Errno)}   [{ex.Message}]");
    }
}

static string Strerror(Errno errno) => errno switch
{
    Errno.EINVAL => "Invalid argument",
    Errno.EEXIST => "File exists",
    Errno.EACCES => "Permission denied",
    Errno.ENODEV => "No such device",
    Errno.ENOSPC => "No space left on device",
    Errno.EUSERS => "Too many users",
    _ => errno.ToString(),
};
