namespace Mdev.Samples.VfioCcw;

/// <summary>
/// Interruption-response blocks (96 bytes: SCSW 12, ESW 20, ECW 32, EMW 32) the emulated channel subsystem stores for
/// the functions it completes. Only the SCSW is filled; extended status is zero (no concurrent sense, no logout).
/// </summary>
internal static class Irb
{
    /// <summary>The size of an IRB.</summary>
    public const int Size = 96;

    /// <summary>A start function that ended: primary and secondary status, alert status on any error.</summary>
    /// <param name="orb">The ORB that started it.</param>
    /// <param name="lastCcw">The address of the last CCW executed.</param>
    /// <param name="deviceStatus">The device status.</param>
    /// <param name="subchannelStatus">The subchannel status.</param>
    /// <param name="residual">The residual count of the last CCW.</param>
    /// <returns>The IRB.</returns>
    public static byte[] StartCompleted(Orb orb, uint lastCcw, byte deviceStatus, byte subchannelStatus, ushort residual)
    {
        bool alert = subchannelStatus != 0 || (deviceStatus & Scsw.DevStatUnitCheck) != 0;
        uint stctl = Scsw.StctlPrimary | Scsw.StctlSecondary | Scsw.StctlPending | (alert ? Scsw.StctlAlert : 0);
        var irb = new byte[Size];
        Scsw.Write(irb, (orb.Flags & Scsw.OrbBits) | Scsw.FctlStart | stctl, lastCcw + Ccw1.Size, deviceStatus, subchannelStatus, residual);
        return irb;
    }

    /// <summary>A halt function performed on an idle subchannel: status pending alone.</summary>
    /// <returns>The IRB.</returns>
    public static byte[] Halted()
    {
        var irb = new byte[Size];
        Scsw.Write(irb, Scsw.FctlHalt | Scsw.StctlPending, 0, 0, 0, 0);
        return irb;
    }

    /// <summary>A clear function: status pending alone, everything else cleared.</summary>
    /// <returns>The IRB.</returns>
    public static byte[] Cleared()
    {
        var irb = new byte[Size];
        Scsw.Write(irb, Scsw.FctlClear | Scsw.StctlPending, 0, 0, 0, 0);
        return irb;
    }
}
