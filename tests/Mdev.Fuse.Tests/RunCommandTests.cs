using System.Diagnostics;
using Mdev.Fuse.Tests.Support;

namespace Mdev.Fuse.Tests;

/// <summary>
/// <c>mdev-sim run</c> with the real mdevctl 1.2.0: faults armed from the host file, parent hot-plug through the NVIDIA
/// driver's bind/unbind files with the udev rule emulated, the command's status, and nothing left when the server is killed.
/// </summary>
public sealed class RunCommandTests : IDisposable
{
    private const string U = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";
    private const string U2 = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1002";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mdev-run-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Run_ExitsWithTheCommandsStatus_WithTheSimulatedSysAndAPrivateMdevctlDirectory()
    {
        var r = await RunAsync(null, [], "ls /sys/class/mdev_bus; ls /etc/mdevctl.d/scripts.d; ls /etc/mdevctl.d | wc -l; exit 7");
        r.ExitCode.Should().Be(7, r.ToString());
        r.Stdout.Should().Be("0.0.0313\n0000:00:02.0\n0000:3e:00.0\nmatrix\nmtty\ncallouts\nnotifiers\n1\n");
        File.ReadLines("/proc/self/mountinfo").Should().NotContain(l => l.Contains("mdev-sim-run-", StringComparison.Ordinal));
    }

    /// <summary>
    /// The unmount at the end of a run after CMD used libudev (<c>udevadm info</c>: statfs, the root's attributes): with
    /// the kernel cache on, a <c>stat</c> of the mount point could be answered from the cache and not wake the request
    /// loop, which then slept until the unmount gave up (10 s) and left the mount and its directory behind ("cannot
    /// remove ...: Device or resource busy"). Seen with udevadm and libvirtd; the wake-up is now a lookup of a fresh name.
    /// </summary>
    [Fact]
    public async Task AfterTheCommandUsedLibudev_TheRunUnmountsAndRemovesItsDirectory()
    {
        var r = await RunAsync(null, [], "udevadm info --path=/sys/devices/virtual/mtty/mtty >/dev/null && stat -c %F /sys/devices/virtual/mtty/mtty");
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be("directory\n");
        r.Stderr.Should().NotContain("cannot remove", r.ToString());
    }

    /// <summary>
    /// The deadlock's fix, by design: the bind over <c>/sys</c> exists only in the command's namespace; the server's own
    /// <c>/sys</c> (seen through <c>/proc/&lt;server&gt;/mountinfo</c>, the command's parent) is still the kernel's sysfs,
    /// and the udev emulation's mdevctl sees the mount as the command does.
    /// </summary>
    [Fact]
    public async Task TheServersOwnSys_IsTheKernelsSysfs_OnlyTheCommandSeesTheMount()
    {
        const string TopOfSys = "awk '$5==\"/sys\" { for (i = 7; i <= NF; i++) if ($i == \"-\") t = $(i + 1) } END { print t }'";
        var r = await RunAsync(null, [], $"{TopOfSys} /proc/self/mountinfo; {TopOfSys} /proc/$PPID/mountinfo; grep -c ' /etc/mdevctl.d ' /proc/$PPID/mountinfo");
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be("fuse.mdev\nsysfs\n1\n");
    }

