using System.Globalization;
using System.Xml.Linq;
using Mdev.Fuse.Tests.Support;

namespace Mdev.Fuse.Tests.Libvirt;

/// <summary>
/// Debian 12's libvirt 9.0 (libvirtd's node-device driver, libudev, mdevctl 1.2.0) against the simulated host's five
/// default parents, in one <see cref="LibvirtSession"/> per class: every fact libvirt reports is compared with the
/// sysfs files read through the mount in the same namespace, never with hard-coded values.
/// </summary>
public sealed class LibvirtTests(LibvirtSession session) : IClassFixture<LibvirtSession>
{
    /// <summary>Each default parent: its sysfs name, libvirt's name for it, a type to create on it.</summary>
    public static TheoryData<string, string, string> Parents => new()
    {
        { "mtty", "mtty_mtty", "mtty-2" },
        { "0000:00:02.0", "pci_0000_00_02_0", "i915-GVTg_V5_4" },
        { "0000:3e:00.0", "pci_0000_3e_00_0", "nvidia-11" },
        { "0.0.0313", "css_0_0_0313", "vfio_ccw-io" },
        { "matrix", "ap_matrix", "vfio_ap-passthrough" },
    };

    [Fact]
    public async Task NodedevListMdevTypes_ListsTheFiveDefaultParents_WithLibvirtsNames()
    {
        var r = await RunOkAsync("virsh nodedev-list --cap mdev_types; echo ---; ls /sys/class/mdev_bus");
        var parts = r.Stdout.Split("---\n");
        Lines(parts[1]).Should().BeEquivalentTo(Parents.Select(p => (string)p[0]), "the simulated host's default parents");
        Lines(parts[0]).Should().BeEquivalentTo(Parents.Select(p => (string)p[1]), r.ToString());
    }

    /// <summary>The AP bus's cards and queues (t15a's devices) as libvirt lists them: one node per sysfs device.</summary>
    [Fact]
    public async Task ApCardsAndQueues_AreTheApBusDevices_WithTheirAdapterAndDomain()
    {
        var r = await RunOkAsync("virsh nodedev-list --cap ap_card; virsh nodedev-list --cap ap_queue; echo ---; ls /sys/bus/ap/devices");
        var parts = r.Stdout.Split("---\n");
        var sysfs = Lines(parts[1]);
        sysfs.Should().NotBeEmpty();
        Lines(parts[0]).Should().BeEquivalentTo(sysfs.Select(d => "ap_" + d.Replace('.', '_')), r.ToString());
        foreach (var queue in sysfs.Where(d => d.Contains('.', StringComparison.Ordinal)))
        {
            var xml = await DumpXmlAsync("ap_" + queue.Replace('.', '_'));
            xml.Element("parent")!.Value.Should().Be("ap_card" + queue[..2]);
            var cap = Capability(xml, "ap_queue");
            Convert.ToInt32(cap.Element("ap-adapter")!.Value, 16).Should().Be(Convert.ToInt32(queue[..2], 16));
            Convert.ToInt32(cap.Element("ap-domain")!.Value, 16).Should().Be(Convert.ToInt32(queue[3..], 16));
        }
    }

    [Theory]
    [MemberData(nameof(Parents))]
    public async Task ParentDumpxml_MatchesSysfs_FieldForField(string sysfsName, string libvirtName, string unused)
    {
        _ = unused;
        var xml = await DumpXmlAsync(libvirtName);
        var sysfs = await ParentFactsAsync(sysfsName);
        await AssertParentMatchesAsync(xml, sysfs);
    }

