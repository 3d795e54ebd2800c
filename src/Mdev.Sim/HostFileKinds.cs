using Mdev.Core;
using Mdev.Samples.I915Gvt;
using Mdev.Samples.NvidiaVgpu;
using Mdev.Samples.VfioAp;
using Mdev.Samples.VfioCcw;
using Mdev.Vfio;

namespace Mdev.Samples.Host;

/// <summary>
/// The parent kinds a host file can describe, each one of the vendor samples with its hardware parameters:
/// <c>mtty</c>; <c>i915-gvt</c> (<c>pciAddress</c>, <c>ggttMiB</c>, <c>apertureMiB</c>, <c>fences</c>,
/// <c>graphicsVersion</c>, <c>deviceId</c>); <c>nvidia</c> (<c>board</c>, <c>pciAddress</c>); <c>vfio-ccw</c>
/// (<c>subchannel</c>, <c>operational</c>); <c>vfio-ap</c> (<c>apxa</c>, <c>maxAdapterId</c>, <c>maxDomainId</c>,
/// <c>queues</c>). Every kind also takes <c>quirks</c> (<see cref="HostFileParent.GetQuirks"/>).
/// </summary>
internal static class HostFileKinds
{
    public static IReadOnlyList<string> Names { get; } = ["mtty", "i915-gvt", "nvidia", "vfio-ccw", "vfio-ap"];

    /// <summary>Registers every parent of <paramref name="host"/> on the core and its VFIO module.</summary>
    /// <exception cref="MdevException"><c>EINVAL</c> for an unknown kind or parameter, or the sample's own errno.</exception>
    public static void Apply(MdevCore core, VfioModule vfio, HostFile host)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(vfio);
        ArgumentNullException.ThrowIfNull(host);
        if (!host.MdevLoaded && host.Parents.Count > 0)
        {
            throw Invalid("host file: \"mdevLoaded\": false leaves no place for parents (the list must be empty)");
        }

        foreach (var parent in host.Parents)
        {
            Add(core, vfio, parent);
        }

        foreach (var fault in host.Faults ?? [])
        {
            core.Faults.Arm((fault ?? throw Invalid("host file: \"faults\" must be a list of objects")).ToSpec(core));
        }
    }

    /// <summary>Adds one parent described in the host-file vocabulary (also what the control API's <c>POST /parents</c> takes).</summary>
    /// <exception cref="MdevException"><c>EINVAL</c> for an unknown kind or parameter, or the sample's own errno; nothing is left behind.</exception>
    public static MdevParent Add(MdevCore core, VfioModule vfio, HostFileParent parent)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(parent);
        var quirks = parent.GetQuirks();
        var (name, register) = Describe(vfio, parent);
        if (quirks is null)
        {
            return register(core);
        }

        core.SetParentQuirks(name, quirks);
        try
        {
            return register(core);
        }
        catch
        {
            core.SetParentQuirks(name, null);
            throw;
        }
    }

    /// <summary>The parent's device name (what its quirks are keyed by) and how to register it; checks the parameters first.</summary>
    private static (string Name, Func<MdevCore, MdevParent> Register) Describe(VfioModule vfio, HostFileParent parent)
    {
        switch (parent.Kind)
        {
            case "mtty":
                Check(parent);
                return (Path.GetFileName(Mtty.Mtty.ParentPath), core => Mtty.Mtty.Register(core, vfio));
            case "i915-gvt":
                Check(parent, "pciAddress", "ggttMiB", "apertureMiB", "fences", "graphicsVersion", "deviceId");
                var gvt = new GvtOptions();
                gvt = gvt with
                {
                    PciAddress = parent.GetString("pciAddress", gvt.PciAddress),
                    GgttMiB = parent.GetInt("ggttMiB", gvt.GgttMiB),
                    ApertureMiB = parent.GetInt("apertureMiB", gvt.ApertureMiB),
                    Fences = parent.GetInt("fences", gvt.Fences),
                    GraphicsVersion = parent.GetInt("graphicsVersion", gvt.GraphicsVersion),
                    DeviceId = (ushort)parent.GetInt("deviceId", gvt.DeviceId),
                };
                return (gvt.PciAddress, core => I915Gvt.I915Gvt.Register(core, vfio, gvt));
            case "nvidia":
                Check(parent, "board", "pciAddress");
                var gpu = new NvidiaGpuOptions();
                gpu = gpu with
                {
                    Board = parent.GetString("board", gpu.Board),
                    PciAddress = parent.GetString("pciAddress", gpu.PciAddress),
                };
                return (gpu.PciAddress, core => NvidiaVgpu.NvidiaVgpu.Register(core, vfio, gpu));
            case "vfio-ccw":
                Check(parent, "subchannel", "operational");
                var ccw = new CcwSubchannelOptions
                {
                    SubchannelId = parent.GetString("subchannel", "0.0.0313"),
                    State = parent.GetBool("operational", true) ? CcwSubchannelState.Operational : CcwSubchannelState.NotOperational,
                };
                return (ccw.SubchannelId, core => VfioCcw.VfioCcw.Register(core, vfio, ccw));
            case "vfio-ap":
                Check(parent, "apxa", "maxAdapterId", "maxDomainId", "queues");
                var ap = new ApMatrixOptions();
                ap = new ApMatrixOptions
                {
                    Apxa = parent.GetBool("apxa", ap.Apxa),
                    MaxAdapterId = parent.GetInt("maxAdapterId", ap.MaxAdapterId),
                    MaxDomainId = parent.GetInt("maxDomainId", ap.MaxDomainId),
                    Queues = parent.GetStrings("queues", ap.Queues),
                };
                return ("matrix", core => VfioAp.VfioAp.Register(core, vfio, ap));
            default:
                throw Invalid($"unknown parent kind \"{parent.Kind}\" (known: {string.Join(", ", Names)})");
        }
    }

    public static MdevException Invalid(string message) => new(Errno.EINVAL, message);

    private static void Check(HostFileParent parent, params string[] known)
    {
        foreach (var key in parent.Parameters?.Keys ?? Enumerable.Empty<string>())
        {
            if (key != HostFileParent.QuirksParameter && !known.Contains(key, StringComparer.Ordinal))
            {
                throw Invalid(known.Length == 0
                    ? $"parent of kind {parent.Kind}: unknown parameter \"{key}\" (it takes none)"
                    : $"parent of kind {parent.Kind}: unknown parameter \"{key}\" (known: {string.Join(", ", known)})");
            }
        }
    }
}
