using Mdev.Core;

namespace Mdev.Benchmarks;

/// <summary>Builds one core with the bench vendor registered on <c>/sys/devices/virtual/bench/bench</c> (class <c>bench</c>).</summary>
internal static class BenchSetup
{
    public const string DevicePath = "/sys/devices/virtual/bench/bench";

    /// <summary>The type directory's name: the device's driver string (its class, <c>bench</c>) + <c>-</c> + the type id.</summary>
    public const string TypeName = "bench-1";

    public static (MdevCore Core, BenchParentOps Ops, MdevType Type) Create()
    {
        var core = new MdevCore();
        var ops = new BenchParentOps();
        var device = core.AddDevice(DevicePath, deviceClass: "bench");
        var parent = core.RegisterParent(device, ops);
        var type = parent.FindType(TypeName) ?? throw new InvalidOperationException($"type {TypeName} was not registered");
        return (core, ops, type);
    }
}
