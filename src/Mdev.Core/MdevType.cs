namespace Mdev.Core;

/// <summary>
/// A registered mdev type of a parent (<c>struct mdev_type</c>): the directory
/// <c>&lt;parent&gt;/mdev_supported_types/&lt;Name&gt;</c> with <c>create</c>, <c>devices/</c>, <c>name</c>,
/// <c>device_api</c>, <c>available_instances</c> and, when the vendor gives one, <c>description</c>.
/// </summary>
public sealed class MdevType
{
    private long _createAttempts;

    internal MdevType(MdevParent parent, MdevTypeGroup group)
    {
        Parent = parent;
        Group = group;
        Name = parent.Device.DriverString + "-" + group.Name;
        SysfsPath = parent.Device.SysfsPath + "/mdev_supported_types/" + Name;
    }

    /// <summary>The parent that offers this type.</summary>
    public MdevParent Parent { get; }

    /// <summary>The vendor's declaration.</summary>
    public MdevTypeGroup Group { get; }

    /// <summary>The type id without prefix (<c>sysfs_name</c>), e.g. <c>2</c>.</summary>
    public string SysfsName => Group.Name;

    /// <summary>The directory name, <c>&lt;driver string&gt;-&lt;SysfsName&gt;</c>, e.g. <c>mtty-2</c>: what mdevctl calls the type.</summary>
    public string Name { get; }

    /// <summary>What the <c>name</c> file shows: the pretty name, else <see cref="SysfsName"/>.</summary>
    public string PrettyName => Group.PrettyName ?? Group.Name;

    /// <summary>What the <c>device_api</c> file shows.</summary>
    public string DeviceApi => Group.DeviceApi;

    /// <summary>The absolute path of the type directory.</summary>
    public string SysfsPath { get; }

    /// <summary>What <c>available_instances</c> shows now: the vendor's count, else the parent's core-managed pool.</summary>
    public int AvailableInstances => Parent.Ops.GetAvailable(this) ?? Parent.PoolAvailable;

    /// <summary>The active devices of this type, in creation order.</summary>
    public IReadOnlyList<MdevDevice> Devices => Parent.DevicesOf(this);

    /// <summary>How many creates were attempted on this type (every call of <see cref="MdevCore.CreateMdevDevice"/>, failed ones included).</summary>
    public long CreateAttempts => Interlocked.Read(ref _createAttempts);

    /// <inheritdoc />
    public override string ToString() => Name;

    internal void CountCreateAttempt() => Interlocked.Increment(ref _createAttempts);
}
