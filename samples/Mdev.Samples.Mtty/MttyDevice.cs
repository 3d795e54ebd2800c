using System.Buffers;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty;

/// <summary>
/// One mtty device (<c>struct mdev_state</c>): config space, two UART ports (a single-port device still has the
/// second, reachable through BAR1), interrupts, the <c>num_irqs</c> cached by GET_INFO, and the device-file access
/// path. One lock (<c>ops_lock</c>) serialises it all.
/// </summary>
internal sealed class MttyDevice
{
    private readonly Lock _gate = new();
    private readonly string _name;
    private readonly MttyConfig _config;
    private readonly SerialPort[] _ports;
    private readonly MttyInterrupts _interrupts;
    private uint _cachedNumIrqs;
    private VfioMigrationState _savingFrom;

    public MttyDevice(string name, int nrPorts)
    {
        _name = name;
        NrPorts = nrPorts;
        _config = new MttyConfig(nrPorts);
        _interrupts = new MttyInterrupts(name);
        _ports = [new SerialPort(_interrupts.Trigger), new SerialPort(_interrupts.Trigger)];
    }

    public int NrPorts { get; }

    /// <summary>The ports' state (for tests that check what a real guest did to the model).</summary>
    internal IReadOnlyList<SerialPort> Ports => _ports;

    /// <summary>GET_INFO: PCI only (no RESET flag), 9 regions, 5 IRQ indexes; <c>num_irqs</c> is remembered.</summary>
    public VfioDeviceInfo GetInfo()
    {
        lock (_gate)
        {
            _cachedNumIrqs = MttyInterrupts.NumIrqs;
            return new VfioDeviceInfo(VfioDeviceFlags.Pci, MttyRegions.Count, MttyInterrupts.NumIrqs);
        }
    }

    /// <summary>The SET_IRQS bounds mtty passes: the cached <c>num_irqs</c> per index (0 before any GET_INFO) and <c>VFIO_PCI_NUM_IRQS</c>.</summary>
    public (uint NumIrqs, uint MaxIrqType) SetIrqsBounds()
    {
        lock (_gate)
        {
            return (_cachedNumIrqs, MttyInterrupts.NumIrqs);
        }
    }

    /// <summary>GET_IRQ_INFO: an index at or past the cached <c>num_irqs</c> is <c>EINVAL</c>, so is everything before GET_INFO.</summary>
    public VfioIrqInfo GetIrqInfo(uint index)
    {
        lock (_gate)
        {
            if (index >= _cachedNumIrqs)
            {
                throw new MdevException(Errno.EINVAL, $"irq info {index} on {_name}: not below the num_irqs {_cachedNumIrqs} cached by the last GET_INFO");
            }
        }

        return MttyInterrupts.Info(_name, index);
    }

    public void SetIrqs(VfioIrqSet request)
    {
        lock (_gate)
        {
            _interrupts.Set(request);
        }
    }

    /// <summary><c>close_device</c>: INTx and MSI disabled (the VFIO core drops the migration streams).</summary>
    public void Close()
    {
        lock (_gate)
        {
            _interrupts.DisableAll();
        }
    }

    /// <summary><c>mtty_read</c>: 4-, 2- or 1-byte chunks; any chunk outside config and the BARs fails the whole read with <c>EFAULT</c>.</summary>
    public int Read(Span<byte> buffer, long position)
    {
        CheckPosition(position);
        int done = 0;
        while (done < buffer.Length)
        {
            var chunk = buffer.Slice(done, ChunkSize(buffer.Length - done, position + done));
            Access(chunk, position + done, write: false);
            done += chunk.Length;
        }

        return done;
    }

    /// <summary><c>mtty_write</c>: the same chunking; chunks before a failing one have taken effect.</summary>
    public int Write(ReadOnlySpan<byte> buffer, long position)
    {
        CheckPosition(position);
        Span<byte> chunk = stackalloc byte[4];
        int done = 0;
        while (done < buffer.Length)
        {
            int size = ChunkSize(buffer.Length - done, position + done);
            buffer.Slice(done, size).CopyTo(chunk);
            Access(chunk[..size], position + done, write: true);
            done += size;
        }

        return done;
    }

    /// <summary>Remembers the arc a saving stream is opened or extended on (a fresh STOP_COPY stream starts with the header).</summary>
    public void NoteMigrationArc(VfioMigrationState leaving)
    {
        lock (_gate)
        {
            _savingFrom = leaving;
        }
    }

    /// <summary>
    /// <c>mtty_save_device_data</c>: entering PRE_COPY writes the header only; entering STOP_COPY appends the ports to
    /// that stream, or, from STOP, writes a fresh stream of header and ports.
    /// </summary>
    public void Save(VfioMigrationState phase, IBufferWriter<byte> output)
    {
        lock (_gate)
        {
            if (phase != VfioMigrationState.StopCopy || _savingFrom == VfioMigrationState.Stop)
            {
                MttyMigrationBlob.WriteHeader(output, NrPorts);
            }

            if (phase == VfioMigrationState.StopCopy)
            {
                for (int i = 0; i < NrPorts; i++)
                {
                    MttyMigrationBlob.WritePort(output, _ports[i]);
                }
            }
        }
    }

    public void Load(ReadOnlySequence<byte> data)
    {
        lock (_gate)
        {
            MttyMigrationBlob.Load(data, _ports, NrPorts, _name);
        }
    }

    private static int ChunkSize(int remaining, long position) =>
        remaining >= 4 && position % 4 == 0 ? 4 : remaining >= 2 && position % 2 == 0 ? 2 : 1;

    /// <summary><c>mdev_access</c>: one chunk, dispatched on <c>index = pos &gt;&gt; 40</c>.</summary>
    private void Access(Span<byte> chunk, long position, bool write)
    {
        uint index = VfioRegionOffsets.PciOffsetToIndex(position);
        long offset = VfioRegionOffsets.PciOffsetInRegion(position);
        lock (_gate)
        {
            switch (index)
            {
                case MttyRegions.Config when write:
                    _config.Write((ushort)offset, chunk);
                    return;
                case MttyRegions.Config:
                    _config.Read(offset, chunk);
                    return;
                case MttyRegions.Bar0 or MttyRegions.Bar1 when write:
                    _ports[index].Write((ushort)offset, chunk[0]);
                    return;
                case MttyRegions.Bar0 or MttyRegions.Bar1:
                    chunk.Clear();
                    chunk[0] = _ports[index].Read((ushort)offset);
                    return;
                default:
                    throw new MdevException(Errno.EFAULT, $"{(write ? "write" : "read")} at 0x{position:x} on {_name}: region {index} is neither config nor a UART BAR");
            }
        }
    }

    private void CheckPosition(long position)
    {
        if (position < 0)
        {
            throw new MdevException(Errno.EINVAL, $"access at {position} on {_name}: negative file offset (VFS rule)");
        }
    }
}
