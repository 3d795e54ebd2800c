using System.Globalization;
using Mdev.Core;
using Mdev.Testing;

namespace Mdev.Samples.NvidiaVgpu.Tests;

/// <summary>Stands up a host with one NVIDIA GPU and reads its sysfs the way mdevctl does.</summary>
internal static class NvidiaHost
{
    public const string M60Path = "/sys/devices/pci0000:00/0000:3e:00.0";

    public static MdevTestHost Create(NvidiaGpuOptions? options = null) =>
        MdevTestHost.Create((core, vfio) => NvidiaVgpu.Register(core, vfio, options));

    public static string TypeDir(MdevTestHost host, string type) => host.Parent.FindType(type)!.SysfsPath;

    public static int Available(MdevTestHost host, string type) =>
        int.Parse(host.Core.Sysfs.Read(TypeDir(host, type) + "/available_instances").TrimEnd('\n'), CultureInfo.InvariantCulture);

    /// <summary>Every type's available_instances, by type name.</summary>
    public static Dictionary<string, int> AllAvailable(MdevTestHost host) =>
        host.Parent.Types.ToDictionary(t => t.Name, t => Available(host, t.Name));

    /// <summary>Writes a UUID to a type's create file; returns the errno or null on success.</summary>
    public static Errno? TryCreate(MdevTestHost host, string type, Guid uuid)
    {
        try
        {
            host.Core.Sysfs.Write(TypeDir(host, type) + "/create", uuid.ToString("D") + "\n");
            return null;
        }
        catch (MdevException ex)
        {
            return ex.Errno;
        }
    }
}
