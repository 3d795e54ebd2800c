using System.Globalization;
using System.Text;
using Mdev.Core;

namespace Mdev.Fuse.Tests.Support;

/// <summary>
/// A vfio_ap-shaped parent (<c>/sys/devices/vfio_ap/matrix</c>, type <c>vfio_ap-passthrough</c>) with the core's
/// instance pool (2, so the third create is <c>EUSERS</c>) and writable device attributes as mdevctl's
/// <c>--jsonfile</c> attrs write them: <c>assign_adapter</c>, <c>assign_domain</c>, <c>assign_control_domain</c>
/// (write-only, <c>kstrtoul</c> base 0) and <c>matrix</c> (read-only, one <c>apid.apqi</c> line per pair).
/// </summary>
internal sealed class MatrixVendor : ParentOps
{
    public const int Pool = 2;

    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups { get; } =
    [
        new("passthrough", "vfio-ap", "VFIO AP Passthrough Device"),
    ];

    public override IReadOnlyList<AttributeGroup<MdevDevice>> MdevAttrGroups { get; } =
    [
        new(null,
        [
            MdevAttribute<MdevDevice>.WriteOnly("assign_adapter", (d, text) => Of(d).Assign(Of(d).Adapters, text, 0xff)),
            MdevAttribute<MdevDevice>.WriteOnly("assign_domain", (d, text) => Of(d).Assign(Of(d).Domains, text, 0xffff)),
            MdevAttribute<MdevDevice>.WriteOnly("assign_control_domain", (d, text) => Of(d).Assign(Of(d).ControlDomains, text, 0xffff)),
            MdevAttribute<MdevDevice>.ReadOnly("matrix", d => Of(d).Show()),
        ]),
    ];

    public override int MaxInstances => Pool;

    public override string? DriverName => "vfio_ap_mdev";

    public override void Create(MdevDevice mdev) => mdev.DriverData = new Matrix();

    public override void Remove(MdevDevice mdev)
    {
    }

    private static Matrix Of(MdevDevice mdev) => (Matrix)mdev.DriverData!;

    private sealed class Matrix
    {
        private readonly Lock _lock = new();

        public SortedSet<ulong> Adapters { get; } = [];

        public SortedSet<ulong> Domains { get; } = [];

        public SortedSet<ulong> ControlDomains { get; } = [];

        public void Assign(SortedSet<ulong> set, string text, ulong max)
        {
            var value = ParseBase0(text.EndsWith('\n') ? text[..^1] : text)
                ?? throw new MdevException(Errno.EINVAL, $"'{text}' is not a number");
            if (value > max)
            {
                throw new MdevException(Errno.ENODEV, $"{value} is beyond {max}");
            }

            lock (_lock)
            {
                set.Add(value);
            }
        }

        public string Show()
        {
            lock (_lock)
            {
                var text = new StringBuilder();
                foreach (var a in Adapters)
                {
                    foreach (var d in Domains)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"{a:x2}.{d:x4}\n");
                    }
                }

                return text.ToString();
            }
        }

        private static ulong? ParseBase0(string s)
        {
            if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                return ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) && s.Length > 2 ? hex : null;
            }

            if (s.Length > 1 && s[0] == '0')
            {
                try
                {
                    return s.Skip(1).All(c => c is >= '0' and <= '7') ? Convert.ToUInt64(s[1..], 8) : null;
                }
                catch (OverflowException)
                {
                    return null;
                }
            }

            return ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var dec) ? dec : null;
        }
    }
}
