using Mdev.Core;
using Mdev.Samples.Mtty.Tests.Support;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty.Tests;

/// <summary>GET_IRQ_INFO and SET_IRQS as mtty answers them (spec §4.5, §6 vector 12): INTx auto-masked, MSI, loop-back, disable, close.</summary>
public sealed class InterruptTests : IDisposable
{
    private const VfioIrqSetFlags Trigger = VfioIrqSetFlags.ActionTrigger;
    private const VfioIrqSetFlags Mask = VfioIrqSetFlags.ActionMask;
    private const VfioIrqSetFlags Unmask = VfioIrqSetFlags.ActionUnmask;
    private const VfioIrqSetFlags None = VfioIrqSetFlags.DataNone;
    private const VfioIrqSetFlags Bool = VfioIrqSetFlags.DataBool;

    private readonly MttyHost _host = new();
    private readonly MdevDevice _mdev;
    private readonly VfioDevice _device;
    private readonly Guest _guest;
    private readonly EventFd _intx = new();
    private readonly EventFd _msi = new();

    public InterruptTests()
    {
        _mdev = _host.Create(MttyHost.Type1);
        _device = _host.OpenTyped(_mdev);
        _guest = new Guest(_device);
    }

    public void Dispose()
    {
        _device.Dispose();
        _host.Dispose();
        _intx.Dispose();
        _msi.Dispose();
    }

