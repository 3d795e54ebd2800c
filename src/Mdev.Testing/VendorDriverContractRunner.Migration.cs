using System.Buffers;
using Mdev.Core;
using Mdev.Vfio;

namespace Mdev.Testing;

/// <content>Advertised migration arcs must work: a device that says it migrates does.</content>
public sealed partial class VendorDriverContractRunner
{
    /// <summary>
    /// A device that advertises migration (STOP_COPY is then mandatory, as the uapi says) round-trips: P2P reaches
    /// RUNNING_P2P when advertised; the source's stop-and-copy stream loads into a fresh device of the same type, which
    /// runs afterwards; with <see cref="VendorDriverContractOptions.MigrationCarriesConfigSpace"/>, with the config space the source had (interrupt
    /// line written by the guest).
    /// </summary>
    /// <returns>A task.</returns>
    public async Task Migration_AdvertisedArcs_RoundTripIntoAFreshDevice()
    {
        await using var host = CreateHost();
        using var source = host.Open(host.CreateDevice(CreatableType(host).Name));
        var flags = MigrationFlags(source);
        if (flags == VfioMigrationFlags.None)
        {
            return;
        }

        Check.True((flags & VfioMigrationFlags.StopCopy) != 0, $"migration flags {flags} without STOP_COPY (the uapi makes it mandatory)");
        if ((flags & VfioMigrationFlags.P2P) != 0)
        {
            Try(() => source.Device.SetMigrationState(VfioMigrationState.RunningP2P), "P2P advertised: RUNNING -> RUNNING_P2P");
            Check.Equal(VfioMigrationState.RunningP2P, source.Device.GetMigrationState());
            Try(() => source.Device.SetMigrationState(VfioMigrationState.Running), "RUNNING_P2P -> RUNNING");
        }

        bool pci = (source.Info.Flags & VfioDeviceFlags.Pci) != 0 && MigrationCarriesConfigSpace;
        if (pci)
        {
            source.WriteConfig8(0x3c, 0x0b);
        }

        var expected = pci ? source.ReadConfigSpace() : null;
        using var destination = await TryAsync(() => host.MigrateToNewDeviceAsync(source), "stop-and-copy into a fresh device");
        Check.Equal(VfioMigrationState.Running, destination.Device.GetMigrationState());
        if (expected is not null)
        {
            Check.SequenceEqual(expected, destination.ReadConfigSpace());
        }
    }

    /// <summary>
    /// A device that advertises PRE_COPY gives a readable stream on entering PRE_COPY, completes it on STOP_COPY (on the
    /// same stream when that arc answers data_fd -1, as mtty), and the whole stream (initial data and the rest) loads
    /// into a fresh device.
    /// </summary>
    /// <returns>A task.</returns>
    public async Task Migration_PreCopy_StreamsInitialDataThenTheRestIntoAFreshDevice()
    {
        await using var host = CreateHost();
        var type = CreatableType(host);
        using var source = host.Open(host.CreateDevice(type.Name));
        if ((MigrationFlags(source) & VfioMigrationFlags.PreCopy) == 0)
        {
            return;
        }

        var stream = new ArrayBufferWriter<byte>();
        var reader = Try(() => source.Device.SetMigrationState(VfioMigrationState.PreCopy), "PRE_COPY advertised: RUNNING -> PRE_COPY")?.Reader;
        Check.True(reader is not null, "entering PRE_COPY gave no data stream");
        if (reader.TryRead(out var initial))
        {
            foreach (var segment in initial.Buffer)
            {
                stream.Write(segment.Span);
            }

            reader.AdvanceTo(initial.Buffer.End);
        }

        // PRE_COPY_P2P -> STOP_COPY keeps the saving file (mtty_save_device_data, mlx5): data_fd -1, the rest follows on
        // the pre-copy stream. A driver that hands out a new stream there is accepted too.
        reader = Try(() => source.Device.SetMigrationState(VfioMigrationState.StopCopy), "PRE_COPY -> STOP_COPY")?.Reader ?? reader;
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                stream.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        using var destination = host.Open(host.CreateDevice(type.Name));
        var writer = Try(() => destination.Device.SetMigrationState(VfioMigrationState.Resuming), "STOP -> RESUMING")?.Writer;
        Check.True(writer is not null, "entering RESUMING gave no data stream");
        await writer.WriteAsync(stream.WrittenMemory);
        await writer.CompleteAsync();
        Try(() => destination.Device.SetMigrationState(VfioMigrationState.Running), $"loading the {stream.WrittenCount}-byte pre-copy stream");
    }

