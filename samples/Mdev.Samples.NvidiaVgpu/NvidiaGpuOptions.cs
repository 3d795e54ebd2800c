namespace Mdev.Samples.NvidiaVgpu;

/// <summary>The physical GPU an <see cref="NvidiaVgpu"/> parent stands for; a host file can describe it.</summary>
public sealed record NvidiaGpuOptions
{
    /// <summary>The board: <c>M60</c> (default; one 8 GiB GPU of a Tesla M60), <c>P40</c>, <c>P4</c>, <c>RTX6000</c> or <c>V100</c>.</summary>
    public string Board { get; init; } = "M60";

    /// <summary>The GPU's PCI address (<c>domain:bus:device.function</c>); the parent sits at <c>/sys/devices/pci&lt;domain&gt;:00/&lt;address&gt;</c>.</summary>
    public string PciAddress { get; init; } = "0000:3e:00.0";
}