    /// <summary>
    /// libvirt 9.0's own bug, documented and not worked around: a parent that is neither PCI, css nor an AP matrix
    /// (mtty, a virtual device) is a device of type <c>mdev_types</c> whose capability formats the <c>mdev_types</c>
    /// capability again inside itself.
    /// </summary>
    [Fact]
    public async Task MttyXml_NestsMdevTypesTwice_LibvirtsOwnBug()
    {
        var xml = await DumpXmlAsync("mtty_mtty");
        var sysfs = await ParentFactsAsync("mtty");
        var outer = xml.Elements("capability").Should().ContainSingle().Subject;
        outer.Attribute("type")!.Value.Should().Be("mdev_types");
        outer.Elements("type").Should().BeEmpty();
        var inner = outer.Elements("capability").Should().ContainSingle().Subject;
        inner.Attribute("type")!.Value.Should().Be("mdev_types");
        inner.Elements("type").Select(t => t.Attribute("id")!.Value).Should().BeEquivalentTo(sysfs.Types);
    }

    [Fact]
    public async Task NodedevCreate_OfAnUnknownType_Fails_AndLeavesSysfsAndLibvirtAsTheyWere()
    {
        var uuid = Guid.NewGuid().ToString();
        var before = await RunOkAsync("virsh nodedev-list --all; ls /sys/bus/mdev/devices; cat /sys/class/mdev_bus/mtty/mdev_supported_types/*/available_instances");
        var r = await session.RunAsync(WriteXml("bad.xml", MdevXml("mtty_mtty", "mtty-9", uuid)) + "virsh nodedev-create bad.xml");
        r.ExitCode.Should().NotBe(0, r.ToString());
        r.Stderr.Should().Contain("error: Failed to create node device from bad.xml");
        var after = await RunOkAsync("virsh nodedev-list --all; ls /sys/bus/mdev/devices; cat /sys/class/mdev_bus/mtty/mdev_supported_types/*/available_instances");
        after.Stdout.Should().Be(before.Stdout);
    }

    [Theory]
    [MemberData(nameof(Parents))]
    public async Task NodedevCreateAndDestroy_OnEveryParent_LibvirtsListFollows(string sysfsName, string libvirtName, string type)
    {
        var uuid = Guid.NewGuid().ToString();
        var before = await ParentFactsAsync(sysfsName);

        var created = await RunOkAsync(WriteXml("mdev.xml", MdevXml(libvirtName, type, uuid)) + "virsh nodedev-create mdev.xml && echo --- && virsh nodedev-list --cap mdev");
        var name = Lines(created.Stdout.Split("---\n")[1]).Should().ContainSingle(l => l.Contains(uuid.Replace('-', '_'), StringComparison.Ordinal), created.ToString()).Subject;
        created.Stdout.Should().StartWith($"Node device {name} created from mdev.xml\n");

        var mdev = await DumpXmlAsync(name);
        var sysfs = await MdevFactsAsync(uuid);
        mdev.Element("path")!.Value.Should().Be(sysfs["path"]);
        Path.GetDirectoryName(sysfs["path"]).Should().Be(before.Path, "created on that parent");
        mdev.Element("parent")!.Value.Should().Be(libvirtName);
        mdev.Element("driver")!.Element("name")!.Value.Should().Be(sysfs["driver"], "a created mdev is bound to its vendor's VFIO driver");
        var cap = Capability(mdev, "mdev");
        cap.Element("type")!.Attribute("id")!.Value.Should().Be(sysfs["type"]).And.Be(type);
        cap.Element("uuid")!.Value.Should().Be(uuid);
        cap.Element("parent_addr")!.Value.Should().Be(Path.GetFileName(Path.GetDirectoryName(sysfs["path"])));
        cap.Element("iommuGroup")!.Attribute("number")!.Value.Should().Be(sysfs["iommu"], "a VFIO mdev has an IOMMU group");

        // The parent's instances are read again: one fewer, in libvirt as in sysfs.
        var during = await ParentFactsAsync(sysfsName);
        long.Parse(during.Available[type], CultureInfo.InvariantCulture).Should().Be(long.Parse(before.Available[type], CultureInfo.InvariantCulture) - 1);
        await AssertParentMatchesAsync(await DumpXmlAsync(libvirtName), during);

        // nodedev-destroy returns once mdevctl stop has (libvirt 9.0 does not wait for the removal, as on a kernel the
        // udev event comes after): a bounded wait for libvirt's list to drop it.
        var destroyed = await RunOkAsync(
            $"virsh nodedev-destroy {name} || exit\n" +
            $"for i in $(seq 100); do virsh nodedev-list --cap mdev | grep -q {name} || break; sleep 0.1; done\n" +
            "virsh nodedev-list --cap mdev; echo ---; ls /sys/bus/mdev/devices");
        destroyed.Stdout.Should().StartWith($"Destroyed node device '{name}'\n");
        destroyed.Stdout.Split('\n', 2)[1].Should().NotContain(uuid.Replace('-', '_')).And.NotContain(uuid);
        var after = await ParentFactsAsync(sysfsName);
        after.Available.Should().Equal(before.Available);
        await AssertParentMatchesAsync(await DumpXmlAsync(libvirtName), after);
    }

