using Mdev.Core;
using Mdev.Core.Sysfs;
using Mdev.Vfio.Tests.Support;
using Xunit.Abstractions;

namespace Mdev.Vfio.Tests.Reliability;

/// <summary>
/// Fuzzers: random bytes into every writable sysfs attribute of a host with live VFIO devices, and random raw ioctls
/// (command numbers near VFIO's and random argument buffers) on the container, group and device files. Crash-free: only
/// an <see cref="MdevException"/> with an errno the kernel documents for these paths may come out. Seeded; the seed
/// is printed, <c>MDEV_FUZZ_SEED</c> replays it and <c>MDEV_FUZZ_ROUNDS</c> runs longer.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private static readonly Errno[] Documented =
    [
        Errno.EINVAL, Errno.ENOENT, Errno.ENODEV, Errno.EEXIST, Errno.EUSERS, Errno.EAGAIN, Errno.EBUSY, Errno.EACCES,
        Errno.ENOTTY, Errno.EFAULT, Errno.EPERM, Errno.ENOSPC, Errno.ERANGE, Errno.E2BIG, Errno.ENOMEM, Errno.EBADF,
        Errno.ENOTDIR, Errno.EISDIR, Errno.EOPNOTSUPP, Errno.EOVERFLOW,
    ];

    [Fact]
    public void RandomWritesToEverySysfsStore_OnlyGiveDocumentedErrnos()
    {
        var random = Seeded(out int rounds);
        var host = new VfioHost();
        host.Core.CreateMdevDevice(host.Parent.Types[0], Guid.NewGuid());
        var stores = Writable(host.Core.Sysfs, "/sys").Where(p => !p.EndsWith("/remove", StringComparison.Ordinal)).ToArray();
        stores.Should().Contain(p => p.EndsWith("/create", StringComparison.Ordinal));
        int writes = 0;
        for (int round = 0; round < rounds; round++)
        {
            foreach (var path in stores)
            {
                var data = RandomText(random);
                Attempt(() => host.Core.Sysfs.Write(path, data), $"write {path} '{Convert.ToHexString(data)}'");
                writes++;
            }
        }

        output.WriteLine($"fuzz: {writes} writes into {stores.Length} stores");
        host.Core.Devices.Count.Should().BeGreaterThan(0);
    }

    [Fact]
    public void RandomRawIoctls_OnContainerGroupAndDevice_OnlyGiveDocumentedErrnos()
    {
        var random = Seeded(out int rounds);
        var host = new VfioHost();
        using var process = host.Vfio.CreateProcess();
        int container = process.Open("/dev/vfio/vfio");
        int group = process.Open("/dev/vfio/" + host.GroupId);
        var (typed, _, _) = (process.GetFile<VfioContainer>(container), 0, 0);
        process.GetFile<VfioGroup>(group).SetContainer(typed);
        typed.SetIommu(VfioExtension.Type1v2Iommu);
        int device = (int)process.Ioctl(group, VfioIoctl.GroupGetDeviceFd, System.Text.Encoding.ASCII.GetBytes(VfioHost.Uuid + "\0"));
        int calls = 0;
        for (int round = 0; round < rounds * 200; round++)
        {
            int fd = random.Next(3) switch { 0 => container, 1 => group, _ => device };
            // VFIO's ioctls are _IO(';', 100 + n): mostly near them, sometimes anything.
            uint request = random.Next(4) == 0 ? (uint)random.Next() : (uint)((';' << 8) | (100 + random.Next(0, 30)));
            if (request == VfioIoctl.GroupUnsetContainer || request == VfioIoctl.GroupGetDeviceFd)
            {
                continue; // these change which files exist; the decoder of each is fuzzed through its arguments elsewhere
            }

            var argument = new byte[random.Next(0, 64)];
            random.NextBytes(argument);
            Attempt(() => process.Ioctl(fd, request, argument), $"ioctl fd {fd} 0x{request:x} '{Convert.ToHexString(argument)}'");
            calls++;
        }

        output.WriteLine($"fuzz: {calls} ioctls");
    }

    private Random Seeded(out int rounds)
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("MDEV_FUZZ_SEED"), out var s) ? s : Random.Shared.Next();
        rounds = int.TryParse(Environment.GetEnvironmentVariable("MDEV_FUZZ_ROUNDS"), out var r) && r > 0 ? r : 50;
        output.WriteLine($"fuzz: seed {seed} (replay with MDEV_FUZZ_SEED={seed}), {rounds} rounds");
        return new Random(seed);
    }

    private static void Attempt(Action action, string what)
    {
        try
        {
            action();
        }
        catch (MdevException ex)
        {
            Documented.Should().Contain(ex.Errno, $"{what} answered {ex.Errno} ({ex.Message})");
        }
    }

    private static byte[] RandomText(Random random)
    {
        // Mostly text a store parses (digits, hex, signs, spaces, newlines), sometimes any byte; up to 4096 bytes.
        const string Alphabet = "0123456789abcdefxX-+ \n\t,:=";
        var data = new byte[random.Next(4) == 0 ? random.Next(0, 4097) : random.Next(0, 40)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = random.Next(8) == 0 ? (byte)random.Next(256) : (byte)Alphabet[random.Next(Alphabet.Length)];
        }

        return data;
    }

    private static IEnumerable<string> Writable(SysfsTree sys, string dir)
    {
        foreach (var entry in sys.ReadDirectory(dir))
        {
            var path = dir + "/" + entry.Name;
            if (entry.Kind == SysfsNodeKind.Directory)
            {
                foreach (var p in Writable(sys, path))
                {
                    yield return p;
                }
            }
            else if (entry.Kind == SysfsNodeKind.File && (sys.Stat(path).Mode & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite)) != 0)
            {
                yield return path;
            }
        }
    }
}
