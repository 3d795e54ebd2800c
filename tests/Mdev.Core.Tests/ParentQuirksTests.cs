using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

/// <summary>Vendor quirks (issue 12 point 4): files a real driver leaves out, attributes it reads its own way.</summary>
public sealed class ParentQuirksTests : IAsyncDisposable
{
    private const string GpuPath = "/sys/devices/pci0000:00/0000:3e:00.0";
    private const string Gpu = "0000:3e:00.0";
    private readonly MdevCore _core = new();
    private readonly TestVendor _vendor = new(poolSize: 4, withDescription: true);
    private readonly Device _device;
    private string? _stored;

    public ParentQuirksTests()
    {
        _device = _core.AddDevice(GpuPath, bus: "pci", driver: "nvidia");
        _vendor.DeviceGroups.Add(new AttributeGroup<MdevDevice>("nvidia", [MdevAttribute<MdevDevice>.ReadWrite("vgpu_params", _ => (_stored ?? string.Empty) + "\n", (_, text) => _stored = text.TrimEnd('\n'))]));
    }

    public ValueTask DisposeAsync() => _core.DisposeAsync();

    [Theory]
    [InlineData("", false)]
    [InlineData(Gpu, true)]
    public void SetParentQuirks_Malformed_IsEinval_AndTheParentRegistersWithEveryFile(string name, bool emptyAttribute)
    {
        var quirks = new ParentQuirks { TypesWithoutName = true, NewlineOnlyAttributes = emptyAttribute ? [""] : [] };

        Assert.Throws<MdevException>(() => _core.SetParentQuirks(name, quirks)).Errno.Should().Be(Errno.EINVAL);

        var parent = _core.RegisterParent(_device, _vendor);
        parent.Quirks.Should().Be(ParentQuirks.None);
        _core.Sysfs.Read(parent.Types[0].SysfsPath + "/name").Should().Be("Single port serial\n");
    }

    [Fact]
    public void TypesWithoutName_LeavesOutOnlyTheNameFile_AsGvtgBeforeLinux518()
    {
        _core.SetParentQuirks(Gpu, new ParentQuirks { TypesWithoutName = true });

        var parent = _core.RegisterParent(_device, _vendor);

        foreach (var type in parent.Types)
        {
            _core.Sysfs.ReadDirectory(type.SysfsPath).Select(e => e.Name).Order(StringComparer.Ordinal)
                .Should().Equal("available_instances", "create", "description", "device_api", "devices");
        }
    }

    [Fact]
    public void TypesWithoutDescription_LeavesOutTheVendorsDescription()
    {
        _core.SetParentQuirks(Gpu, new ParentQuirks { TypesWithoutDescription = true });

        var parent = _core.RegisterParent(_device, _vendor);

        _core.Sysfs.Exists(parent.Types[0].SysfsPath + "/description").Should().BeFalse();
        _core.Sysfs.Read(parent.Types[0].SysfsPath + "/name").Should().Be("Single port serial\n");
    }

    [Fact]
    public async Task Quirks_HoldFromTheNextRegistration_ARegisteredParentKeepsItsFiles()
    {
        var parent = _core.RegisterParent(_device, _vendor);
        _core.SetParentQuirks(Gpu, new ParentQuirks { TypesWithoutName = true });
        _core.Sysfs.Exists(parent.Types[0].SysfsPath + "/name").Should().BeTrue("quirks do not change a registered parent");

        await _core.DetachDriverAsync(_device);
        _core.AttachDriver(_device);
        _core.Sysfs.Exists(_core.FindParent(Gpu)!.Types[0].SysfsPath + "/name").Should().BeFalse("the bind registered it again with the quirk");

        _core.SetParentQuirks(Gpu, null);
        await _core.DetachDriverAsync(_device);
        _core.AttachDriver(_device);
        _core.Sysfs.Read(_core.FindParent(Gpu)!.Types[0].SysfsPath + "/name").Should().Be("Single port serial\n");
    }

    [Fact]
    public void NewlineOnlyAttribute_WithoutNewline_SucceedsAndChangesNothing_WithNewline_IsStored()
    {
        _core.SetParentQuirks(Gpu, new ParentQuirks { NewlineOnlyAttributes = ["vgpu_params"] });
        var parent = _core.RegisterParent(_device, _vendor);
        var mdev = _core.CreateMdevDevice(parent.Types[0], Guid.NewGuid());
        var file = mdev.SysfsPath + "/nvidia/vgpu_params";

        _core.Sysfs.Write(file, "frame_rate_limiter=0").Should().Be(20);
        _core.Sysfs.Read(file).Should().Be("\n");

        _core.Sysfs.Write(file, "frame_rate_limiter=0\n").Should().Be(21);
        _core.Sysfs.Read(file).Should().Be("frame_rate_limiter=0\n");
    }

    [Fact]
    public void WithoutTheQuirk_AWriteWithoutNewline_IsStored()
    {
        var parent = _core.RegisterParent(_device, _vendor);
        var mdev = _core.CreateMdevDevice(parent.Types[0], Guid.NewGuid());

        _core.Sysfs.Write(mdev.SysfsPath + "/nvidia/vgpu_params", "frame_rate_limiter=0");

        _core.Sysfs.Read(mdev.SysfsPath + "/nvidia/vgpu_params").Should().Be("frame_rate_limiter=0\n");
    }
}