    /// <summary>
    /// statfs says sysfs (issue 15 point 2): the preload library in the command's <c>LD_PRELOAD</c> answers statfs of
    /// the mount at <c>/sys</c> with SYSFS_MAGIC and sysfs's sizes; without it the same call says FUSE; the same FUSE
    /// mount at its other path (the server's temporary directory, also visible in the command's namespace) and other
    /// filesystems pass through. <c>Native/statfs-check.c</c> checks fstatfs/fstatfs64 on an O_PATH descriptor (what
    /// sd-device's <c>fd_is_fs_type</c> does) and statfs/statfs64, and that errno is kept.
    /// </summary>
    [Fact]
    public async Task StatfsOfSys_SaysSysfs_OnlyForTheMountAtSys_AndOnlyWithThePreload()
    {
        var checker = await BuildCheckerAsync("statfs-check");
        var r = await RunAsync(
            null,
            [],
            "echo $MDEV_SIM_SYSFS; echo \"$LD_PRELOAD\" | grep -c 'mdev_vfio_preload.so$'",
            "stat -f -c %t /sys; env -u LD_PRELOAD stat -f -c %t /sys",
            "M=$(awk '$5 ~ /mdev-sim-run-/ { print $5 }' /proc/self/mountinfo); stat -f -c %t $M",
            $"{checker} /sys /sys/class/mdev_bus/mtty /sys/devices/virtual/mtty/mtty/uevent /proc",
            $"env -u LD_PRELOAD {checker} /sys/devices");
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be(
            "/sys\n1\n" +
            "62656572\n65735546\n" +
            "65735546\n" +
            "/sys 62656572 62656572 62656572 62656572 4096 4096 255 0 0 errno-kept=1\n" +
            "/sys/class/mdev_bus/mtty 62656572 62656572 62656572 62656572 4096 4096 255 0 0 errno-kept=1\n" +
            "/sys/devices/virtual/mtty/mtty/uevent 62656572 62656572 62656572 62656572 4096 4096 255 0 0 errno-kept=1\n" +
            "/proc 9fa0 9fa0 9fa0 9fa0 4096 4096 255 0 0 errno-kept=1\n" +
            "bad-fd -1 EBADF\n" +
            "/sys/devices 65735546 65735546 65735546 65735546 4096 4096 255 0 0 errno-kept=1\n" +
            "bad-fd -1 EBADF\n");
    }

    /// <summary>
    /// Why statfs must say sysfs: systemd 252's sd-device (libudev) refuses a syspath whose fstatfs is not SYSFS_MAGIC
    /// ("is outside of sysfs, refusing"); with the preload <c>udevadm info</c> reads the device, without it it is refused.
    /// </summary>
    [Fact]
    public async Task UdevadmInfo_ReadsASimulatedDevice_BecauseStatfsSaysSysfs()
    {
        var r = await RunAsync(
            null,
            [],
            "udevadm info --query=all --path=/sys/devices/virtual/mtty/mtty; echo rc=$?",
            "env -u LD_PRELOAD udevadm info --query=all --path=/sys/devices/virtual/mtty/mtty; echo rc=$?");
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().StartWith("P: /devices/virtual/mtty/mtty\n").And.Contain("E: SUBSYSTEM=mtty\n").And.EndWith("rc=0\nrc=1\n");
        r.Stderr.Should().Contain("Unknown device \"/sys/devices/virtual/mtty/mtty\"");
    }

    /// <summary>Waits (bounded) until N sockets are bound to the udev netlink group (2) in this network namespace.</summary>
    private const string WaitBound =
        "wait_bound() { for i in $(seq 600); do [ \"$(awk '$2==15 && $4==\"00000002\"' /proc/net/netlink | wc -l)\" -ge $1 ] && return; sleep 0.05; done; echo not-bound; }";

