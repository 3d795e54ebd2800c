using System.Buffers.Binary;

namespace Mdev.Samples.I915Gvt;

/// <summary>
/// The EDID region kvmgt adds after the OpRegion (<c>intel_gvt_set_edid</c>, port D): CAP_TYPE GFX (1) / GFX_EDID (1),
/// READ|WRITE|CAPS, registered with size <c>EDID_SIZE</c> (128) although the blob lies at 2048 (kvmgt never checks
/// accesses against that size). Offsets below <c>edid_offset</c> are <c>struct vfio_region_gfx_edid</c>
/// (<c>handle_edid_regs</c>): 4-byte accesses inside the 24 bytes only (<c>EINVAL</c> otherwise); writable are
/// <c>edid_size</c> (at most <c>edid_max_size</c>, else <c>EINVAL</c>) and <c>link_state</c> (UP validates the blob,
/// <c>EINVAL</c> if bad, and plugs the monitor; DOWN unplugs it; any other value <c>EINVAL</c>); writes to the other
/// fields are <c>EPERM</c>. From <c>edid_offset</c> on is the blob (<c>handle_edid_blob</c>): any access that ends
/// within <c>edid_size</c>. The blob is the port's own EDID, so writes land even while the link is up; the
/// down / write / up order is the user's protocol, not enforced. kvmgt's read and write turn every one of these errors
/// into <c>EFAULT</c>; the messages keep the handler's errno.
/// </summary>
/// <remarks>Not thread-safe: the owning <see cref="IntelVgpu"/> serialises access under its lock.</remarks>
internal sealed class EdidRegion
{
    /// <summary><c>VFIO_REGION_TYPE_GFX</c>.</summary>
    public const uint RegionType = 1;

    /// <summary><c>VFIO_REGION_SUBTYPE_GFX_EDID</c>.</summary>
    public const uint RegionSubtype = 1;

    /// <summary>The size kvmgt registers: <c>EDID_SIZE</c>.</summary>
    public const int Size = VgpuEdid.BlockSize;

    /// <summary><c>sizeof(struct vfio_region_gfx_edid)</c>.</summary>
    public const int RegistersSize = 24;

    /// <summary><c>EDID_BLOB_OFFSET</c> = <c>PAGE_SIZE / 2</c>.</summary>
    public const uint BlobOffset = 4096 / 2;

    /// <summary><c>edid_max_size</c>: one block (kvmgt has no extension block support).</summary>
    public const uint MaxSize = VgpuEdid.BlockSize;

    /// <summary><c>VFIO_DEVICE_GFX_LINK_STATE_UP</c>.</summary>
    public const uint LinkUp = 1;

    /// <summary><c>VFIO_DEVICE_GFX_LINK_STATE_DOWN</c>.</summary>
    public const uint LinkDown = 2;

    private const int EdidOffsetField = 0;
    private const int EdidMaxSizeField = 4;
    private const int EdidSizeField = 8;
    private const int MaxXresField = 12;
    private const int MaxYresField = 16;
    private const int LinkStateField = 20;

    private readonly byte[] _blob;
    private readonly uint _maxXres;
    private readonly uint _maxYres;
    private readonly Action<bool> _hotplug;
    private uint _edidSize = MaxSize;

    /// <summary>The region is <c>kzalloc</c>ed and link_state never set, so it starts at 0: neither UP nor DOWN.</summary>
    private uint _linkState;

    /// <param name="timing">The type's monitor: its mode gives the blob and <c>max_xres</c> / <c>max_yres</c>.</param>
    /// <param name="hotplug"><c>intel_vgpu_emulate_hotplug</c>: called with true on UP, false on DOWN.</param>
    public EdidRegion(DisplayTiming timing, Action<bool> hotplug)
    {
        _blob = VgpuEdid.Build(timing);
        _maxXres = (uint)timing.Width;
        _maxYres = (uint)timing.Height;
        _hotplug = hotplug;
    }

    public string? Read(long at, Span<byte> piece)
    {
        if (at < BlobOffset)
        {
            if (CheckRegisterAccess(at, piece.Length) is { } error)
            {
                return error;
            }

            Span<byte> regs = stackalloc byte[RegistersSize];
            BinaryPrimitives.WriteUInt32LittleEndian(regs[EdidOffsetField..], BlobOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(regs[EdidMaxSizeField..], MaxSize);
            BinaryPrimitives.WriteUInt32LittleEndian(regs[EdidSizeField..], _edidSize);
            BinaryPrimitives.WriteUInt32LittleEndian(regs[MaxXresField..], _maxXres);
            BinaryPrimitives.WriteUInt32LittleEndian(regs[MaxYresField..], _maxYres);
            BinaryPrimitives.WriteUInt32LittleEndian(regs[LinkStateField..], _linkState);
            regs.Slice((int)at, piece.Length).CopyTo(piece);
            return null;
        }

        if (CheckBlobAccess(at, piece.Length, out int offset) is { } blobError)
        {
            return blobError;
        }

        _blob.AsSpan(offset, piece.Length).CopyTo(piece);
        return null;
    }

    public string? Write(long at, ReadOnlySpan<byte> piece)
    {
        if (at < BlobOffset)
        {
            return CheckRegisterAccess(at, piece.Length) ?? WriteRegister((int)at, BinaryPrimitives.ReadUInt32LittleEndian(piece));
        }

        if (CheckBlobAccess(at, piece.Length, out int offset) is { } blobError)
        {
            return blobError;
        }

        piece.CopyTo(_blob.AsSpan(offset));
        return null;
    }

    private static string? CheckRegisterAccess(long at, int length) =>
        at + length > RegistersSize ? $"EINVAL: EDID registers end at {RegistersSize}, the access at {at} of {length} bytes does not fit"
        : length != 4 ? $"EINVAL: EDID registers take 4-byte accesses, not {length}"
        : null;

    /// <summary>
    /// The blob offset is <c>pos - EDID_BLOB_OFFSET</c> passed as a <c>u16</c>, so it wraps every 64 KiB (as in kvmgt);
    /// the access must end within <c>edid_size</c>.
    /// </summary>
    private string? CheckBlobAccess(long at, int length, out int offset)
    {
        offset = unchecked((ushort)(at - BlobOffset));
        return offset + length > _edidSize ? $"EINVAL: EDID blob access at {offset} of {length} bytes goes past edid_size {_edidSize}" : null;
    }

    private string? WriteRegister(int field, uint data)
    {
        switch (field)
        {
            case LinkStateField when data == LinkUp:
                if (!VgpuEdid.ValidateBaseBlock(_blob))
                {
                    return "EINVAL: invalid EDID blob, the link stays as it was";
                }

                _hotplug(true);
                break;
            case LinkStateField when data == LinkDown:
                _hotplug(false);
                break;
            case LinkStateField:
                return $"EINVAL: invalid EDID link state {data}";
            case EdidSizeField when data > MaxSize:
                return $"EINVAL: EDID size {data} is bigger than {MaxSize}";
            case EdidSizeField:
                _edidSize = data;
                return null;
            default:
                return $"EPERM: EDID register at offset {field} is read-only";
        }

        _linkState = data;
        return null;
    }
}
