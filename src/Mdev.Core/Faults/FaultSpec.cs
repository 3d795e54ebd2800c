namespace Mdev.Core;

/// <summary>
/// What to make fail (<see cref="Point"/>, narrowed by <see cref="Parent"/>, <see cref="Type"/>, <see cref="Device"/>,
/// <see cref="Attribute"/>), with which errno, and how many times. Armed with <see cref="FaultRegistry.Arm"/>.
/// </summary>
/// <param name="Point">The step that fails.</param>
/// <param name="Errno">The errno the step fails with.</param>
public sealed record FaultSpec(FaultPoint Point, Errno Errno)
{
    private static readonly string[] PointNames =
        ["create", "remove", "attribute-store", "group-open", "device-open", "region-read", "region-write", "set-irqs", "migration-state"];

    /// <summary>How many matching attempts fail before the fault disarms itself; null to fail until cleared. Default 1 (once).</summary>
    public int? Times { get; init; } = 1;

    /// <summary>Only on this parent (device name, e.g. <c>0000:3e:00.0</c>); null for any.</summary>
    public string? Parent { get; init; }

    /// <summary>Only on this type: its directory name (<c>nvidia-35</c>) or its id (<c>35</c>); null for any.</summary>
    public string? Type { get; init; }

    /// <summary>Only on this mdev device (lower-case UUID); null for any. For <see cref="FaultPoint.AttributeStore"/> it may also name any directory on the attribute's path.</summary>
    public string? Device { get; init; }

    /// <summary>For <see cref="FaultPoint.AttributeStore"/>: the attribute's file name (<c>assign_domain</c>); required there, refused elsewhere.</summary>
    public string? Attribute { get; init; }

    /// <summary>The text name of a fault point (<c>create</c>, <c>attribute-store</c>, ...).</summary>
    /// <param name="point">The point.</param>
    /// <returns>Its name.</returns>
    public static string PointName(FaultPoint point) => PointNames[(int)point];

    /// <summary>Every fault point's text name, in enum order.</summary>
    public static IReadOnlyList<string> PointNameList => PointNames;

    /// <summary>Parses a fault point's text name.</summary>
    /// <param name="name">E.g. <c>create</c>.</param>
    /// <returns>The point.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> naming the unknown point and the known ones.</exception>
    public static FaultPoint ParsePoint(string? name)
    {
        int i = name is null ? -1 : Array.IndexOf(PointNames, name);
        return i >= 0
            ? (FaultPoint)i
            : throw new MdevException(Errno.EINVAL, $"fault: unknown point '{name}' (known: {string.Join(", ", PointNames)})");
    }

    /// <summary>Parses an errno name as the kernel headers spell it (<c>ENOSPC</c>).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The errno.</returns>
    /// <exception cref="MdevException"><c>EINVAL</c> naming the unknown errno.</exception>
    public static Errno ParseErrno(string? name)
    {
        // Names only: Enum.TryParse would also take "28" or "ENOSPC, EIO".
        if (name is { Length: > 1 } && name[0] == 'E' && name.All(char.IsAsciiLetterOrDigit)
            && Enum.TryParse<Errno>(name, ignoreCase: false, out var errno) && Enum.IsDefined(errno))
        {
            return errno;
        }

        throw new MdevException(Errno.EINVAL, $"fault: unknown errno name '{name}' (known: {string.Join(", ", Enum.GetNames<Errno>())})");
    }

    /// <summary>Checks the combination of fields.</summary>
    /// <exception cref="MdevException"><c>EINVAL</c> naming what is wrong.</exception>
    internal void Validate()
    {
        if (!Enum.IsDefined(Point))
        {
            throw new MdevException(Errno.EINVAL, $"fault: unknown point {(int)Point}");
        }

        if (!Enum.IsDefined(Errno))
        {
            throw new MdevException(Errno.EINVAL, $"fault at {PointName(Point)}: unknown errno {(int)Errno}");
        }

        if (Times is < 1)
        {
            throw new MdevException(Errno.EINVAL, $"fault at {PointName(Point)}: times must be at least 1 (null for until cleared), not {Times}");
        }

        if (Point == FaultPoint.AttributeStore && string.IsNullOrEmpty(Attribute))
        {
            throw new MdevException(Errno.EINVAL, "fault at attribute-store: the attribute name is required");
        }

        if (Point != FaultPoint.AttributeStore && Attribute is not null)
        {
            throw new MdevException(Errno.EINVAL, $"fault at {PointName(Point)}: an attribute name only goes with attribute-store");
        }
    }

    /// <summary>True when <paramref name="site"/> is one this spec narrows to.</summary>
    internal bool Matches(in FaultSite site)
    {
        if (Parent is not null && Parent != site.Parent && !(site.Path?.Contains("/" + Parent + "/", StringComparison.Ordinal) ?? false))
        {
            return false;
        }

        if (Type is not null && Type != site.TypeName && Type != site.TypeId && !(site.Path?.Contains("/" + Type + "/", StringComparison.Ordinal) ?? false))
        {
            return false;
        }

        if (Device is not null && Device != site.Device && !(site.Path?.Contains("/" + Device + "/", StringComparison.Ordinal) ?? false))
        {
            return false;
        }

        return Attribute is null || Attribute == site.Attribute;
    }
}
