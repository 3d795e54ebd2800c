using System.Text;
using Mdev.Core;

namespace Mdev.Vfio;

/// <summary>
/// An open VFIO group file, <c>/dev/vfio/&lt;id&gt;</c> (one opener at a time): attach it to a container, and once the
/// container has an IOMMU model, get the device file of its device by name.
/// </summary>
/// <remarks>
/// Device files keep the group file alive: disposing this object while device files are open only marks it closing;
/// the release (leaving the container) happens when the last device file closes, as in the kernel.
/// </remarks>
public sealed class VfioGroup : IDisposable
{
    private readonly VfioModule _module;

    internal VfioGroup(VfioModule module, IommuGroup group)
    {
        _module = module;
        Group = group;
    }

    /// <summary>The IOMMU group this file opens.</summary>
    public IommuGroup Group { get; }

    /// <summary>Resolves container file descriptors for the raw SET_CONTAINER; set by <see cref="VfioProcess"/>.</summary>
    internal Func<int, object>? ContainerResolver { get; set; }

    /// <summary>Registers a new device file and returns its descriptor for the raw GET_DEVICE_FD; set by <see cref="VfioProcess"/>.</summary>
    internal Func<VfioDevice, int>? DeviceFileRegistrar { get; set; }

    /// <summary><c>VFIO_GROUP_GET_STATUS</c>: VIABLE (every device bound to a VFIO driver) and CONTAINER_SET.</summary>
    /// <returns>The flags: 1 fresh, 3 once attached.</returns>
    public VfioGroupFlags GetStatus()
    {
        lock (_module.Lock)
        {
            ThrowIfReleased();
            ThrowIfDead("get status");
            return Group.Container is null ? VfioGroupFlags.Viable : VfioGroupFlags.Viable | VfioGroupFlags.ContainerSet;
        }
    }

    /// <summary><c>VFIO_GROUP_SET_CONTAINER</c>: attaches to <paramref name="container"/> (several groups may share one).</summary>
    /// <param name="container">An open container.</param>
    /// <exception cref="MdevException"><c>EINVAL</c> when already attached; <c>ENODEV</c> when the group's device is gone; <c>EBADF</c> when the container file is closed.</exception>
    public void SetContainer(VfioContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        SetContainer((object)container);
    }

    /// <summary>SET_CONTAINER in the kernel's order: attached (<c>EINVAL</c>), dead (<c>ENODEV</c>), not a container (<c>EBADFD</c>).</summary>
    private void SetContainer(object file)
    {
        lock (_module.Lock)
        {
            ThrowIfReleased();
            if (Group.Container is not null)
            {
                throw new MdevException(Errno.EINVAL, $"set container on group {Group.Id}: already attached to a container");
            }

            ThrowIfDead("set container");
            if (file is not VfioContainer container)
            {
                throw new MdevException(Errno.EBADFD, $"set container on group {Group.Id}: the fd is a {file.GetType().Name}, not a container");
            }

            if (container.IsClosedLocked)
            {
                throw new MdevException(Errno.EBADF, $"set container on group {Group.Id}: the container file is closed");
            }

            container.AttachedGroups.Add(Group);
            Group.Container = container;
        }
    }

    /// <summary><c>VFIO_GROUP_UNSET_CONTAINER</c>; the last group out releases the container's IOMMU and every mapping.</summary>
    /// <exception cref="MdevException"><c>EINVAL</c> when not attached; <c>EBUSY</c> while device files are open.</exception>
    public void UnsetContainer()
    {
        lock (_module.Lock)
        {
            ThrowIfReleased();
            if (Group.Container is not { } container)
            {
                throw new MdevException(Errno.EINVAL, $"unset container on group {Group.Id}: not attached");
            }

            if (Group.DeviceFiles > 0)
            {
                throw new MdevException(Errno.EBUSY, $"unset container on group {Group.Id}: {Group.DeviceFiles} device file(s) open");
            }

            container.DetachLocked(Group);
        }
    }

    /// <summary><c>VFIO_GROUP_GET_DEVICE_FD</c>: opens the device file of <paramref name="name"/> (the lower-case UUID).</summary>
    /// <param name="name">The device name.</param>
    /// <returns>The device file; the vendor's Open runs on the device's first open.</returns>
    /// <exception cref="MdevException"><c>ENODEV</c> for an unknown name (or a gone device); <c>EINVAL</c> before a container with an IOMMU model is set; the vendor's errno from Open.</exception>
    public VfioDevice GetDeviceFile(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_module.Lock)
        {
            ThrowIfReleased();

            // Modern order (vfio_group_ioctl_get_device_fd): the name first (ENODEV), then the container (EINVAL).
            if (Group.DeviceGone || name != Group.Device.Name)
            {
                throw new MdevException(Errno.ENODEV, $"get device fd on group {Group.Id}: no device '{name}' in the group");
            }

            if (Group.Container?.Iommu is null)
            {
                throw new MdevException(Errno.EINVAL, $"get device fd on group {Group.Id}: {(Group.Container is null ? "no container is set" : "the container has no IOMMU model")}");
            }

            Group.DeviceFiles++;
        }