    [Fact]
    public async Task NodedevDefineStartAutostartUndefine_KeepLibvirtAndMdevctlInAgreement()
    {
        var uuid = Guid.NewGuid().ToString();
        var bad = await session.RunAsync(WriteXml("bad.xml", MdevXml("mtty_nope", "mtty-1", uuid)) + "virsh nodedev-define bad.xml");
        bad.ExitCode.Should().NotBe(0, bad.ToString());
        (await RunOkAsync("virsh nodedev-list --cap mdev --all; mdevctl list --defined")).Stdout.Trim().Should().BeEmpty();

        var defined = await RunOkAsync(WriteXml("mdev.xml", MdevXml("mtty_mtty", "mtty-1", uuid)) + "virsh nodedev-define mdev.xml && echo --- && virsh nodedev-list --cap mdev --all");
        var name = Lines(defined.Stdout.Split("---\n")[1]).Should().ContainSingle(l => l.Contains(uuid.Replace('-', '_'), StringComparison.Ordinal), defined.ToString()).Subject;
        defined.Stdout.Should().StartWith($"Node device '{name}' defined from 'mdev.xml'\n");
        await ExpectAsync(name, uuid, active: false, autostart: false, listed: $"{uuid} mtty mtty-1 manual");

        (await RunOkAsync($"virsh nodedev-start {name}")).Stdout.Should().StartWith($"Device {name} started\n");
        await ExpectAsync(name, uuid, active: true, autostart: false, listed: $"{uuid} mtty mtty-1 manual");

        (await RunOkAsync($"virsh nodedev-autostart {name}")).Stdout.Should().StartWith($"Device {name} marked as autostarted\n");
        await ExpectAsync(name, uuid, active: true, autostart: true, listed: $"{uuid} mtty mtty-1 auto");

        (await RunOkAsync($"virsh nodedev-autostart --disable {name}")).Stdout.Should().StartWith($"Device {name} unmarked as autostarted\n");
        await ExpectAsync(name, uuid, active: true, autostart: false, listed: $"{uuid} mtty mtty-1 manual");

        (await RunOkAsync($"virsh nodedev-destroy {name}")).Stdout.Should().StartWith($"Destroyed node device '{name}'\n");
        await ExpectAsync(name, uuid, active: false, autostart: false, listed: $"{uuid} mtty mtty-1 manual");

        (await RunOkAsync($"virsh nodedev-undefine {name}")).Stdout.Should().StartWith($"Undefined node device '{name}'\n");
        // libvirt forgets the definition when inotify reports mdevctl's file gone: a bounded wait for that.
        (await RunOkAsync(
            $"for i in $(seq 100); do virsh nodedev-list --cap mdev --all | grep -q {name} || break; sleep 0.1; done\n" +
            "virsh nodedev-list --cap mdev --all; mdevctl list --defined; ls /sys/bus/mdev/devices")).Stdout.Trim().Should().BeEmpty();
    }

