using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

public sealed class UeventTests
{
    private readonly Host _host = new();

    [Fact]
    public void CreateAndRemove_SendAddBindUnbindRemove_InKernelOrder()
    {
        using var listener = _host.Core.SubscribeUevents();
        _host.Sysfs.Write(Host.Type1 + "/create", Host.Uuid);
        _host.Sysfs.Write(Host.DevicePath(Host.Uuid) + "/remove", "1");
        var events = Expect.Drain(listener);
        events.Select(e => e.ActionName).Should().Equal("add", "bind", "unbind", "remove");
        events.Should().OnlyContain(e => e.DevPath == "/devices/virtual/mtty/mtty/" + Host.Uuid && e.Subsystem == "mdev");
        events[0].Environment.Select(kv => kv.Key).Should().Equal("ACTION", "DEVPATH", "SUBSYSTEM", "SEQNUM");
        events[1].Environment.Select(kv => $"{kv.Key}={kv.Value}").Should().Equal(
            "ACTION=bind", "DEVPATH=/devices/virtual/mtty/mtty/" + Host.Uuid, "SUBSYSTEM=mdev", "DRIVER=mtty", "SEQNUM=" + events[1].SequenceNumber);
        events.Select(e => e.SequenceNumber).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        events[0].ToString().Should().Be($"KERNEL add /devices/virtual/mtty/mtty/{Host.Uuid} (mdev)");
    }

    [Fact]
    public void AFullListener_DropsAndCounts_WithoutBlockingTheCore()
    {
        using var slow = _host.Core.SubscribeUevents(capacity: 2);
        using var fast = _host.Core.SubscribeUevents();
        for (int i = 0; i < 5; i++)
        {
            _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(CreateTests.Uuid(i)));
        }

        slow.Dropped.Should().Be(8);
        var kept = Expect.Drain(slow);
        kept.Select(e => e.ActionName).Should().Equal("add", "bind");
        Expect.Drain(fast).Should().HaveCount(10);
        fast.Dropped.Should().Be(0);

        _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(CreateTests.Uuid(9)));
        var next = Expect.Drain(slow);
        next[0].SequenceNumber.Should().Be(kept[^1].SequenceNumber + 9, "the gap in SEQNUM shows the 8 dropped events");
    }

    [Fact]
    public async Task DisposedListener_IsCompletedAndGetsNothingMore()
    {
        var listener = _host.Core.SubscribeUevents();
        listener.Dispose();
        _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Host.Uuid));
        await listener.Reader.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        listener.Reader.Completion.IsCompletedSuccessfully.Should().BeTrue();
        listener.Reader.TryRead(out _).Should().BeFalse();
    }

    [Fact]
    public void WritingUevent_SynthesizesThatAction_AndGarbageIsEinval()
    {
        _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Host.Uuid));
        using var listener = _host.Core.SubscribeUevents();
        _host.Sysfs.Write(Host.DevicePath(Host.Uuid) + "/uevent", "change\n").Should().Be(7);
        Expect.Errno(Errno.EINVAL, () => _host.Sysfs.Write(Host.DevicePath(Host.Uuid) + "/uevent", "explode"));
        var events = Expect.Drain(listener);
        events.Should().ContainSingle();
        events[0].Action.Should().Be(UeventAction.Change);
        events[0]["DRIVER"].Should().Be("mtty");
        events[0]["SYNTH_UUID"].Should().Be("0");
    }

    [Fact]
    public void WritingUevent_WithUuidAndArguments_AddsSynthVariables_AndMalformedArgumentsAreEinval()
    {
        _host.Core.CreateMdevDevice(_host.T1, Guid.Parse(Host.Uuid));
        var file = Host.DevicePath(Host.Uuid) + "/uevent";
        using var listener = _host.Core.SubscribeUevents();
        Expect.Errno(Errno.EINVAL, () => _host.Sysfs.Write(file, " add"));
        Expect.Errno(Errno.EINVAL, () => _host.Sysfs.Write(file, "add not-a-uuid"));
        Expect.Errno(Errno.EINVAL, () => _host.Sysfs.Write(file, $"add {Host.Uuid} =x"));
        Expect.Errno(Errno.EINVAL, () => _host.Sysfs.Write(file, $"add {Host.Uuid} A-B=1"));
        _host.Sysfs.Write(file, $"online {Host.Uuid} A=1 B2=two\n");
        var e = Expect.Drain(listener).Should().ContainSingle().Subject;
        e.Action.Should().Be(UeventAction.Online);
        e.Environment.Select(kv => $"{kv.Key}={kv.Value}").Should().Equal(
            "ACTION=online", $"DEVPATH={e.DevPath}", "SUBSYSTEM=mdev", $"SYNTH_UUID={Host.Uuid}", "SYNTH_ARG_A=1", "SYNTH_ARG_B2=two", "DRIVER=mtty", $"SEQNUM={e.SequenceNumber}");
    }
}
