namespace Mdev.Control.Internal;

/// <summary>One definition file: its parent directory's name, its UUID and its content.</summary>
internal sealed record StoredDefinition(string Parent, Guid Uuid, MdevDeviceConfig Config);