    /// <summary>
    /// Parent hot-plug through the NVIDIA driver's <c>unbind</c> and <c>bind</c> files: libvirt re-reads the parent on
    /// its udev events (the <c>change</c> with <c>MDEV_STATE</c>), so its types go and come back with no restart.
    /// </summary>
    [Fact]
    public async Task UnbindAndBindOfTheNvidiaParent_LibvirtsTypesFollow()
    {
        const string Types = "{ virsh nodedev-list --cap mdev_types | grep -c pci_0000_3e_00_0 || true; }"; // grep -c of none is 1
        var bad = await session.RunAsync($"echo 0000:3e:00.7 > /sys/bus/pci/drivers/nvidia/unbind\n{Types}");
        bad.Stderr.Should().Contain("No such device", bad.ToString());
        bad.Stdout.Should().Be("1\n", "a failed unbind changes nothing");

        var unbound = await RunOkAsync(
            "echo 0000:3e:00.0 > /sys/bus/pci/drivers/nvidia/unbind || exit\n" +
            $"for i in $(seq 100); do [ \"$({Types})\" = 0 ] && break; sleep 0.1; done\n" +
            $"{Types}; ls /sys/class/mdev_bus | grep -c 0000:3e:00.0 || true");
        unbound.Stdout.Should().Be("0\n0\n", unbound.ToString());
        (await DumpXmlAsync("pci_0000_3e_00_0")).Element("driver").Should().BeNull("sysfs has no driver link now");

        var bound = await RunOkAsync(
            "echo 0000:3e:00.0 > /sys/bus/pci/drivers/nvidia/bind || exit\n" +
            $"for i in $(seq 100); do [ \"$({Types})\" = 1 ] && break; sleep 0.1; done\n" +
            $"{Types}; ls /sys/class/mdev_bus | grep -c 0000:3e:00.0 || true");
        bound.Stdout.Should().Be("1\n1\n", bound.ToString());
        await AssertParentMatchesAsync(await DumpXmlAsync("pci_0000_3e_00_0"), await ParentFactsAsync("0000:3e:00.0"));
    }