    /// <summary>Spec §6 vector 12 byte for byte, with a VMM process's eventfd.</summary>
    [Fact]
    public void Vector12_Raw_IntxEventfd_AutoMasked_UntilUnmask()
    {
        var (process, fd) = _host.OpenRaw(_host.Create(MttyHost.Type1, MttyHost.Uuid2));
        using var vmm = process;
        int efd = process.EventFd();
        var eventFd = process.GetEventFd(efd);
        process.Ioctl(fd, VfioIoctl.DeviceGetInfo, Bytes.Sized(16, 16));

        Expect.Errno(Errno.EINVAL, () => process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(23, 0x24, 0, 0, 1, unchecked((uint)efd))));
        process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(24, 0x24, 0, 0, 1, unchecked((uint)efd))).Should().Be(0);

        process.Pwrite(fd, [0x02], (0L << 40) + 1).Should().Be(1); // IER = THRI with an empty FIFO
        eventFd.Read().Should().Be(1);
        process.Pwrite(fd, [0x02], 1);
        process.Pwrite(fd, [0x41], 0);
        process.Pread(fd, new byte[1], 0); // RX empties the FIFO: THRI again
        eventFd.TryRead(out _).Should().BeFalse("auto-masked");

        process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(20, 0x11, 0, 0, 1)).Should().Be(0); // UNMASK|NONE
        process.Pwrite(fd, [0x02], 1);
        eventFd.Read().Should().Be(1);

        Expect.Errno(Errno.ENOTTY, () => process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(24, 0x24, 2, 0, 1, unchecked((uint)efd))));
        Expect.Errno(Errno.ENOTTY, () => process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(24, 0x0c, 0, 0, 1, unchecked((uint)efd))));
        var info = Bytes.Sized(16, 16, 0, 0);
        process.Ioctl(fd, VfioIoctl.DeviceGetIrqInfo, info).Should().Be(0);
        (Bytes.U32(info, 4), Bytes.U32(info, 8), Bytes.U32(info, 12)).Should().Be((0x7u, 0u, 1u));
    }

    [Fact]
    public void SetIrqs_BeforeGetInfo_IsEinval_ForEveryIndex()
    {
        for (uint index = 0; index < 5; index++)
        {
            Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.TriggerEventFds(index, 0, _intx)));
        }

        _device.GetInfo();
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, _intx));
    }

    [Fact]
    public void SetIrqs_CommonValidation_UsesTheCachedNumIrqsAsEveryIndexsBound()
    {
        _device.GetInfo();
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.TriggerEventFds(5, 0, _intx)));
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 5, _intx)));
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.NoData(Trigger, 0, 4, 2)));
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(new VfioIrqSet(Trigger | None | Bool, 0, 0, 1, bools: [true])));
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(new VfioIrqSet((VfioIrqSetFlags)0x40 | Trigger | None, 0, 0, 1)));

        // start 1 and count 2 pass the common rules (5 "interrupts" per index) and reach mtty's own checks.
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 1, _intx)));
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, _intx, _msi)));
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, _intx));
    }

    [Theory]
    [InlineData(2u)]
    [InlineData(3u)]
    [InlineData(4u)]
    public void SetIrqs_MsixErrReq_AreEnotty(uint index)
    {
        _device.GetInfo();
        Expect.Errno(Errno.ENOTTY, () => _device.SetIrqs(VfioIrqSet.TriggerEventFds(index, 0, _intx)));
        Expect.Errno(Errno.ENOTTY, () => _device.SetIrqs(VfioIrqSet.NoData(Mask, index, 0, 1)));
        Expect.Errno(Errno.ENOTTY, () => _device.SetIrqs(VfioIrqSet.Disable(index)));
    }

    [Fact]
    public void Intx_MaskAndUnmask_NeedIntxModeStartZeroCountOne_EventfdDataIsEnotty()
    {
        _device.GetInfo();
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.NoData(Mask, 0, 0, 1)));
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.NoData(Unmask, 0, 0, 1)));
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, _intx));
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.NoData(Mask, 0, 1, 1)));
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.NoData(Mask, 0, 0, 2)));
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.NoData(Unmask, 0, 0, 0)));
        Expect.Errno(Errno.ENOTTY, () => _device.SetIrqs(new VfioIrqSet(Mask | VfioIrqSetFlags.DataEventFd, 0, 0, 1, eventFds: [_intx])));
        Expect.Errno(Errno.ENOTTY, () => _device.SetIrqs(new VfioIrqSet(Unmask | VfioIrqSetFlags.DataEventFd, 0, 0, 1, eventFds: [_intx])));

        _device.SetIrqs(VfioIrqSet.NoData(Mask, 0, 0, 1));
        Loopback();
        _intx.TryRead(out _).Should().BeFalse("masked");
        _device.SetIrqs(new VfioIrqSet(Unmask | Bool, 0, 0, 1, bools: [false]));
        Loopback();
        _intx.TryRead(out _).Should().BeFalse("UNMASK with a false bool changes nothing");
        _device.SetIrqs(new VfioIrqSet(Unmask | Bool, 0, 0, 1, bools: [true]));
        Loopback();
        _intx.Read().Should().Be(1);
        _device.SetIrqs(VfioIrqSet.NoData(Unmask, 0, 0, 1));
        _device.SetIrqs(new VfioIrqSet(Mask | Bool, 0, 0, 1, bools: [true]));
        Loopback();
        _intx.TryRead(out _).Should().BeFalse();
    }

    [Fact]
    public void Intx_LoopbackTrigger_NeedsIntxMode_BoolFalseDoesNothing()
    {
        _device.GetInfo();
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.NoData(Trigger, 0, 0, 1)));
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, _intx));
        _device.SetIrqs(new VfioIrqSet(Trigger | Bool, 0, 0, 1, bools: [false]));
        _intx.TryRead(out _).Should().BeFalse();
        _device.SetIrqs(new VfioIrqSet(Trigger | Bool, 0, 0, 1, bools: [true]));
        _intx.Read().Should().Be(1);
        _device.SetIrqs(VfioIrqSet.NoData(Unmask, 0, 0, 1));
        Loopback();
        _intx.Read().Should().Be(1);
    }

    [Fact]
    public void Intx_DisableWithCountZero_LeavesNoIrqMode()
    {
        _device.GetInfo();
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.Disable(0)));
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, _intx));
        _device.SetIrqs(VfioIrqSet.Disable(0));
        Expect.Errno(Errno.EINVAL, () => Loopback());
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.NoData(Unmask, 0, 0, 1)));
        _guest.Out(0, Guest.Ier, 0x02);
        _intx.TryRead(out _).Should().BeFalse();
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(1, 0, _msi));
        _device.SetIrqs(VfioIrqSet.NoData(Trigger, 1, 0, 1)); // loop-back: MSI is the mode now
        _msi.Read().Should().Be(1);
    }

    [Fact]
    public void Intx_NegativeFd_DisablesAndStaysDisabled()
    {
        _device.GetInfo();
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, _intx));
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, [null]));
        Expect.Errno(Errno.EINVAL, () => Loopback());
        _guest.Out(0, Guest.Ier, 0x02);
        _intx.TryRead(out _).Should().BeFalse();
    }

    [Fact]
    public void Intx_Rebind_UnmasksAndUsesTheNewEventfd()
    {
        _device.GetInfo();
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, _intx));
        Loopback();
        using var second = new EventFd();
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, second));
        Loopback();
        (_intx.Read(), second.Read()).Should().Be((1UL, 1UL));
    }

    [Fact]
    public void Msi_Signals_NeverAutoMasks_MaskAndUnmaskAreEnotty()
    {
        _device.GetInfo();
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(1, 0, _msi));
        Expect.Errno(Errno.ENOTTY, () => _device.SetIrqs(VfioIrqSet.NoData(Mask, 1, 0, 1)));
        Expect.Errno(Errno.ENOTTY, () => _device.SetIrqs(VfioIrqSet.NoData(Unmask, 1, 0, 1)));
        Expect.Errno(Errno.EINVAL, () => _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, _intx)));

        _guest.Out(0, Guest.Ier, 0x02);
        _guest.Out(0, Guest.Ier, 0x02);
        _device.SetIrqs(VfioIrqSet.NoData(Trigger, 1, 0, 1));
        _msi.Read().Should().Be(3);
        _intx.TryRead(out _).Should().BeFalse();

        _device.SetIrqs(VfioIrqSet.Disable(1));
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, _intx));
        _guest.Out(0, Guest.Ier, 0x02);
        (_intx.Read(), _msi.TryRead(out _)).Should().Be((1UL, false));
    }

    [Fact]
    public void Uart_EveryCause_RaisesTheDeviceInterrupt()
    {
        _device.GetInfo();
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(1, 0, _msi));

        _guest.Out(0, Guest.Ier, 0x08);                  // MSI enabled: nothing yet
        _guest.Out(0, Guest.Mcr, 0x09);                  // OUT2 and DTR: two interrupts from one write
        _msi.Read().Should().Be(2);

        _guest.Out(0, Guest.Ier, 0x01);                  // RDI, trigger level still 0: a byte never matches it
        _guest.Out(0, Guest.Rx, 0x41);
        _msi.TryRead(out _).Should().BeFalse();
        _guest.Out(0, Guest.Fcr, 0x07);                  // forces trigger level 1, clears the FIFO
        _guest.Out(0, Guest.Rx, 0x41);
        _guest.Out(0, Guest.Rx, 0x42);                   // count 2 != 1: no second interrupt
        _msi.Read().Should().Be(1);

        _guest.Out(0, Guest.Ier, 0x04);                  // RLSI: an overrun interrupts
        for (int i = 0; i < 14; i++)
        {
            _guest.Out(0, Guest.Rx, 0x43);
        }

        _msi.TryRead(out _).Should().BeFalse();
        _guest.Out(0, Guest.Rx, 0x44);
        _msi.Read().Should().Be(1);

        _guest.Out(1, Guest.Ier, 0x02);                  // port 1 raises the same device interrupt
        _msi.Read().Should().Be(1);
    }

    [Fact]
    public void SetIrqs_NoOrSeveralActionBits_ReturnZeroAndChangeNothing()
    {
        _device.GetInfo();
        _device.SetIrqs(new VfioIrqSet(None, 0, 0, 1));
        _device.SetIrqs(new VfioIrqSet(Mask | Unmask | None, 1, 0, 1));
        _device.SetIrqs(new VfioIrqSet(Trigger | Mask | None, 0, 0, 1));
        Expect.Errno(Errno.EINVAL, () => Loopback());
    }

    [Fact]
    public void Raw_BadEventfds_AreEbadfAndEinval_NegativeFdDisables()
    {
        var (process, fd) = _host.OpenRaw(_host.Create(MttyHost.Type1, MttyHost.Uuid2));
        using var vmm = process;
        process.Ioctl(fd, VfioIoctl.DeviceGetInfo, Bytes.Sized(16, 16));
        Expect.Errno(Errno.EBADF, () => process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(24, 0x24, 0, 0, 1, 99)));
        Expect.Errno(Errno.EINVAL, () => process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(24, 0x24, 0, 0, 1, unchecked((uint)fd))));

        int efd = process.EventFd();
        process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(24, 0x24, 1, 0, 1, unchecked((uint)efd))).Should().Be(0);
        process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(20, 0x21, 1, 0, 1)).Should().Be(0); // loop-back
        process.GetEventFd(efd).Read().Should().Be(1);
        process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(24, 0x24, 1, 0, 1, 0xffffffff)).Should().Be(0);
        Expect.Errno(Errno.EINVAL, () => process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(20, 0x21, 1, 0, 1)));
    }

    /// <summary>
    /// mtty_set_irqs validates action and mode before it calls eventfd_ctx_fdget: MASK/UNMASK with DATA_EVENTFD is ENOTTY
    /// and an MSI trigger in INTx mode EINVAL, whatever the fd; an INTx TRIGGER disables the old eventfd first.
    /// </summary>
    [Fact]
    public void Raw_VendorChecksComeBeforeTheEventfdIsResolved()
    {
        var (process, fd) = _host.OpenRaw(_host.Create(MttyHost.Type1, MttyHost.Uuid2));
        using var vmm = process;
        process.Ioctl(fd, VfioIoctl.DeviceGetInfo, Bytes.Sized(16, 16));
        int efd = process.EventFd();
        process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(24, 0x24, 0, 0, 1, unchecked((uint)efd))).Should().Be(0); // INTx on

        Expect.Errno(Errno.ENOTTY, () => process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(24, 0x04 | 0x08, 0, 0, 1, 99))); // MASK, DATA_EVENTFD, fd 99 not open
        Expect.Errno(Errno.ENOTTY, () => process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(24, 0x04 | 0x10, 0, 0, 1, 99))); // UNMASK
        Expect.Errno(Errno.ENOTTY, () => process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(24, 0x04 | 0x08, 1, 0, 1, 99))); // MSI MASK
        Expect.Errno(Errno.EINVAL, () => process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(24, 0x24, 1, 0, 1, 99))); // MSI trigger in INTx mode
        process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(20, 0x21, 0, 0, 1)).Should().Be(0, "INTx is still enabled");
        process.GetEventFd(efd).Read().Should().Be(1);

        Expect.Errno(Errno.EBADF, () => process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(24, 0x24, 0, 0, 1, 99)));
        Expect.Errno(Errno.EINVAL, () => process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(20, 0x21, 0, 0, 1))); // the bad fd left INTx disabled
        process.Ioctl(fd, VfioIoctl.DeviceSetIrqs, Bytes.Of(24, 0x24, 1, 0, 1, unchecked((uint)efd))).Should().Be(0, "no IRQ mode: MSI may take over");
    }

    [Fact]
    public void Close_DisablesIntxAndMsi_TheUartStateStays()
    {
        _device.GetInfo();
        _device.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, _intx));
        _guest.Out(0, Guest.Scr, 0x77);
        _device.Dispose();

        using var reopened = _host.OpenTyped(_mdev);
        var guest = new Guest(reopened);
        Expect.Errno(Errno.EINVAL, () => reopened.SetIrqs(VfioIrqSet.NoData(Trigger, 0, 0, 1)));
        guest.Out(0, Guest.Ier, 0x02);
        _intx.TryRead(out _).Should().BeFalse("close_device dropped the INTx eventfd");
        guest.In(0, Guest.Scr).Should().Be(0x77);

        reopened.SetIrqs(VfioIrqSet.TriggerEventFds(1, 0, _msi));
        reopened.Dispose();
        using var third = _host.OpenTyped(_mdev);
        Expect.Errno(Errno.EINVAL, () => third.SetIrqs(VfioIrqSet.NoData(Trigger, 1, 0, 1)));
        new Guest(third).Out(0, Guest.Ier, 0x02);
        _msi.TryRead(out _).Should().BeFalse("close_device dropped the MSI eventfd");
        third.SetIrqs(VfioIrqSet.TriggerEventFds(0, 0, _intx));
    }

    private void Loopback() => _device.SetIrqs(VfioIrqSet.NoData(Trigger, 0, 0, 1));
}
