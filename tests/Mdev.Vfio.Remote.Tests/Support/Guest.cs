using System.Diagnostics;

namespace Mdev.Vfio.Remote.Tests.Support;

/// <summary>
/// The guest the QEMU tests boot: Debian's 6.1 kernel and a busybox initramfs (<c>guest/prepare-guest.sh</c>, run once
/// and cached in <c>$MDEV_GUEST_DIR</c>, default <c>/var/cache/mdev-net-guest</c>), and the QEMU 7.2 command line of
/// qemu-vfio-contract.md §4.
/// </summary>
internal static class Guest
{
    private static readonly Lazy<string> Directory = new(Prepare);

    public static string Prepared => Directory.Value;

    public static ProcessStartInfo Qemu(string mode, IEnumerable<string> sysfsDevices)
    {
        var dir = Prepared;
        var info = new ProcessStartInfo("qemu-system-x86_64")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "-nographic", "-serial", "stdio", "-monitor", "none", "-m", "256", "-accel", "tcg", "-net", "none",
            "-kernel", Path.Join(dir, "vmlinuz"), "-initrd", Path.Join(dir, "initramfs.gz"),
            "-append", $"console=ttyS0 quiet panic=-1 8250.nr_uarts=8 mdev_test={mode}", "-no-reboot",
        ];
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        int slot = 5;
        foreach (var device in sysfsDevices)
        {
            info.ArgumentList.Add("-device");
            info.ArgumentList.Add($"vfio-pci,sysfsdev={device},addr={slot++:x2}.0");
        }

        return info;
    }

    private static string Prepare()
    {
        var dir = Environment.GetEnvironmentVariable("MDEV_GUEST_DIR") is { Length: > 0 } d ? d : "/var/cache/mdev-net-guest";
        var script = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardError = true };
        script.ArgumentList.Add(Path.Join(AppContext.BaseDirectory, "guest", "prepare-guest.sh"));
        script.ArgumentList.Add(dir);
        using var p = Process.Start(script)!;
        var errors = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"prepare-guest.sh failed ({p.ExitCode}): {errors}");
        }

        return dir;
    }
}
