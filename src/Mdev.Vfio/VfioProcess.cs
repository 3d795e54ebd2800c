using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// A user process as C code sees one: a file-descriptor table (<c>open</c>, <c>close</c>, <c>ioctl</c>, <c>pread</c>,
/// <c>pwrite</c>, <c>mmap</c>, <c>eventfd</c>) and anonymous memory for guest RAM (<see cref="MapAnonymous"/>), so
/// that VMM code ported from C drives the model with the same numbers and bytes: <c>VFIO_GROUP_SET_CONTAINER</c>
/// takes a container fd, <c>VFIO_GROUP_GET_DEVICE_FD</c> returns one, <c>VFIO_IOMMU_MAP_DMA</c> takes a vaddr and
/// <c>VFIO_DEVICE_SET_IRQS</c> eventfds.
/// </summary>
/// <remarks>Descriptors start at 3 and the lowest free one is used, as in Linux. Thread-safe.</remarks>
public sealed class VfioProcess : IDisposable
{
    /// <summary>The container's device node.</summary>
    public const string ContainerPath = "/dev/vfio/vfio";

    private const ulong Page = 4096;

    private readonly VfioModule _module;
    private readonly Lock _lock = new();
    private readonly SortedDictionary<int, object> _files = [];
    private readonly List<(ulong Start, Memory<byte> Memory)> _memory = [];
    private ulong _nextAddress = 0x7f00_0000_0000;

    internal VfioProcess(VfioModule module) => _module = module;

    /// <summary>The memory of the process outside .NET this fd table stands for (a served VMM); null for an in-process one.</summary>
    internal IProcessMemory? ProcessMemory { get; init; }