    /// <summary>
    /// udev events (issue 15 point 3): a libudev-style listener inside <c>run</c> (<c>Native/uevent-listen.c</c>) gets,
    /// for an mdev created and removed through sysfs, every event in libudev's wire format (header checked) with
    /// ACTION, DEVPATH, SUBSYSTEM, DRIVER, SEQNUM and USEC_INITIALIZED, each device's events in order and SEQNUM
    /// strictly increasing; a listener in the host's network namespace gets none of them. The namespace has only
    /// <c>lo</c>, up, and a private <c>/run/udev</c> with <c>control</c>.
    /// </summary>
    [Fact]
    public async Task UdevEvents_ReachAListenerInsideRun_InOrder_AndNoneReachTheHost()
    {
        var listener = await BuildCheckerAsync("uevent-listen");
        using var host = Process.Start(new ProcessStartInfo(listener, ["count", U]) { RedirectStandardInput = true, RedirectStandardOutput = true })!;
        (await host.StandardOutput.ReadLineAsync().WaitAsync(ChildProcess.Timeout)).Should().Be("ready");

        var r = await RunAsync(
            null,
            [],
            WaitBound,
            "ls /run/udev | tr '\\n' ' '; echo; ip -o link show | awk '{ print $2, ($3 ~ /[<,]UP[,>]/) }'",
            $"{listener} watch {U} > {_dir.FullName}/watch.txt & W=$!",
            "wait_bound 1",
            $"echo {U} > /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create && echo 1 > /sys/bus/mdev/devices/{U}/remove",
            "wait $W; echo watch=$?");
        host.StandardInput.Close();
        var hostCount = await host.StandardOutput.ReadToEndAsync().WaitAsync(ChildProcess.Timeout);
        await host.WaitForExitAsync();

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be("control data \nlo: 1\nwatch=0\n");
        hostCount.Should().Be("count 0\n", "the events stay in run's network namespace");
        var lines = File.ReadAllLines(Path.Combine(_dir.FullName, "watch.txt"));
        lines[0].Should().Be("ready");
        var events = lines.Skip(1).Select(l => l.Split(' ')).ToArray();
        events.Should().AllSatisfy(e => e.Should().HaveCount(6, string.Join(' ', e)).And.EndWith("USEC_INITIALIZED=yes"));
        var seqnums = events.Select(e => ulong.Parse(e[3], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        seqnums.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        string Summary(string[] e) => $"{e[0]} {e[1].Replace(U, "U", StringComparison.Ordinal)} {e[2]} {e[4]}";
        var mdev = events.Where(e => e[1] == $"/devices/virtual/mtty/mtty/{U}").Select(Summary);
        mdev.Should().Equal(
            "add /devices/virtual/mtty/mtty/U mdev DRIVER=",
            "bind /devices/virtual/mtty/mtty/U mdev DRIVER=mtty",
            "unbind /devices/virtual/mtty/mtty/U mdev DRIVER=",
            "remove /devices/virtual/mtty/mtty/U mdev DRIVER=");
        events.Where(e => e[1].StartsWith($"/devices/virtual/mtty/mtty/{U}/", StringComparison.Ordinal)).Select(Summary).Should().Equal(
            "add /devices/virtual/mtty/mtty/U/vfio-dev/vfio0 vfio-dev DRIVER=",
            "remove /devices/virtual/mtty/mtty/U/vfio-dev/vfio0 vfio-dev DRIVER=");
    }

    /// <summary>
    /// The real libudev listener (systemd 252's <c>udevadm monitor --udev</c>, sd-device-monitor) accepts the messages:
    /// it checks the sender's credentials, the magic and the header, then its BPF filter (from
    /// <c>--subsystem-match=mdev</c>) compares our MurmurHash2 of SUBSYSTEM: the filtered monitor gets exactly the four
    /// mdev events, the unfiltered one the vfio-dev ones too. The NVIDIA parent unbound and bound again: its PCI events
    /// carry what <c>50-udev-default.rules</c>' path_id adds (<c>ID_PATH</c>, <c>ID_PATH_TAG</c>) after USEC_INITIALIZED,
    /// and the udev database (<c>/run/udev/data</c>) has them for <c>udevadm info</c>; the removed devices have none.
    /// </summary>
    [Fact]
    public async Task UdevadmMonitor_GetsTheEvents_AndItsSubsystemFilterUsesOurHash()
    {
        var d = _dir.FullName;
        var r = await RunAsync(
            null,
            [],
            WaitBound,
            $"stdbuf -oL udevadm monitor --udev --property > {d}/all.txt & A=$!",
            $"stdbuf -oL udevadm monitor --udev --property --subsystem-match=mdev > {d}/mdev.txt & B=$!",
            "wait_bound 2",
            $"echo {U} > /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create && echo 1 > /sys/bus/mdev/devices/{U}/remove",
            "echo 0000:3e:00.0 > /sys/bus/pci/drivers/nvidia/unbind && echo 0000:3e:00.0 > /sys/bus/pci/drivers/nvidia/bind",
            $"for i in $(seq 600); do grep -q 'bind .*0000:3e:00.0 (pci)' {d}/all.txt && grep -q 'remove .*{U} (mdev)' {d}/mdev.txt && break; sleep 0.05; done",
            "kill $A $B; wait",
            "ls /run/udev/data",
            "udevadm info --query=property --path=/sys/devices/pci0000:00/0000:3e:00.0 | grep -E '^(USEC_INITIALIZED|ID_PATH)' | sed 's/^USEC_INITIALIZED=[0-9]*$/USEC_INITIALIZED=N/'");
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be("+pci:0000:3e:00.0\nUSEC_INITIALIZED=N\nID_PATH=pci-0000:3e:00.0\nID_PATH_TAG=pci-0000_3e_00_0\n");

        static string[][] Events(string file) => File.ReadAllText(file).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(b => b.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Where(b => b[0].StartsWith("UDEV ", StringComparison.Ordinal)).ToArray();
        static string Summary(string[] e) =>
            string.Join(' ', e.Skip(1).Where(l => !l.StartsWith("SEQNUM=", StringComparison.Ordinal) && !l.StartsWith("USEC_INITIALIZED=", StringComparison.Ordinal)));
        var all = Events(Path.Combine(d, "all.txt"));
        var mdev = Events(Path.Combine(d, "mdev.txt"));
        var dev = $"DEVPATH=/devices/virtual/mtty/mtty/{U}";
        mdev.Select(Summary).Should().Equal(
            $"ACTION=add {dev} SUBSYSTEM=mdev",
            $"ACTION=bind {dev} SUBSYSTEM=mdev DRIVER=mtty",
            $"ACTION=unbind {dev} SUBSYSTEM=mdev",
            $"ACTION=remove {dev} SUBSYSTEM=mdev");
        all.Select(Summary).Should().Contain(mdev.Select(Summary)).And.Contain($"ACTION=add {dev}/vfio-dev/vfio0 SUBSYSTEM=vfio-dev");
        all.Should().AllSatisfy(e => e.Should().Contain(l => l.StartsWith("SEQNUM=", StringComparison.Ordinal)).And.Contain(l => l.StartsWith("USEC_INITIALIZED=", StringComparison.Ordinal)));
        mdev.Select(e => e.Single(l => l.StartsWith("USEC_INITIALIZED=", StringComparison.Ordinal))).Distinct().Should().HaveCount(1, "one device, initialized once");
        var pci = all.Where(e => e.Contains("SUBSYSTEM=pci") && e.Contains("DEVPATH=/devices/pci0000:00/0000:3e:00.0")).ToArray();
        pci.Select(e => e.Single(l => l.StartsWith("ACTION=", StringComparison.Ordinal))).Should().Contain(["ACTION=unbind", "ACTION=bind"]);
        pci.Should().AllSatisfy(e => e.TakeLast(2).Should().Equal("ID_PATH=pci-0000:3e:00.0", "ID_PATH_TAG=pci-0000_3e_00_0"));
        pci.Should().AllSatisfy(e => e[^3].Should().StartWith("USEC_INITIALIZED="));
    }

    /// <summary>
    /// A listener that never reads does not hold anything up: with one stalled at the smallest receive buffer, 20
    /// creates and removes all succeed, a reading listener still gets every event (all 20 removes, then the last
    /// device's), and the stalled one finds its messages dropped (ENOBUFS), as a full netlink socket does.
    /// </summary>
    [Fact]
    public async Task AStalledListener_BlocksNeitherTheCoreNorOtherListeners_ItsMessagesAreDropped()
    {
        var listener = await BuildCheckerAsync("uevent-listen");
        var d = _dir.FullName;
        var r = await RunAsync(
            null,
            [],
            WaitBound,
            $"mkfifo {d}/f; {listener} stall < {d}/f > {d}/stall.txt & S=$!; exec 3> {d}/f",
            $"{listener} watch {U} > {d}/watch.txt & W=$!",
            "wait_bound 2",
            $"T=/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create; ok=0; for i in $(seq 20); do echo {U2} > $T && echo 1 > /sys/bus/mdev/devices/{U2}/remove && ok=$((ok+1)); done; echo ok=$ok",
            $"echo {U} > $T && echo 1 > /sys/bus/mdev/devices/{U}/remove",
            "wait $W; echo watch=$?; exec 3>&-; wait $S",
            $"cat {d}/stall.txt; grep -c '^remove .*/{U2} mdev' {d}/watch.txt");
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be("ok=20\nwatch=0\nready\nENOBUFS\n20\n");
    }

    [Fact]
    public async Task ArmedEnospc_IsNoSpaceLeftOnDevice_FromMdevctlStart_AndLeavesNothing()
    {
        var r = await RunAsync(
            """{"parents":[{"kind":"nvidia"}],"faults":[{"point":"create","errno":"ENOSPC","type":"nvidia-11"}]}""",
            [],
            $"mdevctl start -u {U} -p 0000:3e:00.0 -t nvidia-11; echo rc=$?",
            "mdevctl list; ls /sys/bus/mdev/devices | wc -l",
            "cat /sys/class/mdev_bus/0000:3e:00.0/mdev_supported_types/nvidia-11/available_instances",
            $"mdevctl start -u {U} -p 0000:3e:00.0 -t nvidia-11; echo rc=$?; mdevctl list");
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stderr.Should().Contain($"Failed to create mdev {U}, type nvidia-11 on 0000:3e:00.0").And.Contain("No space left on device (os error 28)");
        r.Stdout.Should().Be($"rc=1\n\n0\n16\nrc=0\n{U} 0000:3e:00.0 nvidia-11 manual\n\n");
    }

    /// <summary>mdevctl 1.2.0 observed: the attribute write fails, mdevctl removes the device it created and keeps no config.</summary>
    [Fact]
    public async Task EaddrinuseOnAssignDomain_DuringStartJsonfile_MdevctlRemovesTheDevice()
    {
        var json = Path.Combine(_dir.FullName, "ap.json");
        await File.WriteAllTextAsync(json, """{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[{"assign_adapter":"5"},{"assign_domain":"0x47"}]}""");
        var r = await RunAsync(
            """{"parents":[{"kind":"vfio-ap"}],"faults":[{"point":"attribute-store","attribute":"assign_domain","errno":"EADDRINUSE"}]}""",
            [],
            "A=/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/available_instances; cat $A > /tmp/before-$$",
            $"mdevctl start -u {U2} -p matrix --jsonfile {json}; echo rc=$?",
            "mdevctl list; ls /sys/bus/mdev/devices | wc -l; ls /etc/mdevctl.d",
            "cat /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/available_instances | cmp - /tmp/before-$$ && echo same; rm -f /tmp/before-$$");
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stderr.Should().Contain("Failed to write 0x47 to attribute assign_domain").And.Contain("Address already in use (os error 98)");
        r.Stdout.Should().Be("rc=1\n\n0\nscripts.d\nsame\n");
    }

    [Fact]
    public async Task UnbindingTheNvidiaParent_HidesItFromTypesAndList_BindingItAgainStartsTheAutoDevice()
    {
        var r = await RunAsync(
            """{"parents":[{"kind":"nvidia"},{"kind":"mtty"}]}""",
            ["--udev"],
            $"mdevctl define -u {U} -p 0000:3e:00.0 -t nvidia-11 --auto && mdevctl start -u {U} && mdevctl list",
            "echo 0000:3e:00.0 > /sys/bus/pci/drivers/nvidia/unbind; echo unbind=$?",
            "mdevctl types | grep -c 0000:3e:00.0; mdevctl types | grep -c '^mtty'",
            "mdevctl list; echo ---; mdevctl list --defined",
            "echo 0000:3e:00.0 > /sys/bus/pci/drivers/nvidia/bind; echo bind=$?",
            // udev runs mdevctl asynchronously, as on a kernel: wait (bounded) for the device to appear.
            $"for i in $(seq 600); do [ -e /sys/bus/mdev/devices/{U} ] && break; sleep 0.1; done; mdevctl list");
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be(
            $"{U} 0000:3e:00.0 nvidia-11 auto (defined)\n\n" +
            "unbind=0\n0\n1\n" +
            $"\n---\n{U} 0000:3e:00.0 nvidia-11 auto\n\n" +
            "bind=0\n" +
            $"{U} 0000:3e:00.0 nvidia-11 auto (defined)\n\n");
    }

    /// <summary>
    /// Vendor quirks from the host file, as the real mdevctl 1.2.0 shows them: a GVT-g type without <c>name</c> has no
    /// "Name:" line (and a device on it lists and dumps as usual), an NVIDIA type without <c>description</c> no
    /// "Description:" line; NVIDIA's one-type-per-GPU rule is in <c>mdevctl types</c>; <c>vgpu_params</c> written
    /// without a newline (<c>printf</c>) succeeds and changes nothing, with one (<c>echo</c>) it is stored.
    /// </summary>
    [Fact]
    public async Task Quirks_TypesWithoutNameOrDescription_AndANewlineOnlyAttribute_WithTheRealMdevctl()
    {
        var r = await RunAsync(
            """{"parents":[{"kind":"i915-gvt","quirks":{"typesWithoutName":true}},{"kind":"nvidia","quirks":{"typesWithoutDescription":true,"newlineOnlyAttributes":["vgpu_params"]}}]}""",
            [],
            "ls /sys/class/mdev_bus/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_4 | tr '\\n' ' '; echo",
            "mdevctl types -p 0000:00:02.0 | grep -A3 'i915-GVTg_V5_4$'",
            $"mdevctl start -u {U} -p 0000:00:02.0 -t i915-GVTg_V5_4 && mdevctl list",
            $"mdevctl start -u {U2} -p 0000:3e:00.0 -t nvidia-11 && mdevctl types -p 0000:3e:00.0 | grep -A3 -E 'nvidia-1[12]$'",
            $"P=/sys/bus/mdev/devices/{U2}/nvidia/vgpu_params; printf frame_rate_limiter=0 > $P; echo printf=$?; cat $P; echo frame_rate_limiter=0 > $P; echo echo=$?; cat $P");
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be(
            "available_instances create description device_api devices \n" +
            "  i915-GVTg_V5_4\n    Available instances: 3\n    Device API: vfio-pci\n    Description: low_gm_size: 128MB, high_gm_size: 512MB, fence: 4, resolution: 1920x1200, weight: 4\n" +
            $"{U} 0000:00:02.0 i915-GVTg_V5_4 manual\n\n" +
            "  nvidia-11\n    Available instances: 15\n    Device API: vfio-pci\n    Name: GRID M60-0B\n" +
            "  nvidia-12\n    Available instances: 0\n    Device API: vfio-pci\n    Name: GRID M60-0Q\n" +
            "printf=0\n\necho=0\nframe_rate_limiter=0\n");
    }

    /// <summary>
    /// Asynchronous appearance with the real mdevctl 1.2.0 (real time: the windows are far longer than the commands in
    /// them). While the <c>mdev_type</c> link is late, <c>mdevctl start</c> has succeeded but <c>mdevctl list</c> shows
    /// nothing and <c>mdevctl stop</c> fails with ENOENT; once it is there the device lists. While a removal takes its
    /// time the device is hidden (no bus link, not listed) but its directory is still there.
    /// </summary>
    [Fact]
    public async Task DelayedMdevTypeLink_AndSlowRemoval_AsTheRealMdevctlSeesThem()
    {
        var r = await RunAsync(
            """{"parents":[{"kind":"mtty"}],"mdevTypeLinkDelayMs":8000,"removeDurationMs":8000}""",
            [],
            $"mdevctl start -u {U} -p mtty -t mtty-2; echo start=$?; mdevctl list; mdevctl list --dumpjson; echo",
            $"mdevctl stop -u {U}; echo stop=$?",
            $"for i in $(seq 600); do [ -e /sys/bus/mdev/devices/{U}/mdev_type ] && break; sleep 0.05; done; mdevctl list",
            $"mdevctl stop -u {U} & for i in $(seq 600); do [ -e /sys/bus/mdev/devices/{U} ] || break; sleep 0.02; done",
            $"ls -d /sys/devices/virtual/mtty/mtty/{U} >/dev/null && echo still-there; mdevctl list; wait; echo stopped=$?; echo left=$(ls /sys/devices/virtual/mtty/mtty | grep -c {U})");
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stderr.Should().Contain("No such file or directory (os error 2)");
        r.Stdout.Should().Be(
            "start=0\n\n[]\n\n" +
            "stop=1\n" +
            $"{U} mtty mtty-2 manual\n\n" +
            "still-there\n\nstopped=0\nleft=0\n");
    }

    [Fact]
    public async Task MdevNotLoaded_HasNoMdevBusNorClass_ForTheCommand()
    {
        var r = await RunAsync("""{"parents":[],"mdevLoaded":false}""", [], "ls /sys/bus /sys/class; mdevctl types; echo rc=$?");
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().NotContain("mdev").And.EndWith("rc=0\n");
    }

    [Theory]
    [InlineData("""{"parents":[{"kind":"mtty"}],"faults":[{"point":"create","errno":"ENOPE"}]}""", "unknown errno name 'ENOPE'")]
    [InlineData("""{"parents":[{"kind":"mtty"}],"faults":[{"point":"create","errno":"EIO","parent":"gone"}]}""", "unknown parent 'gone'")]
    [InlineData("""{"parents":[{"kind":"mtty"}],"mdevLoaded":false}""", "leaves no place for parents")]
    public async Task BadHostFile_Is125_NamingWhatWasWrong_AndRunsNothing(string host, string named)
    {
        var r = await RunAsync(host, [], "echo ran");
        r.ExitCode.Should().Be(125, r.ToString());
        r.Stderr.Should().Contain(named);
        r.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task KillingTheServer_KillsTheCommand_AndLeavesNoMountNorProcess()
    {
        var marker = "601." + Random.Shared.Next(100000, 999999);
        var start = StartInfo(null, [], $"echo $PPID; exec sleep {marker}");
        using var run = Process.Start(start)!;
        run.StandardInput.Close();
        var line = await run.StandardOutput.ReadLineAsync().WaitAsync(ChildProcess.Timeout);
        int server = int.Parse(line!, System.Globalization.CultureInfo.InvariantCulture);
        Process.GetProcessById(server).Kill();

        await run.WaitForExitAsync().WaitAsync(ChildProcess.Timeout);
        run.ExitCode.Should().Be(137, "the namespaced server died of SIGKILL");
        var left = await ChildProcess.RunAsync("pgrep", "-f", "sleep " + marker);
        left.ExitCode.Should().Be(1, "the command died with the server: " + left.Stdout);
        File.ReadLines("/proc/self/mountinfo").Should().NotContain(l => l.Contains("mdev-sim-run-", StringComparison.Ordinal));
    }

    /// <summary>Builds <c>Native/&lt;name&gt;.c</c> (copied next to the tests) with gcc into this test's directory.</summary>
    private async Task<string> BuildCheckerAsync(string name)
    {
        var output = Path.Combine(_dir.FullName, name);
        var gcc = await ChildProcess.RunAsync("gcc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-o", output, Path.Combine(AppContext.BaseDirectory, "Native", name + ".c"));
        gcc.ExitCode.Should().Be(0, gcc.ToString());
        return output;
    }

    private async Task<CommandResult> RunAsync(string? hostJson, string[] options, params string[] lines)
    {
        var start = StartInfo(hostJson, options, lines);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(ChildProcess.Timeout);
        return new CommandResult(string.Join(' ', start.ArgumentList), process.ExitCode, await stdout, await stderr);
    }

    private ProcessStartInfo StartInfo(string? hostJson, string[] options, params string[] lines)
    {
        var script = Path.Combine(_dir.FullName, $"cmd-{Guid.NewGuid():N}.sh");
        File.WriteAllText(script, string.Join('\n', lines) + "\n");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "mdev-sim.dll"), "run" })
        {
            start.ArgumentList.Add(a);
        }

        if (hostJson is not null)
        {
            var host = Path.Combine(_dir.FullName, $"host-{Guid.NewGuid():N}.json");
            File.WriteAllText(host, hostJson);
            start.ArgumentList.Add("--host");
            start.ArgumentList.Add(host);
        }

        foreach (var a in options.Concat(["--", "bash", script]))
        {
            start.ArgumentList.Add(a);
        }

        return start;
    }
}
