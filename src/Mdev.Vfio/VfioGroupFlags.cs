namespace Mdev.Vfio;

/// <summary><c>vfio_group_status.flags</c>.</summary>
[Flags]
public enum VfioGroupFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary><c>VFIO_GROUP_FLAGS_VIABLE</c>: every device of the group is bound to a VFIO driver.</summary>
    Viable = 1 << 0,
    /// <summary><c>VFIO_GROUP_FLAGS_CONTAINER_SET</c>.</summary>
    ContainerSet = 1 << 1,
}
