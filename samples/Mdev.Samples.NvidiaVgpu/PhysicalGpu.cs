using Mdev.Core;

namespace Mdev.Samples.NvidiaVgpu;

/// <summary>
/// The vGPU manager's bookkeeping for one physical GPU: with time-sliced vGPU every vGPU on a GPU has the same type,
/// so once one type is in use it offers <c>max_instance - created</c> and every other type 0.
/// </summary>
/// <remarks>Thread-safe: the core asks availability and creates concurrently.</remarks>
internal sealed class PhysicalGpu(string name)
{
    private readonly Lock _lock = new();
    private VgpuProfile? _inUse;
    private int _created;

    /// <summary><c>available_instances</c> of <paramref name="profile"/>.</summary>
    public int Available(VgpuProfile profile)
    {
        lock (_lock)
        {
            return _inUse is null ? profile.MaxInstance : _inUse == profile ? profile.MaxInstance - _created : 0;
        }
    }

    /// <summary>Takes one vGPU of <paramref name="profile"/>.</summary>
    /// <exception cref="MdevException">
    /// <c>EBUSY</c> while another type is in use on the GPU (sample's choice; the real driver's errno is not public);
    /// <c>ENOSPC</c> when <c>max_instance</c> vGPUs of the type exist.
    /// </exception>
    public void Allocate(VgpuProfile profile, string typeName)
    {
        lock (_lock)
        {
            if (_inUse is not null && _inUse != profile)
            {
                throw new MdevException(Errno.EBUSY, $"create on {typeName}: GPU {name} runs {_inUse.Name} vGPUs and all vGPUs on a GPU share one type");
            }

            if (_created >= profile.MaxInstance)
            {
                throw new MdevException(Errno.ENOSPC, $"create on {typeName}: GPU {name} already has max_instance={profile.MaxInstance} {profile.Name} vGPUs");
            }

            _inUse = profile;
            _created++;
        }
    }

    /// <summary>Gives one vGPU back; the last one frees the GPU for any type.</summary>
    public void Free()
    {
        lock (_lock)
        {
            if (--_created == 0)
            {
                _inUse = null;
            }
        }
    }
}