        try
        {
            _module.Core.Faults.Check(FaultPoint.DeviceOpen, FaultSite.Of(Group.Device), $"get device fd on group {Group.Id}");

            // No migration reset here: the state is the vendor's and survives close and reopen (mtty has no open_device).
            var handle = Group.Device.Open($"VFIO device file of group {Group.Id} (/dev/vfio/{Group.Id})");
            return new VfioDevice(_module, Group, handle);
        }
        catch
        {
            lock (_module.Lock)
            {
                Group.DeviceFiles--;
                if (Group.DeviceFiles == 0 && Group.FileClosing && Group.OpenFile == this)
                {
                    ReleaseLocked();
                }
            }

            throw;
        }
    }

    /// <summary>
    /// A group ioctl, byte for byte: <c>GET_STATUS</c> (<c>struct vfio_group_status</c>), <c>SET_CONTAINER</c>
    /// (<c>__s32</c> container fd), <c>UNSET_CONTAINER</c>, <c>GET_DEVICE_FD</c> (NUL-terminated name; returns the new
    /// fd). The descriptor-taking ones need the group to be open in a <see cref="VfioProcess"/>.
    /// </summary>
    /// <param name="request">The request number.</param>
    /// <param name="argument">The argument bytes.</param>
    /// <returns>0, or the new device fd for GET_DEVICE_FD.</returns>
    /// <exception cref="MdevException">The kernel's errno; unknown requests are <c>ENOTTY</c>.</exception>
    public long Ioctl(uint request, Span<byte> argument)
    {
        switch (request)
        {
            case VfioIoctl.GroupGetStatus:
                Uapi.CheckArgsz(argument, Uapi.GroupStatusSize, "group get status");
                Uapi.Put(argument, 4, (uint)GetStatus());
                return 0;
            case VfioIoctl.GroupSetContainer:
                if (argument.Length < 4)
                {
                    throw new MdevException(Errno.EFAULT, "group set container: no fd in the argument");
                }

                int fd = Uapi.S32(argument, 0);
                if (fd < 0)
                {
                    throw new MdevException(Errno.EBADF, $"group set container: fd {fd}");
                }

                var resolve = ContainerResolver ?? throw new MdevException(Errno.EBADF, $"group set container: fd {fd} is not open here");
                SetContainer(resolve(fd));
                return 0;
            case VfioIoctl.GroupUnsetContainer:
                UnsetContainer();
                return 0;
            case VfioIoctl.GroupGetDeviceFd:
                int nul = argument.IndexOf((byte)0);
                if (nul < 0)
                {
                    throw new MdevException(argument.Length >= 4096 ? Errno.EINVAL : Errno.EFAULT, "group get device fd: the name is not NUL-terminated");
                }

                var device = GetDeviceFile(Encoding.UTF8.GetString(argument[..nul]));
                if (DeviceFileRegistrar is null)
                {
                    device.Dispose();
                    throw new MdevException(Errno.EBADF, "group get device fd: the group is not open in a process (use GetDeviceFile)");
                }

                return DeviceFileRegistrar(device);
            default:
                throw new MdevException(Errno.ENOTTY, $"group ioctl 0x{request:x}: unknown");
        }
    }

    /// <summary>Closes the group file; the release waits for the group's open device files.</summary>
    public void Dispose()
    {
        lock (_module.Lock)
        {
            if (Group.OpenFile != this || Group.FileClosing)
            {
                return;
            }

            Group.FileClosing = true;
            if (Group.DeviceFiles == 0)
            {
                ReleaseLocked();
            }
        }
    }

    /// <summary>The group file's release: leave the container, free the group for the next opener.</summary>
    internal void ReleaseLocked()
    {
        Group.Container?.DetachLocked(Group);
        Group.OpenFile = null;
        Group.FileClosing = false;
    }

    private void ThrowIfDead(string what)
    {
        if (Group.DeviceGone)
        {
            throw new MdevException(Errno.ENODEV, $"{what} on group {Group.Id}: the group's device is gone");
        }
    }

    private void ThrowIfReleased()
    {
        if (Group.OpenFile != this || Group.FileClosing)
        {
            throw new MdevException(Errno.EBADF, $"group {Group.Id}: the file is closed");
        }
    }
}
