using Mdev.Core;
using Mdev.Samples.Mtty.Tests.Support;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty.Tests;

/// <summary>
/// Migration details a VMM meets (mainline vfio_main.c and samples/vfio-mdev/mtty.c): DMA logging answered by the VFIO
/// core for mtty's log ops, the pre-copy file kept into STOP_COPY, GET_PRECOPY_INFO, the disabled and read-only files,
/// and the state surviving close and reopen. Malformed requests first, valid ones second.
/// </summary>
public sealed class MigrationFidelityTests : IDisposable
{
    private readonly MttyHost _host = new();

    public void Dispose() => _host.Dispose();

    /// <summary>vfio_ioctl_device_feature_logging_start/stop/report through vfio_check_feature; mtty_log_ops return 0.</summary>
    [Fact]
    public void DmaLogging_CoreChecksFirst_ThenMttysLogOpsAnswerZero()
    {
        var (vmm, fd) = _host.OpenRaw(_host.Create(MttyHost.Type1));
        ulong ranges = vmm.MapAnonymous(4096), bitmap = vmm.MapAnonymous(4096);
        var rangeBytes = vmm.Memory(ranges, 32).Span;
        BitConverter.TryWriteBytes(rangeBytes[0..], 0x10000UL);
        BitConverter.TryWriteBytes(rangeBytes[8..], 0x4000UL);

        // START supports SET only: GET is EINVAL, PROBE (alone or with SET) is 0.
        Expect.Errno(Errno.EINVAL, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Bytes.Sized(32, 32, VfioIoctl.FeatureGet | VfioIoctl.FeatureDmaLoggingStart)));
        vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Bytes.Sized(8, 8, VfioIoctl.FeatureProbe | VfioIoctl.FeatureDmaLoggingStart)).Should().Be(0);
        vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Bytes.Sized(8, 8, VfioIoctl.FeatureProbe | VfioIoctl.FeatureSet | VfioIoctl.FeatureDmaLoggingStart)).Should().Be(0);
        Expect.Errno(Errno.EINVAL, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Bytes.Sized(31, 31, VfioIoctl.FeatureSet | VfioIoctl.FeatureDmaLoggingStart)));
        Expect.Errno(Errno.EINVAL, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Start(4096, 0, ranges)));
        Expect.Errno(Errno.E2BIG, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Start(4096, 257, ranges)));
        Expect.Errno(Errno.EFAULT, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Start(4096, 1, 0x1000)));
        Expect.Errno(Errno.EINVAL, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Start(0x8000, 1, ranges)));
        BitConverter.TryWriteBytes(rangeBytes[16..], 0x12000UL); // overlaps the first
        BitConverter.TryWriteBytes(rangeBytes[24..], 0x1000UL);
        Expect.Errno(Errno.EINVAL, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Start(4096, 2, ranges)));
        BitConverter.TryWriteBytes(rangeBytes[16..], 0x14000UL); // adjacent: fine
        var start = Start(4096, 2, ranges);
        vmm.Ioctl(fd, VfioIoctl.DeviceFeature, start).Should().Be(0);
        Bytes.U64(start, 8).Should().Be(4096, "page_size is written back");

        // REPORT supports GET only; page size at least 4 KiB and a power of two; the bitmap must be mapped.
        Expect.Errno(Errno.EINVAL, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Report(VfioIoctl.FeatureSet, 0x10000, 0x4000, 4096, bitmap)));
        Expect.Errno(Errno.EINVAL, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Report(VfioIoctl.FeatureGet, 0x10000, 0x4000, 2048, bitmap)));
        Expect.Errno(Errno.EINVAL, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Report(VfioIoctl.FeatureGet, 0x10000, 0x4000, 12288, bitmap)));
        Expect.Errno(Errno.EOVERFLOW, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Report(VfioIoctl.FeatureGet, ulong.MaxValue - 4095, 0x2000, 4096, bitmap)));
        Expect.Errno(Errno.EFAULT, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Report(VfioIoctl.FeatureGet, 0x10000, 0x4000, 4096, 0x1000)));
        vmm.Memory(bitmap, 8).Span.Clear();
        vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Report(VfioIoctl.FeatureGet, 0x10000, 0x4000, 4096, bitmap)).Should().Be(0);
        vmm.Memory(bitmap, 8).ToArray().Should().OnlyContain(b => b == 0, "mtty dirties nothing");

        // STOP supports SET only.
        Expect.Errno(Errno.EINVAL, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Bytes.Sized(8, 8, VfioIoctl.FeatureGet | VfioIoctl.FeatureDmaLoggingStop)));
        Expect.Errno(Errno.EINVAL, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Bytes.Sized(8, 8, VfioIoctl.FeatureDmaLoggingStop)));
        vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Bytes.Sized(8, 8, VfioIoctl.FeatureSet | VfioIoctl.FeatureDmaLoggingStop)).Should().Be(0);

        // A feature the core does not know: mtty has no device_feature op, so the core answers EINVAL.
        Expect.Errno(Errno.EINVAL, () => vmm.Ioctl(fd, VfioIoctl.DeviceFeature, Bytes.Sized(16, 16, VfioIoctl.FeatureGet | 10)));
    }

    /// <summary>mtty_save_device_data: PRE_COPY_P2P → STOP_COPY fills the existing file and returns no new one.</summary>
    [Fact]
    public void PreCopy_ToStopCopy_AnswersDataFdMinusOne_AndTheDataFollowsOnThePreCopyFd()
    {
        var (vmm, fd) = _host.OpenRaw(_host.Create(MttyHost.Type1));
        vmm.Pwrite(fd, [0x77], 7).Should().Be(1); // port 0 SCR (BAR0, region 0)
        int pre = SetState(vmm, fd, VfioMigrationState.PreCopy);
        pre.Should().BeGreaterThan(0);
        var header = new byte[100];
        vmm.Read(pre, header).Should().Be(24);
        vmm.Read(pre, header).Should().Be(0, "nothing more in PRE_COPY");

        SetState(vmm, fd, VfioMigrationState.StopCopy).Should().Be(-1);
        var ports = new byte[100];
        vmm.Read(pre, ports).Should().Be(36);
        ports[7].Should().Be(0x77, "the port as it is at STOP_COPY");
        vmm.Read(pre, ports).Should().Be(0);
    }

    /// <summary>mtty_precopy_ioctl: ENOTTY for other commands, argsz, EINVAL outside PRE_COPY, initial_bytes = what is unread.</summary>
    [Fact]
    public void PrecopyInfo_ArgszStateAndUnreadBytes()
    {
        var (vmm, fd) = _host.OpenRaw(_host.Create(MttyHost.Type2));
        int pre = SetState(vmm, fd, VfioMigrationState.PreCopy);

        Expect.Errno(Errno.ENOTTY, () => vmm.Ioctl(pre, VfioIoctl.DeviceFeature, Bytes.Sized(24, 24)));
        Expect.Errno(Errno.EINVAL, () => vmm.Ioctl(pre, VfioIoctl.MigGetPrecopyInfo, Bytes.Sized(24, 23)));
        var info = Bytes.Sized(24, 24, 0, 0xdead, 0xbeef, 0xdead, 0xbeef);
        vmm.Ioctl(pre, VfioIoctl.MigGetPrecopyInfo, info).Should().Be(0);
        (Bytes.U64(info, 8), Bytes.U64(info, 16)).Should().Be((24UL, 0UL));
        vmm.Read(pre, new byte[10]).Should().Be(10);
        vmm.Ioctl(pre, VfioIoctl.MigGetPrecopyInfo, info).Should().Be(0);
        Bytes.U64(info, 8).Should().Be(14);

        SetState(vmm, fd, VfioMigrationState.PreCopyP2P).Should().Be(-1);
        vmm.Ioctl(pre, VfioIoctl.MigGetPrecopyInfo, info).Should().Be(0, "PRE_COPY_P2P is a pre-copy state too");
        SetState(vmm, fd, VfioMigrationState.StopCopy).Should().Be(-1);
        Expect.Errno(Errno.EINVAL, () => vmm.Ioctl(pre, VfioIoctl.MigGetPrecopyInfo, info)); // STOP_COPY is not a pre-copy state
    }

    /// <summary>mtty_disable_file on STOP_COPY → STOP and PRE_COPY → RUNNING: the old fd reads ENODEV; the VFS's EBADF for the wrong direction and ESPIPE for pread/pwrite.</summary>
    [Fact]
    public void OldDataFd_IsEnodevAfterTheStatesEnd_AndTheWrongDirectionIsEbadf()
    {
        var (vmm, fd) = _host.OpenRaw(_host.Create(MttyHost.Type1));
        int pre = SetState(vmm, fd, VfioMigrationState.PreCopy);
        Expect.Errno(Errno.EBADF, () => vmm.Write(pre, [1, 2, 3])); // the saving file is O_RDONLY
        SetState(vmm, fd, VfioMigrationState.Running).Should().Be(-1);
        Expect.Errno(Errno.ENODEV, () => vmm.Read(pre, new byte[8]));
        Expect.Errno(Errno.EINVAL, () => vmm.Ioctl(pre, VfioIoctl.MigGetPrecopyInfo, Bytes.Sized(24, 24)));

        SetState(vmm, fd, VfioMigrationState.Stop).Should().Be(-1);
        int save = SetState(vmm, fd, VfioMigrationState.StopCopy);
        Expect.Errno(Errno.EINVAL, () => vmm.Pread(save, new byte[8], -1)); // ksys_pread64: a negative offset first
        Expect.Errno(Errno.ESPIPE, () => vmm.Pread(save, new byte[8], 0)); // stream_open: no file position
        vmm.Read(save, new byte[100]).Should().Be(60);
        SetState(vmm, fd, VfioMigrationState.Stop).Should().Be(-1);
        Expect.Errno(Errno.ENODEV, () => vmm.Read(save, new byte[8]));

        int resume = SetState(vmm, fd, VfioMigrationState.Resuming);
        Expect.Errno(Errno.EBADF, () => vmm.Read(resume, new byte[8])); // the resuming file is O_WRONLY
        Expect.Errno(Errno.ESPIPE, () => vmm.Pwrite(resume, new byte[8], 0));
        Expect.Errno(Errno.ENOTTY, () => vmm.Ioctl(resume, VfioIoctl.MigGetPrecopyInfo, Bytes.Sized(24, 24)));
        vmm.Ioctl(fd, VfioIoctl.DeviceReset, Span<byte>.Empty).Should().Be(0);
        Expect.Errno(Errno.ENODEV, () => vmm.Write(resume, new byte[8])); // reset disabled it
    }

    /// <summary>mtty has no open_device and its close_device only disables the files: the state survives close and reopen.</summary>
    [Fact]
    public void MigrationState_SurvivesCloseAndReopen_TheFilesDoNot()
    {
        var mdev = _host.Create(MttyHost.Type1);
        var group = _host.Vfio.OpenGroup(_host.GroupId(mdev));
        using var container = _host.Vfio.OpenContainer();
        group.SetContainer(container);
        container.SetIommu(VfioExtension.Type1v2Iommu);
        try
        {
            var first = group.GetDeviceFile(mdev.Name);
            first.SetMigrationState(VfioMigrationState.Stop);
            var data = first.SetMigrationState(VfioMigrationState.StopCopy)!;
            first.Dispose();
            data.IsDisabled.Should().BeTrue("close_device disables the saving file");

            using var second = group.GetDeviceFile(mdev.Name);
            second.GetMigrationState().Should().Be(VfioMigrationState.StopCopy);
            second.SetMigrationState(VfioMigrationState.Running).Should().BeNull();
            second.GetMigrationState().Should().Be(VfioMigrationState.Running);
        }
        finally
        {
            group.Dispose();
        }
    }

    private static byte[] Start(ulong pageSize, uint count, ulong ranges)
    {
        var arg = Bytes.Sized(32, 32, VfioIoctl.FeatureSet | VfioIoctl.FeatureDmaLoggingStart);
        Bytes.Put(arg, 8, pageSize);
        Bytes.Put(arg, 16, count);
        Bytes.Put(arg, 24, ranges);
        return arg;
    }

    private static byte[] Report(uint op, ulong iova, ulong length, ulong pageSize, ulong bitmap)
    {
        var arg = Bytes.Sized(40, 40, op | VfioIoctl.FeatureDmaLoggingReport);
        Bytes.Put(arg, 8, iova);
        Bytes.Put(arg, 16, length);
        Bytes.Put(arg, 24, pageSize);
        Bytes.Put(arg, 32, bitmap);
        return arg;
    }

    private static int SetState(VfioProcess process, int fd, VfioMigrationState state)
    {
        var arg = Bytes.Sized(16, 16, VfioIoctl.FeatureSet | VfioIoctl.FeatureMigDeviceState, (uint)state, 0x12345678);
        process.Ioctl(fd, VfioIoctl.DeviceFeature, arg).Should().Be(0);
        return Bytes.S32(arg, 12);
    }
}
