namespace Mdev.Vfio;

/// <summary>The migration capabilities of <c>VFIO_DEVICE_FEATURE_MIGRATION</c>.</summary>
[Flags]
public enum VfioMigrationFlags : ulong
{
    /// <summary>No migration support (the migration features answer <c>ENOTTY</c>).</summary>
    None = 0,
    /// <summary><c>VFIO_MIGRATION_STOP_COPY</c>: the base arcs (STOP, RUNNING, STOP_COPY, RESUMING).</summary>
    StopCopy = 1 << 0,
    /// <summary><c>VFIO_MIGRATION_P2P</c>: RUNNING_P2P.</summary>
    P2P = 1 << 1,
    /// <summary><c>VFIO_MIGRATION_PRE_COPY</c>: PRE_COPY (and PRE_COPY_P2P with P2P).</summary>
    PreCopy = 1 << 2,
}
