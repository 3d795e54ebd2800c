using Mdev.Core;
using Mdev.Fuse.Tests.Support;

namespace Mdev.Fuse.Tests;

/// <summary>With allow_other, users other than root read what sysfs lets them read and write nothing, as on a kernel.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class OtherUsersTests
{
    [Fact]
    public async Task NonRootCaller_ReadsPublicAttributes_ButCannotCreateOrRemove()
    {
        var root = Directory.CreateTempSubdirectory("mdev-fuse-other-");
        File.SetUnixFileMode(root.FullName, (UnixFileMode)Convert.ToInt32("755", 8));
        var mountPoint = root.CreateSubdirectory("sys").FullName;
        using var core = new MdevCore();
        core.RegisterDriver(new TestBusDriver("mtty"));
        core.RegisterParent(core.AddDevice("/sys/devices/virtual/mtty/mtty", deviceClass: "mtty"), new SerialVendor());
        var types = Path.Join(mountPoint, "class/mdev_bus/mtty/mdev_supported_types/mtty-1");
        const string U = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";
        using (var mount = SysfsMount.Mount(core.Sysfs, mountPoint, new SysfsMountOptions { AllowOther = true }))
        {
            var asNobody = await ChildProcess.RunAsync("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c",
                $"cat {types}/available_instances; echo {U} > {types}/create; echo rc=$?");
            var asRoot = await ChildProcess.RunAsync("sh", "-c", $"echo {U} > {types}/create; echo rc=$?");

            asNobody.Stdout.Should().Be("24\nrc=2\n", asNobody.ToString()); // dash: a failed redirection is status 2
            asNobody.Stderr.Should().Contain("Permission denied");
            asRoot.Stdout.Should().Be("rc=0\n", asRoot.ToString());
            core.FindDevice(Guid.Parse(U)).Should().NotBeNull("root may create");
        }

        root.Delete(recursive: true);
    }
}
