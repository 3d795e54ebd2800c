namespace Mdev.Samples.VfioCcw;

/// <summary>What the device did with one CCW.</summary>
/// <param name="Transferred">Bytes of the CCW's count used (the residual count is the rest).</param>
/// <param name="DeviceLength">Bytes the device wanted to transfer; a difference from the count is incorrect length unless SLI.</param>
/// <param name="UnitCheck">The device presents unit check (sense data describes why).</param>
internal readonly record struct CcwDeviceResult(int Transferred, int DeviceLength, bool UnitCheck);
