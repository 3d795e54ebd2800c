using Mdev.Core;

namespace Mdev.Samples.I915Gvt;

/// <summary>
/// A vGPU's <c>dmabuf_obj_list_head</c> and <c>object_idr</c> (gvt/dmabuf.c): one object per distinct plane a query
/// saw, with an id from 1 up (<c>idr_alloc(.., 1, 0, ..)</c>: the smallest free). An object holds one reference for its
/// query (<c>initref</c>) and one per exported dma-buf; it leaves the list when the last goes
/// (<c>dmabuf_gem_object_free</c>) or when the vGPU is released (<c>intel_vgpu_dmabuf_cleanup</c>).
/// </summary>
/// <remarks>Thread-safe: <see cref="_lock"/> is kvmgt's <c>dmabuf_lock</c> and guards every field of every object.</remarks>
internal sealed class DmabufObjects
{
    private readonly Lock _lock = new();
    private readonly List<DmabufObject> _list = [];

    /// <summary>The ids listed now, in list order.</summary>
    public IReadOnlyList<uint> Ids
    {
        get
        {
            lock (_lock)
            {
                return _list.Select(o => o.Id).ToArray();
            }
        }
    }

    /// <summary>
    /// <c>intel_vgpu_query_plane</c>'s second half: the listed object of the same buffer (<c>pick_dmabuf_by_info</c>),
    /// taking the initial reference again if an export dropped it; else a new object with the smallest free id.
    /// </summary>
    public uint Query(FramebufferInfo info)
    {
        lock (_lock)
        {
            if (_list.FirstOrDefault(o => o.Info.SameBuffer(info)) is { } existing)
            {
                if (!existing.InitRef)
                {
                    existing.InitRef = true;
                    existing.Refs++;
                }

                return existing.Id;
            }

            uint id = 1;
            while (_list.Any(o => o.Id == id))
            {
                id++;
            }

            _list.Add(new DmabufObject { Id = id, Info = info, InitRef = true, Refs = 1 });
            return id;
        }
    }

    /// <summary>
    /// <c>intel_vgpu_get_dmabuf</c>'s bookkeeping: the object of the id (<c>EINVAL</c> when none is listed), one reference
    /// more for the export, the initial one dropped. The returned release drops the export's reference.
    /// </summary>
    public (FramebufferInfo Info, Action Release) Export(uint id)
    {
        lock (_lock)
        {
            var obj = _list.FirstOrDefault(o => o.Id == id) ?? throw new MdevException(Errno.EINVAL, $"get gfx dmabuf: invalid dmabuf id {id}");
            obj.Refs++;
            if (obj.InitRef)
            {
                obj.InitRef = false;
                Put(obj);
            }

            return (obj.Info, () =>
            {
                lock (_lock)
                {
                    Put(obj);
                }
            });
        }
    }

    /// <summary><c>intel_vgpu_dmabuf_cleanup</c> (the vGPU's release): every object leaves the list and drops its initial reference; exported buffers stay readable.</summary>
    public void Cleanup()
    {
        lock (_lock)
        {
            foreach (var obj in _list.ToArray())
            {
                _list.Remove(obj);
                if (obj.InitRef)
                {
                    obj.InitRef = false;
                    Put(obj);
                }
            }
        }
    }

    /// <summary><c>dmabuf_obj_put</c>, under <see cref="_lock"/>: the last reference takes the object off the list.</summary>
    private void Put(DmabufObject obj)
    {
        if (--obj.Refs == 0)
        {
            _list.Remove(obj);
        }
    }

    private sealed class DmabufObject
    {
        public uint Id { get; init; }

        public FramebufferInfo Info { get; init; }

        public bool InitRef { get; set; }

        public int Refs { get; set; }
    }
}
