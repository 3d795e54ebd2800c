namespace Mdev.Sim.Control;

/// <summary>What <c>GET /state</c> answers: the devices that can be mdev parents, and the armed faults.</summary>
/// <param name="MdevLoaded">False on a host where mdev is not loaded.</param>
/// <param name="Parents">Every device that has been an mdev parent, registered now or not (unbound).</param>
/// <param name="Faults">The armed faults.</param>
public sealed record ControlState(bool MdevLoaded, IReadOnlyList<ParentState> Parents, IReadOnlyList<FaultState> Faults);

/// <summary>One parent device in <see cref="ControlState"/>.</summary>
/// <param name="Name">The device name (<c>0000:3e:00.0</c>).</param>
/// <param name="Path">Its sysfs path.</param>
/// <param name="Bus">Its bus (<c>pci</c>), or null for a class device.</param>
/// <param name="Driver">The bound driver, or null when unbound.</param>
/// <param name="Registered">True while it is a registered mdev parent.</param>
/// <param name="Types">Its types while registered.</param>
public sealed record ParentState(string Name, string Path, string? Bus, string? Driver, bool Registered, IReadOnlyList<TypeState> Types);

/// <summary>One type in <see cref="ParentState"/>.</summary>
/// <param name="Name">The type directory name (<c>nvidia-35</c>).</param>
/// <param name="AvailableInstances">What <c>available_instances</c> shows.</param>
/// <param name="CreateAttempts">Creates attempted on it, failed ones included.</param>
/// <param name="Devices">Its active devices' UUIDs.</param>
public sealed record TypeState(string Name, int AvailableInstances, long CreateAttempts, IReadOnlyList<string> Devices);

/// <summary>One armed fault.</summary>
/// <param name="Id">Its id (<c>DELETE /faults/{id}</c>).</param>
/// <param name="Point">The step's name.</param>
/// <param name="Errno">The errno name.</param>
/// <param name="Remaining">Failures left; null until cleared.</param>
/// <param name="Hits">Failures so far.</param>
/// <param name="Parent">The parent it is narrowed to, or null.</param>
/// <param name="Type">The type it is narrowed to, or null.</param>
/// <param name="Device">The device it is narrowed to, or null.</param>
/// <param name="Attribute">The attribute, for attribute stores.</param>
public sealed record FaultState(int Id, string Point, string Errno, int? Remaining, int Hits, string? Parent, string? Type, string? Device, string? Attribute);

/// <summary>The body of every error answer: what was wrong and the errno the kernel step would have given.</summary>
/// <param name="Error">The message, naming what was wrong.</param>
/// <param name="Errno">The errno name.</param>
public sealed record ControlError(string Error, string Errno);