    /// <summary>
    /// libvirt's view (nodedev-info, the active and the whole list) against sysfs and mdevctl's configuration
    /// (<paramref name="listed"/>: the line of <c>mdevctl list --defined</c>, which adds " (active)" to a running one).
    /// </summary>
    private async Task ExpectAsync(string name, string uuid, bool active, bool autostart, string listed)
    {
        // libvirt learns of a started or stopped device from its udev event and of a changed definition from inotify
        // on /etc/mdevctl.d, both after the virsh command has returned (as on a kernel): a bounded wait for that state.
        var wait = $"for i in $(seq 100); do virsh nodedev-info {name} | grep -q '^Active: *{(active ? "yes" : "no")}$' && " +
                   $"virsh nodedev-info {name} | grep -q '^Autostart: *{(autostart ? "yes" : "no")}$' && break; sleep 0.1; done\n";
        var r = await RunOkAsync(
            wait + $"virsh nodedev-info {name}; echo ---; virsh nodedev-list --cap mdev; echo ---; virsh nodedev-list --cap mdev --all; echo ---; " +
            $"mdevctl list --defined; echo ---; ls /sys/bus/mdev/devices");
        var parts = r.Stdout.Split("---\n");
        var info = Lines(parts[0]).Select(l => l.Split(':', 2)).ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim());
        info["Active"].Should().Be(active ? "yes" : "no", r.ToString());
        info["Persistent"].Should().Be("yes", r.ToString());
        info["Autostart"].Should().Be(autostart ? "yes" : "no", r.ToString());
        Lines(parts[1]).Contains(name).Should().Be(active, r.ToString());
        Lines(parts[2]).Should().Contain(name, r.ToString());
        Lines(parts[3]).Should().Equal([active ? listed + " (active)" : listed], r.ToString());
        Lines(parts[4]).Contains(uuid).Should().Be(active, r.ToString());
    }

    private async Task AssertParentMatchesAsync(XElement xml, ParentFacts sysfs)
    {
        xml.Element("path")!.Value.Should().Be(sysfs.Path);
        xml.Element("driver")?.Element("name")?.Value.Should().Be(sysfs.Facts.GetValueOrDefault("driver"));
        (xml.Element("driver") is null).Should().Be(!sysfs.Facts.ContainsKey("driver"), "a driver element exactly when sysfs has a driver link");
        xml.Element("parent")!.Value.Should().Be(await ExpectedParentAsync(sysfs.Path));
        xml.Descendants("iommuGroup").FirstOrDefault()?.Attribute("number")?.Value.Should().Be(sysfs.Facts.GetValueOrDefault("iommu"));
        (xml.Descendants("iommuGroup").Any()).Should().Be(sysfs.Facts.ContainsKey("iommu"), "an IOMMU group exactly when sysfs has one");

        var types = xml.Descendants("capability").Where(c => c.Attribute("type")?.Value == "mdev_types").SelectMany(c => c.Elements("type")).ToList();
        types.Select(t => t.Attribute("id")!.Value).Should().BeEquivalentTo(sysfs.Types, xml.ToString());
        foreach (var t in types)
        {
            var id = t.Attribute("id")!.Value;
            t.Element("name")?.Value.Should().Be(sysfs.Facts.GetValueOrDefault("name/" + id));
            (t.Element("name") is null).Should().Be(!sysfs.Facts.ContainsKey("name/" + id));
            t.Element("deviceAPI")!.Value.Should().Be(sysfs.Facts["api/" + id]);
            t.Element("availableInstances")!.Value.Should().Be(sysfs.Available[id]);
        }

        var sysname = Path.GetFileName(sysfs.Path);
        if (xml.Elements("capability").FirstOrDefault(c => c.Attribute("type")?.Value == "pci") is { } pci)
        {
            var address = sysname.Split(':', '.').Select(p => Convert.ToInt32(p, 16)).ToArray();
            new[] { "domain", "bus", "slot", "function" }.Select(e => int.Parse(pci.Element(e)!.Value, CultureInfo.InvariantCulture)).Should().Equal(address);
            pci.Element("vendor")!.Attribute("id")!.Value.Should().Be(sysfs.Facts["vendor"]);
            pci.Element("product")!.Attribute("id")!.Value.Should().Be(sysfs.Facts["device"]);
            pci.Element("class")!.Value.Should().Be(sysfs.Facts["class"]);
        }

        if (xml.Elements("capability").FirstOrDefault(c => c.Attribute("type")?.Value == "css") is { } css)
        {
            var address = sysname.Split('.').Select(p => Convert.ToInt32(p, 16)).ToArray();
            new[] { "cssid", "ssid", "devno" }.Select(e => Convert.ToInt32(css.Element(e)!.Value, 16)).Should().Equal(address);

            // The device on the subchannel (dev_busid, "none" when there is none).
            var busid = sysfs.Facts["dev_busid"];
            if (busid == "none")
            {
                css.Element("channel_dev_addr").Should().BeNull();
            }
            else
            {
                var channel = css.Element("channel_dev_addr")!;
                new[] { "cssid", "ssid", "devno" }.Select(e => Convert.ToInt32(channel.Element(e)!.Value, 16))
                    .Should().Equal(busid.Split('.').Select(p => Convert.ToInt32(p, 16)));
            }
        }
    }

    /// <summary>The nearest ancestor directory libvirt has a device for, else libvirt's root device <c>computer</c>.</summary>
    private async Task<string> ExpectedParentAsync(string path)
    {
        var all = await RunOkAsync("for d in $(virsh nodedev-list); do virsh nodedev-dumpxml \"$d\"; done");
        var byPath = XElement.Parse("<all>" + all.Stdout + "</all>").Elements("device")
            .Where(d => d.Element("path") is not null)
            .ToDictionary(d => d.Element("path")!.Value, d => d.Element("name")!.Value);
        for (var p = Path.GetDirectoryName(path); p is not null && p.StartsWith("/sys/devices/", StringComparison.Ordinal); p = Path.GetDirectoryName(p))
        {
            if (byPath.TryGetValue(p, out var name))
            {
                return name;
            }
        }

        return "computer";
    }

    private async Task<XElement> DumpXmlAsync(string name) => XElement.Parse((await RunOkAsync($"virsh nodedev-dumpxml {name}")).Stdout);

    private async Task<ParentFacts> ParentFactsAsync(string sysfsName)
    {
        var r = await RunOkAsync(
            $"d=$(readlink -f /sys/class/mdev_bus/{sysfsName}); echo \"path=$d\"\n" +
            LinkFacts +
            "for f in vendor device class dev_busid; do [ ! -e \"$d/$f\" ] || echo \"$f=$(cat \"$d/$f\")\"; done\n" +
            "for t in \"$d\"/mdev_supported_types/*; do id=${t##*/}; echo \"type=$id\"; [ ! -e \"$t/name\" ] || echo \"name/$id=$(cat \"$t/name\")\"; " +
            "echo \"api/$id=$(cat \"$t/device_api\")\"; echo \"avail/$id=$(cat \"$t/available_instances\")\"; done");
        var pairs = Lines(r.Stdout).Select(l => l.Split('=', 2)).ToList();
        var facts = pairs.Where(p => p[0] != "type").ToDictionary(p => p[0], p => p[1]);
        var types = pairs.Where(p => p[0] == "type").Select(p => p[1]).ToList();
        return new ParentFacts(facts["path"], facts, types, types.ToDictionary(t => t, t => facts["avail/" + t]));
    }

    private async Task<Dictionary<string, string>> MdevFactsAsync(string uuid)
    {
        var r = await RunOkAsync($"d=$(readlink -f /sys/bus/mdev/devices/{uuid}); echo \"path=$d\"; echo \"type=$(basename \"$(readlink \"$d/mdev_type\")\")\"\n" + LinkFacts);
        return Lines(r.Stdout).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
    }

    /// <summary>The driver and IOMMU group of the device directory <c>$d</c>, from its links, when it has them.</summary>
    private const string LinkFacts =
        "[ ! -e \"$d/driver\" ] || echo \"driver=$(basename \"$(readlink \"$d/driver\")\")\"\n" +
        "[ ! -e \"$d/iommu_group\" ] || echo \"iommu=$(basename \"$(readlink \"$d/iommu_group\")\")\"\n";

    private async Task<CommandResult> RunOkAsync(string script)
    {
        var r = await session.RunAsync(script);
        r.ExitCode.Should().Be(0, $"{r}\n--- libvirt session:\n{session.Errors}");
        return r;
    }

    private static XElement Capability(XElement device, string type) =>
        device.Elements("capability").Should().ContainSingle(c => c.Attribute("type")!.Value == type, device.ToString()).Subject;

    private static string MdevXml(string parent, string type, string uuid) =>
        $"<device><parent>{parent}</parent><capability type='mdev'><type id='{type}'/><uuid>{uuid}</uuid></capability></device>";

    /// <summary>A shell line that writes <paramref name="xml"/> to <paramref name="file"/> in the session's directory (where the script is) and enters it.</summary>
    private static string WriteXml(string file, string xml) => $"cd \"$(dirname \"$0\")\"; cat > {file} <<'XML'\n{xml}\nXML\n";

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    private sealed record ParentFacts(string Path, Dictionary<string, string> Facts, List<string> Types, Dictionary<string, string> Available);
}
