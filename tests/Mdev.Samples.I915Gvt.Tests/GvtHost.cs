using System.Globalization;
using Mdev.Core;
using Mdev.Testing;

namespace Mdev.Samples.I915Gvt.Tests;

/// <summary>Stands up a host with one GVT-g iGPU and reads its sysfs the way mdevctl does.</summary>
internal static class GvtHost
{
    public const string IgpuPath = "/sys/devices/pci0000:00/0000:00:02.0";
    public const string V8 = "i915-GVTg_V5_8";
    public const string V4 = "i915-GVTg_V5_4";
    public const string V2 = "i915-GVTg_V5_2";

    public static MdevTestHost Create(GvtOptions? options = null) =>
        MdevTestHost.Create((core, vfio) => I915Gvt.Register(core, vfio, options));

    public static string TypeDir(MdevTestHost host, string type) => host.Parent.FindType(type)!.SysfsPath;

    /// <summary>Every type's available_instances as sysfs shows it, by type name.</summary>
    public static Dictionary<string, int> Available(MdevTestHost host) =>
        host.Parent.Types.ToDictionary(
            t => t.Name,
            t => int.Parse(host.Core.Sysfs.Read(t.SysfsPath + "/available_instances").TrimEnd('\n'), CultureInfo.InvariantCulture));

    /// <summary>Writes a new UUID to a type's create file; returns the errno or null on success.</summary>
    public static Errno? TryCreate(MdevTestHost host, string type)
    {
        try
        {
            host.Core.Sysfs.Write(TypeDir(host, type) + "/create", Guid.NewGuid().ToString("D") + "\n");
            return null;
        }
        catch (MdevException ex)
        {
            return ex.Errno;
        }
    }

    public static void Remove(MdevTestHost host, MdevDevice mdev) =>
        host.Core.Sysfs.Write($"/sys/bus/mdev/devices/{mdev.Name}/remove", "1\n");
}
