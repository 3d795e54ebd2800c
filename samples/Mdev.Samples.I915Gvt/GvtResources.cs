using Mdev.Core;

namespace Mdev.Samples.I915Gvt;

/// <summary>
/// The resources all vGPUs of the iGPU share, whatever their type (<c>aperture_gm.c</c>, <c>kvmgt.c</c>): low GM, high
/// GM and fences, each minus the host's share; so creating a vGPU of one type lowers every type's availability.
/// </summary>
/// <remarks>Thread-safe (<c>gvt->lock</c>).</remarks>
internal sealed class GvtResources
{
    private readonly Lock _lock = new();
    private readonly GvtHardware _hardware;
    private readonly GmAllocator _aperture;
    private readonly GmAllocator _hidden;
    private readonly SortedSet<int> _ids = [];
    private ulong _lowTaken;
    private ulong _highTaken;
    private int _fencesTaken;

    public GvtResources(GvtHardware hardware)
    {
        _hardware = hardware;
        _aperture = new GmAllocator(0, hardware.ApertureSize);
        _aperture.Reserve(0, VgpuConfigTable.HostLowGm);
        _hidden = new GmAllocator(hardware.ApertureSize, hardware.GgttSize);
        _hidden.Reserve(hardware.ApertureSize, VgpuConfigTable.HostHighGm);
    }

    /// <summary><c>intel_vgpu_get_available</c>: the minimum over low GM, high GM and fences of what is left divided by what the type takes.</summary>
    public int Available(VgpuConfig config)
    {
        lock (_lock)
        {
            var (low, high, fences) = Left();
            return (int)Math.Min(Math.Min(low / config.LowGm, high / config.HighGm), (ulong)(fences / config.Fences));
        }
    }

    /// <summary>
    /// <c>intel_gvt_create_vgpu</c>'s allocations, in its order: an id (<c>idr_alloc</c>), then the accounting of low GM,
    /// high GM and fences (<c>alloc_resource</c>), then the two GM slices (<c>alloc_vgpu_gm</c>).
    /// </summary>
    /// <exception cref="MdevException"><c>ENOSPC</c> naming what ran out; nothing is taken then.</exception>
    public VgpuResources Allocate(VgpuConfig config, string typeName)
    {
        lock (_lock)
        {
            int id = Enumerable.Range(1, VgpuConfigTable.MaxVgpu - 1).FirstOrDefault(i => !_ids.Contains(i));
            if (id == 0)
            {
                throw new MdevException(Errno.ENOSPC, $"create on {typeName}: no vGPU id left (ids 1..{VgpuConfigTable.MaxVgpu - 1})");
            }

            var (low, high, fences) = Left();
            Require(typeName, "low GM space", config.LowGm, low);
            Require(typeName, "high GM space", config.HighGm, high);
            Require(typeName, "fence", (ulong)config.Fences, (ulong)fences);

            ulong aperture = _aperture.Allocate(config.LowGm, highest: false)
                ?? throw new MdevException(Errno.ENOSPC, $"create on {typeName}: fail to alloc low gm space from host (no contiguous {config.LowGmMiB} MB hole in the aperture)");
            ulong? hidden = _hidden.Allocate(config.HighGm, highest: true);
            if (hidden is null)
            {
                _aperture.Free(aperture);
                throw new MdevException(Errno.ENOSPC, $"create on {typeName}: fail to alloc high gm space from host (no contiguous {config.HighGmMiB} MB hole in hidden GM)");
            }

            _ids.Add(id);
            _lowTaken += config.LowGm;
            _highTaken += config.HighGm;
            _fencesTaken += config.Fences;
            return new VgpuResources(id, config, aperture, hidden.Value);
        }
    }

    /// <summary>Gives everything of one vGPU back (<c>intel_vgpu_free_resource</c>, <c>idr_remove</c>).</summary>
    public void Free(VgpuResources resources)
    {
        lock (_lock)
        {
            _aperture.Free(resources.ApertureBase);
            _hidden.Free(resources.HiddenBase);
            _lowTaken -= resources.Config.LowGm;
            _highTaken -= resources.Config.HighGm;
            _fencesTaken -= resources.Config.Fences;
            _ids.Remove(resources.Id);
        }
    }

    private static void Require(string typeName, string item, ulong request, ulong available)
    {
        if (request > available)
        {
            bool gm = item != "fence";
            string Amount(ulong v) => gm ? $"{v >> 20}MB" : $"{v}";
            throw new MdevException(Errno.ENOSPC, $"create on {typeName}: fail to allocate resource {item}: request {Amount(request)} avail {Amount(available)}");
        }
    }

    private (ulong Low, ulong High, int Fences) Left() =>
        (_hardware.ApertureSize - VgpuConfigTable.HostLowGm - _lowTaken,
         _hardware.HiddenSize - VgpuConfigTable.HostHighGm - _highTaken,
         _hardware.Fences - VgpuConfigTable.HostFences - _fencesTaken);
}