    /// <summary>Opens <c>/dev/vfio/vfio</c> or <c>/dev/vfio/&lt;group&gt;</c>.</summary>
    /// <param name="path">The device node.</param>
    /// <returns>The new descriptor.</returns>
    /// <exception cref="MdevException"><c>ENOENT</c> for another path or an unknown group; <c>EBUSY</c> for a group already open.</exception>
    public int Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == ContainerPath)
        {
            var container = _module.OpenContainer();
            if (ProcessMemory is { } outside)
            {
                container.ProcessMemory = outside; // MAP_DMA vaddrs live in the served process
            }
            else
            {
                container.AddressSpace = Memory;
            }

            return Add(container);
        }

        const string prefix = "/dev/vfio/";
        if (path.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(path.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            var group = _module.OpenGroup(id);
            group.ContainerResolver = fd => Get<object>(fd, Errno.EBADF, "set container");
            group.DeviceFileRegistrar = device =>
            {
                device.EventFdResolver = fd => Get<EventFd>(fd, Errno.EINVAL, "set irqs");
                device.DataFileRegistrar = data => Add(new VfioMigrationFile(data));
                device.DmabufRegistrar = dmabuf => Add(dmabuf);
                device.AddressSpace = Memory;
                return Add(device);
            };
            return Add(group);
        }

        throw new MdevException(Errno.ENOENT, $"open {path}: no such file or directory");
    }

    /// <summary>Creates an eventfd (<c>eventfd(initval, 0)</c>).</summary>
    /// <param name="initialValue">The initial counter.</param>
    /// <returns>The new descriptor.</returns>
    public int EventFd(uint initialValue = 0) => Add(new EventFd(initialValue));

    /// <summary>The eventfd behind <paramref name="fd"/>, to wait on or signal from the test side.</summary>
    /// <param name="fd">The descriptor.</param>
    /// <returns>The eventfd.</returns>
    public EventFd GetEventFd(int fd) => Get<EventFd>(fd, Errno.EINVAL, "eventfd");

    /// <summary>The typed object behind a descriptor (a <see cref="VfioContainer"/>, <see cref="VfioGroup"/>, <see cref="VfioDevice"/> or <see cref="Vfio.EventFd"/>).</summary>
    /// <typeparam name="T">The expected type.</typeparam>
    /// <param name="fd">The descriptor.</param>
    /// <returns>The object.</returns>
    public T GetFile<T>(int fd)
        where T : class => Get<T>(fd, Errno.EINVAL, "file");

    /// <summary>Closes a descriptor.</summary>
    /// <param name="fd">The descriptor.</param>
    /// <exception cref="MdevException"><c>EBADF</c> when it is not open.</exception>
    public void Close(int fd)
    {
        object file;
        lock (_lock)
        {
            if (!_files.Remove(fd, out file!))
            {
                throw new MdevException(Errno.EBADF, $"close {fd}: not an open descriptor");
            }
        }

        ((IDisposable)file).Dispose();
    }

    /// <summary><c>ioctl(fd, request, value)</c>: for requests whose argument is a value or nothing.</summary>
    /// <param name="fd">The descriptor.</param>
    /// <param name="request">The request number.</param>
    /// <param name="argument">The value.</param>
    /// <returns>The ioctl's result.</returns>
    public long Ioctl(int fd, uint request, ulong argument = 0) => Get<object>(fd, Errno.EBADF, "ioctl") switch
    {
        VfioContainer c => c.Ioctl(request, argument),
        _ => Ioctl(fd, request, Span<byte>.Empty),
    };

    /// <summary><c>ioctl(fd, request, &amp;struct)</c>: the struct's bytes, read and written in place.</summary>
    /// <param name="fd">The descriptor.</param>
    /// <param name="request">The request number.</param>
    /// <param name="argument">The struct.</param>
    /// <returns>The ioctl's result (a new descriptor for GET_DEVICE_FD).</returns>
    public long Ioctl(int fd, uint request, Span<byte> argument) => Get<object>(fd, Errno.EBADF, "ioctl") switch
    {
        VfioContainer c => c.Ioctl(request, argument),
        VfioGroup g => g.Ioctl(request, argument),
        VfioDevice d => d.Ioctl(request, argument),
        VfioMigrationFile m => m.Ioctl(request, argument),
        _ => throw new MdevException(Errno.ENOTTY, $"ioctl 0x{request:x} on fd {fd}: not a VFIO file"),
    };

    /// <summary><c>read(2)</c> on a migration data stream: what the saving device has written (0 at the end of the data).</summary>
    /// <param name="fd">The data_fd of MIG_DEVICE_STATE.</param>
    /// <param name="buffer">Where the bytes go.</param>
    /// <returns>The number of bytes read; 0 at the end of the stream.</returns>
    public int Read(int fd, Span<byte> buffer) => Get<VfioMigrationFile>(fd, Errno.EINVAL, "read").Read(buffer);

    /// <summary><c>write(2)</c> on a migration data stream of a resuming device.</summary>
    /// <param name="fd">The data_fd of MIG_DEVICE_STATE.</param>
    /// <param name="buffer">The bytes.</param>
    /// <returns>The number of bytes written.</returns>
    public int Write(int fd, ReadOnlySpan<byte> buffer) => Get<VfioMigrationFile>(fd, Errno.EINVAL, "write").Write(buffer);

    /// <summary><c>pread</c> on a device file.</summary>
    /// <param name="fd">The descriptor.</param>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="offset">The file offset.</param>
    /// <returns>The number of bytes read.</returns>
    /// <exception cref="MdevException"><c>ESPIPE</c> on a migration data stream, <c>EINVAL</c> on another file.</exception>
    public int Pread(int fd, Span<byte> buffer, long offset) => Positioned(fd, offset, "pread").Read(buffer, offset);

    /// <summary><c>pwrite</c> on a device file.</summary>
    /// <param name="fd">The descriptor.</param>
    /// <param name="buffer">The bytes.</param>
    /// <param name="offset">The file offset.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="MdevException"><c>ESPIPE</c> on a migration data stream, <c>EINVAL</c> on another file.</exception>
    public int Pwrite(int fd, ReadOnlySpan<byte> buffer, long offset) => Positioned(fd, offset, "pwrite").Write(buffer, offset);

    /// <summary><c>mmap</c> of a device file or a dma-buf (<c>VFIO_DEVICE_GET_GFX_DMABUF</c>'s descriptor).</summary>
    /// <param name="fd">The descriptor.</param>
    /// <param name="offset">The file offset.</param>
    /// <param name="length">The length.</param>
    /// <returns>The window the vendor backs.</returns>
    public Memory<byte> Mmap(int fd, long offset, long length) => Get<object>(fd, Errno.ENODEV, "mmap") switch
    {
        VfioDmabuf dmabuf => dmabuf.Mmap(offset, length),
        var file => (file as VfioDevice ?? throw new MdevException(Errno.ENODEV, $"mmap: fd {fd} is a {file.GetType().Name}, which has no mmap")).Mmap(offset, length),
    };

    /// <summary><c>mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)</c>: zeroed memory at a page-aligned address.</summary>
    /// <param name="length">The length, rounded up to whole pages.</param>
    /// <returns>The address, usable as the vaddr of <c>VFIO_IOMMU_MAP_DMA</c>.</returns>
    public ulong MapAnonymous(ulong length)
    {
        if (length == 0 || length > int.MaxValue)
        {
            throw new MdevException(Errno.EINVAL, $"mmap anonymous {length} bytes: length must be 1..2 GiB");
        }

        ulong rounded = (length + Page - 1) & ~(Page - 1);
        lock (_lock)
        {
            ulong address = _nextAddress;
            _nextAddress += rounded + Page; // a guard page between mappings
            _memory.Add((address, new byte[rounded]));
            return address;
        }
    }

    /// <summary>The memory at <c>[vaddr, vaddr + length)</c> of this process.</summary>
    /// <param name="vaddr">The address.</param>
    /// <param name="length">The length.</param>
    /// <returns>The memory.</returns>
    /// <exception cref="MdevException"><c>EFAULT</c> when the range is not inside one anonymous mapping.</exception>
    public Memory<byte> Memory(ulong vaddr, ulong length)
    {
        lock (_lock)
        {
            foreach (var (start, memory) in _memory)
            {
                if (vaddr >= start && vaddr - start <= (ulong)memory.Length && length <= (ulong)memory.Length - (vaddr - start))
                {
                    return memory.Slice((int)(vaddr - start), (int)length);
                }
            }
        }

        throw new MdevException(Errno.EFAULT, $"address 0x{vaddr:x}+0x{length:x} is not mapped in the process");
    }

    /// <summary>Exits: closes every descriptor, device files first, then groups, then containers and eventfds.</summary>
    public void Dispose()
    {
        List<object> files;
        lock (_lock)
        {
            files = [.. _files.Values];
            _files.Clear();
        }

        foreach (var file in files.OrderBy(f => f switch { VfioDevice => 0, VfioGroup => 1, _ => 2 }))
        {
            ((IDisposable)file).Dispose();
        }
    }

    private int Add(object file)
    {
        lock (_lock)
        {
            int fd = 3;
            while (_files.ContainsKey(fd))
            {
                fd++;
            }

            _files.Add(fd, file);
            return fd;
        }
    }

    /// <summary>
    /// The device file a <c>pread</c>/<c>pwrite</c> acts on. A migration data stream is <c>stream_open</c>ed by the
    /// driver (samples/vfio-mdev/mtty.c since v6.7, where its migration landed), so <c>ksys_pread64</c>/<c>ksys_pwrite64</c> answer <c>ESPIPE</c>
    /// for it, after their negative-offset <c>EINVAL</c>.
    /// </summary>
    private VfioDevice Positioned(int fd, long offset, string what) => Get<object>(fd, Errno.EINVAL, what) switch
    {
        VfioDevice device => device,
        VfioMigrationFile when offset < 0 => throw new MdevException(Errno.EINVAL, $"{what}: negative offset {offset}"),
        VfioMigrationFile => throw new MdevException(Errno.ESPIPE, $"{what}: fd {fd} is a migration data stream (no file position)"),
        var file => throw new MdevException(Errno.EINVAL, $"{what}: fd {fd} is a {file.GetType().Name}, not a VfioDevice"),
    };

    private T Get<T>(int fd, Errno wrongType, string what)
        where T : class
    {
        object? file;
        lock (_lock)
        {
            _files.TryGetValue(fd, out file);
        }

        return file switch
        {
            null => throw new MdevException(Errno.EBADF, $"{what}: fd {fd} is not open"),
            T typed => typed,
            _ => throw new MdevException(wrongType, $"{what}: fd {fd} is a {file.GetType().Name}, not a {typeof(T).Name}"),
        };
    }
}