    /// <summary>
    /// PRE_COPY means <c>VFIO_MIG_GET_PRECOPY_INFO</c> answers on the PRE_COPY data_fd (raw uapi, as QEMU asks): a short
    /// argsz is <c>EINVAL</c>; then 0 with flags 0 and <c>initial_bytes</c> the initial data still to read, which is 0
    /// once that much has been read.
    /// </summary>
    /// <returns>A task.</returns>
    public async Task Migration_PreCopy_AnswersPrecopyInfo()
    {
        await using var host = CreateHost();
        var mdev = host.CreateDevice(CreatableType(host).Name);
        using var process = host.Vfio.CreateProcess();
        int container = process.Open(VfioProcess.ContainerPath);
        int group = process.Open($"/dev/vfio/{host.Vfio.FindGroup(mdev)!.Id}");
        process.Ioctl(group, VfioIoctl.GroupSetContainer, UapiBytes.Of(unchecked((uint)container)));
        process.Ioctl(container, VfioIoctl.SetIommu, (ulong)VfioExtension.Type1v2Iommu);
        int device = (int)process.Ioctl(group, VfioIoctl.GroupGetDeviceFd, System.Text.Encoding.ASCII.GetBytes(mdev.Name + "\0"));
        var migration = UapiBytes.Sized(24, 24, VfioIoctl.FeatureGet | VfioIoctl.FeatureMigration);
        if (!Succeeds(() => process.Ioctl(device, VfioIoctl.DeviceFeature, migration)) || (UapiBytes.U32(migration, 8) & (uint)VfioMigrationFlags.PreCopy) == 0)
        {
            return;
        }

        var state = UapiBytes.Sized(16, 16, VfioIoctl.FeatureSet | VfioIoctl.FeatureMigDeviceState, (uint)VfioMigrationState.PreCopy, unchecked((uint)-1));
        Try(() => process.Ioctl(device, VfioIoctl.DeviceFeature, state), "MIG_DEVICE_STATE SET PRE_COPY");
        int dataFd = (int)UapiBytes.U32(state, 12);
        var shortInfo = UapiBytes.Sized(24, 8);
        Check.Equal(Errno.EINVAL, Check.Throws<MdevException>(() => process.Ioctl(dataFd, VfioIoctl.MigGetPrecopyInfo, shortInfo)).Errno);
        var info = UapiBytes.Sized(24, 24);
        Check.Equal(0, Try(() => process.Ioctl(dataFd, VfioIoctl.MigGetPrecopyInfo, info), "VFIO_MIG_GET_PRECOPY_INFO on the PRE_COPY data_fd"));
        Check.Equal(0u, UapiBytes.U32(info, 4));
        ulong initial = UapiBytes.U64(info, 8);
        var buffer = new byte[4096];
        for (ulong read = 0; read < initial;)
        {
            int n = process.Read(dataFd, buffer.AsSpan(0, (int)Math.Min((ulong)buffer.Length, initial - read)));
            Check.True(n > 0, $"PRECOPY_INFO said {initial} initial bytes, the stream ended after {read}");
            read += (ulong)n;
        }

        info = UapiBytes.Sized(24, 24);
        process.Ioctl(dataFd, VfioIoctl.MigGetPrecopyInfo, info);
        Check.Equal(0UL, UapiBytes.U64(info, 8));
    }

    private bool MigrationCarriesConfigSpace => Options.MigrationCarriesConfigSpace;

    private static bool Succeeds(Func<long> call)
    {
        try
        {
            call();
            return true;
        }
        catch (MdevException)
        {
            return false;
        }
    }

    private static async Task<T> TryAsync<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (MdevException ex)
        {
            Check.Fail($"{what} failed with {ex.Errno}: {ex.Message}", ex);
            throw;
        }
    }
}
