namespace Mdev.Vfio;

/// <summary>
/// The kernel's migration arc table (<c>vfio_mig_get_next_state</c>): the next single arc from a state toward a target,
/// skipping states the device does not support.
/// </summary>
internal static class VfioMigrationArcs
{
    private const VfioMigrationState E = VfioMigrationState.Error;
    private const VfioMigrationState S = VfioMigrationState.Stop;
    private const VfioMigrationState R = VfioMigrationState.Running;
    private const VfioMigrationState SC = VfioMigrationState.StopCopy;
    private const VfioMigrationState RS = VfioMigrationState.Resuming;
    private const VfioMigrationState RP = VfioMigrationState.RunningP2P;
    private const VfioMigrationState PC = VfioMigrationState.PreCopy;
    private const VfioMigrationState PP = VfioMigrationState.PreCopyP2P;

    // [cur][target], states in enum order: ERROR, STOP, RUNNING, STOP_COPY, RESUMING, RUNNING_P2P, PRE_COPY, PRE_COPY_P2P.
    private static readonly VfioMigrationState[,] Table =
    {
        /* ERROR */        { E, E, E, E, E, E, E, E },
        /* STOP */         { E, S, RP, SC, RS, RP, RP, RP },
        /* RUNNING */      { E, RP, R, RP, RP, RP, PC, RP },
        /* STOP_COPY */    { E, S, S, SC, S, S, E, E },
        /* RESUMING */     { E, S, S, S, RS, S, S, S },
        /* RUNNING_P2P */  { E, S, R, S, S, RP, R, PP },
        /* PRE_COPY */     { E, R, R, PP, R, R, PC, PP },
        /* PRE_COPY_P2P */ { E, RP, RP, SC, RP, RP, PC, PP },
    };

    /// <summary>Whether a device with <paramref name="flags"/> supports <paramref name="state"/>.</summary>
    public static bool Supports(VfioMigrationFlags flags, VfioMigrationState state) => state switch
    {
        VfioMigrationState.RunningP2P => (flags & VfioMigrationFlags.P2P) != 0,
        VfioMigrationState.PreCopy => (flags & VfioMigrationFlags.PreCopy) != 0,
        VfioMigrationState.PreCopyP2P => (flags & (VfioMigrationFlags.PreCopy | VfioMigrationFlags.P2P)) == (VfioMigrationFlags.PreCopy | VfioMigrationFlags.P2P),
        VfioMigrationState.Error => false,
        _ when (uint)state <= 7 => (flags & VfioMigrationFlags.StopCopy) != 0,
        _ => false,
    };

    /// <summary>The next arc from <paramref name="current"/> toward <paramref name="target"/>; ERROR when blocked.</summary>
    public static VfioMigrationState Next(VfioMigrationFlags flags, VfioMigrationState current, VfioMigrationState target)
    {
        var next = Table[(int)current, (int)target];
        while (next != VfioMigrationState.Error && !Supports(flags, next))
        {
            next = Table[(int)next, (int)target];
        }

        return next;
    }
}
