namespace Mdev.Core;

/// <summary>A uevent an operation has decided to send once it succeeds (failed operations send none).</summary>
internal readonly record struct PendingUevent(
    UeventAction Action,
    string DevPath,
    string Subsystem,
    string? Driver = null,
    IReadOnlyList<KeyValuePair<string, string>>? Extra = null);
