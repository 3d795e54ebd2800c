using Mdev.Core;
using Mdev.Core.Sysfs;
using Microsoft.Extensions.Time.Testing;

namespace Mdev.Core.Tests.Support;

/// <summary>A core with one mtty-like parent at /sys/devices/virtual/mtty/mtty and its mdev bus driver "mtty".</summary>
internal sealed class Host : IAsyncDisposable
{
    public const string ParentPath = "/sys/devices/virtual/mtty/mtty";
    public const string Type1 = ParentPath + "/mdev_supported_types/mtty-1";
    public const string Type2 = ParentPath + "/mdev_supported_types/mtty-2";
    public const string Uuid = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";

    public Host(TestVendor? vendor = null, bool withDriver = true, RemovePolicy policy = RemovePolicy.Modern)
    {
        Time = new FakeTimeProvider();
        Core = new MdevCore(new MdevCoreOptions { RemovePolicy = policy, TimeProvider = Time });
        Vendor = vendor ?? new TestVendor();
        Driver = new TestDriver();
        if (withDriver)
        {
            Core.RegisterDriver(Driver);
        }

        Device = Core.AddDevice(ParentPath, deviceClass: "mtty");
        Parent = Core.RegisterParent(Device, Vendor);
    }

    public FakeTimeProvider Time { get; }

    public MdevCore Core { get; }

    public SysfsTree Sysfs => Core.Sysfs;

    public TestVendor Vendor { get; }

    public TestDriver Driver { get; }

    public Device Device { get; }

    public MdevParent Parent { get; }

    public MdevType T1 => Parent.Types[0];

    public MdevType T2 => Parent.Types[1];

    public static string DevicePath(string uuid) => ParentPath + "/" + uuid;

    public string Available(string typePath) => Sysfs.Read(typePath + "/available_instances");

    public ValueTask DisposeAsync() => Core.DisposeAsync();
}
