namespace Mdev.Control;

/// <summary>What <c>start-parent-mdevs</c> did: mdevctl only logs a per-device failure and goes on with the next definition.</summary>
/// <param name="Started">The auto-start definitions that were started, in order.</param>
/// <param name="Failed">The auto-start definitions that failed, each with its error (also logged as a warning).</param>
public sealed record MdevParentStartResult(IReadOnlyList<Guid> Started, IReadOnlyList<MdevctlException> Failed);
