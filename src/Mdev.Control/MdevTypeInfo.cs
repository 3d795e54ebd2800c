namespace Mdev.Control;

/// <summary>One mdev type of one parent, as <c>mdevctl types</c> reports it (read from <c>mdev_supported_types/&lt;type&gt;/</c>).</summary>
/// <param name="Parent">The parent's name: its entry in <c>/sys/class/mdev_bus</c> (e.g. <c>0000:00:02.0</c>, <c>matrix</c>).</param>
/// <param name="TypeId">The type directory's name (e.g. <c>i915-GVTg_V5_4</c>, <c>mtty-2</c>).</param>
/// <param name="AvailableInstances">The trimmed <c>available_instances</c>, parsed as a 32-bit integer (negative values accepted, as mdevctl).</param>
/// <param name="DeviceApi">The trimmed <c>device_api</c> (e.g. <c>vfio-pci</c>).</param>
/// <param name="Name">The trimmed <c>name</c>, or null when the file is missing or empty.</param>
/// <param name="Description">The trimmed <c>description</c> with each newline replaced by <c>", "</c>, or null when missing or empty.</param>
public sealed record MdevTypeInfo(string Parent, string TypeId, int AvailableInstances, string DeviceApi, string? Name, string? Description);
