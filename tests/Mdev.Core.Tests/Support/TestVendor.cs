using Mdev.Core;

namespace Mdev.Core.Tests.Support;

/// <summary>
/// A small vendor driver in the shape of the kernel's mtty (two types sharing a port budget) or, with
/// <see cref="MaxInstances"/>, a core-pool driver in the shape of vfio-ccw/mdpy. Every callback can be made to fail.
/// </summary>
internal sealed class TestVendor : ParentOps
{
    private readonly List<MdevTypeGroup> _types;
    private int _portsUsed;

    public TestVendor(int? poolSize = null, int ports = 24, string deviceApi = "vfio-pci", bool withDescription = false)
    {
        PoolSize = poolSize;
        Ports = ports;
        WithDescription = withDescription;
        _types =
        [
            new MdevTypeGroup("1", deviceApi, "Single port serial"),
            new MdevTypeGroup("2", deviceApi, "Dual port serial"),
        ];
    }

    public int? PoolSize { get; }

    public int Ports { get; }

    public bool WithDescription { get; }

    public Errno? FailCreateWith { get; set; }

    public Exception? ThrowOnCreate { get; set; }

    public Errno? FailRemoveWith { get; set; }

    public List<string> Calls { get; } = [];

    public List<uint> Requests { get; } = [];

    public Action<MdevDevice, uint>? OnRequest { get; set; }

    public List<AttributeGroup<MdevDevice>> DeviceGroups { get; } = [];

    public List<AttributeGroup<Device>> ParentGroups { get; } = [];

    public override IReadOnlyList<MdevTypeGroup> SupportedTypeGroups => _types;

    public override IReadOnlyList<AttributeGroup<MdevDevice>> MdevAttrGroups => DeviceGroups;

    public override IReadOnlyList<AttributeGroup<Device>> DevAttrGroups => ParentGroups;

    public override int MaxInstances => PoolSize ?? 0;

    public static int PortsOf(MdevType type) => int.Parse(type.SysfsName, System.Globalization.CultureInfo.InvariantCulture);

    public override int? GetAvailable(MdevType type)
    {
        if (PoolSize is not null)
        {
            return null;
        }

        lock (Calls)
        {
            return (Ports - _portsUsed) / PortsOf(type);
        }
    }

    public override string? ShowDescription(MdevType type) =>
        WithDescription ? $"ports: {type.SysfsName}\nfifo: 16\n" : null;

    public override void Create(MdevDevice mdev)
    {
        lock (Calls)
        {
            Calls.Add("create " + mdev.Name);
            if (ThrowOnCreate is not null)
            {
                throw ThrowOnCreate;
            }

            if (FailCreateWith is { } errno)
            {
                throw new MdevException(errno, $"test vendor: create of {mdev.Name} refused");
            }

            if (PoolSize is null)
            {
                int need = PortsOf(mdev.Type);
                if (_portsUsed + need > Ports)
                {
                    throw new MdevException(Errno.ENOSPC, $"test vendor: {need} ports wanted, {Ports - _portsUsed} free");
                }

                _portsUsed += need;
            }
        }
    }

    public override void Remove(MdevDevice mdev)
    {
        lock (Calls)
        {
            Calls.Add("remove " + mdev.Name);
            if (FailRemoveWith is { } errno)
            {
                throw new MdevException(errno, $"test vendor: remove of {mdev.Name} refused");
            }

            if (PoolSize is null)
            {
                _portsUsed -= PortsOf(mdev.Type);
            }
        }
    }

    public override void Open(MdevDevice mdev)
    {
        lock (Calls)
        {
            Calls.Add("open " + mdev.Name);
        }
    }

    public override void Release(MdevDevice mdev)
    {
        lock (Calls)
        {
            Calls.Add("release " + mdev.Name);
        }
    }

    public override int Read(MdevDevice mdev, Span<byte> buffer, long offset)
    {
        buffer.Fill((byte)offset);
        return buffer.Length;
    }

    public override void Request(MdevDevice mdev, uint count)
    {
        lock (Calls)
        {
            Requests.Add(count);
        }

        OnRequest?.Invoke(mdev, count);
    }
}
