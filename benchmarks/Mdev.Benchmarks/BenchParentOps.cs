using System.Runtime.CompilerServices;
using Mdev.Core;

namespace Mdev.Benchmarks;

/// <summary>A minimal vendor driver: one type <c>"1"</c> (<c>vfio-pci</c>), a core-managed pool of a million instances, and no-op callbacks.</summary>
/// <remarks>
/// The callbacks are <see cref="MethodImplOptions.NoInlining"/> so they stay real calls, as a vendor driver's would:
/// otherwise the JIT devirtualizes and inlines the empty bodies in the baseline, which then measures nothing (~0.3 ns,
/// BenchmarkDotNet's ZeroMeasurement warning) and turns the Ratio column into noise.
/// </remarks>
public sealed class BenchParentOps : ParentOps
{
    private static readonly MdevTypeGroup[] Groups = [new MdevTypeGroup("1", "vfio-pci")];

    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups => Groups;

    public override int MaxInstances => 1_000_000;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void Create(MdevDevice mdev)
    {
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void Remove(MdevDevice mdev)
    {
    }
}
