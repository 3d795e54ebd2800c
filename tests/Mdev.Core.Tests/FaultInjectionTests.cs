using Mdev.Core.Sysfs;
using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

/// <summary>
/// Fault injection at every vendor callback: a scenario (create typed and through sysfs, available_instances, open, read, close,
/// remove both ways) is run once to count the callbacks and snapshot the state after each step, then once per
/// callback with that callback throwing (an errno, or a plain exception). After every step the state is exactly the one
/// before it or the one after it, never in between; a step may complete despite the fault only where the kernel
/// cannot fail (a vendor's remove or release).
/// </summary>
public sealed class FaultInjectionTests
{
    private static readonly Guid A = Guid.Parse(CreateTests.Uuid(1));
    private static readonly Guid B = Guid.Parse(CreateTests.Uuid(2));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryVendorCallbackFailing_LeavesTheStateAsBeforeTheStep(bool foreign)
    {
        var reference = Run(failAt: 0, foreign);
        int callbacks = reference.Ops.Calls;
        callbacks.Should().BeGreaterThanOrEqualTo(7, "create twice, open, read, release, remove twice at least");
        for (int n = 1; n <= callbacks; n++)
        {
            var faulty = Run(n, foreign, reference.Snapshots);
            faulty.Ops.Failed.Should().NotBeNull($"callback {n} was reached and failed");
        }
    }

    private static (FaultInjectingOps Ops, List<string> Snapshots) Run(int failAt, bool foreign, List<string>? expected = null)
    {
        var ops = new FaultInjectingOps(new TestVendor(poolSize: 4)) { Foreign = foreign };
        var core = new MdevCore();
        core.RegisterDriver(new TestDriver());
        var parent = core.RegisterParent(core.AddDevice(Host.ParentPath, deviceClass: "mtty"), ops);
        var type = parent.Types[0];
        using var listener = core.SubscribeUevents();
        MdevDeviceHandle? handle = null;
        var steps = new (string Name, bool MayCompleteDespiteFault, Action Run)[]
        {
            ("create A typed", false, () => core.CreateMdevDevice(type, A)),
            ("create B via sysfs", false, () => core.Sysfs.Write(type.SysfsPath + "/create", B.ToString("D") + "\n")),
            ("read available_instances", false, () => core.Sysfs.Read(type.SysfsPath + "/available_instances")),
            ("open A", false, () => handle = core.FindDevice(A)!.Open()),
            ("read A", false, () => handle!.Read(new byte[4], 0)),
            ("close A", true, () =>
            {
                var h = handle!;
                handle = null;
                h.Dispose();
            }),
            ("remove A typed", true, () => core.RemoveMdevDevice(A)),
            ("remove B via sysfs", true, () => core.Sysfs.Write(Host.DevicePath(B.ToString("D")) + "/remove", "1")),
        };

        var events = new List<string>();
        var snapshots = new List<string> { Snapshot(core, parent, listener, events) };
        ops.Arm(failAt);
        for (int i = 0; i < steps.Length; i++)
        {
            var (name, mayComplete, run) = steps[i];
            Exception? thrown = null;
            try
            {
                run();
            }
            catch (Exception ex) when (ex is MdevException or InvalidOperationException)
            {
                thrown = ex;
            }

            var now = Snapshot(core, parent, listener, events);
            snapshots.Add(now);
            if (expected is null)
            {
                (thrown is null).Should().BeTrue($"the fault-free run's step '{name}' succeeds ({thrown?.Message})");
                continue;
            }

            if (thrown is null)
            {
                now.Should().Be(expected[i + 1], $"fault at callback {failAt}: step '{name}' succeeded, so the state is the fault-free one");
                continue;
            }

            if (now == expected[i])
            {
                break; // failed, and nothing changed
            }

            now.Should().Be(expected[i + 1], $"fault at callback {failAt} ({ops.Failed}): step '{name}' failed ({thrown.Message}), so nothing may have changed");
            mayComplete.Should().BeTrue($"fault at callback {failAt} ({ops.Failed}): step '{name}' threw but completed, which only remove and release may");
        }

        handle?.Dispose();
        return (ops, snapshots);
    }

    /// <summary>Every path of the tree (with link targets), the live devices and their open counts, the pool and every uevent so far.</summary>
    private static string Snapshot(MdevCore core, MdevParent parent, UeventListener listener, List<string> events)
    {
        var lines = new List<string>();
        void Walk(string dir)
        {
            foreach (var entry in core.Sysfs.ReadDirectory(dir))
            {
                var path = dir + "/" + entry.Name;
                if (entry.Kind == SysfsNodeKind.Symlink)
                {
                    lines.Add(path + " -> " + core.Sysfs.ReadLink(path));
                }
                else if (entry.Kind == SysfsNodeKind.Directory)
                {
                    lines.Add(path + "/");
                    Walk(path);
                }
                else
                {
                    lines.Add(path);
                }
            }
        }

        Walk("/sys");
        lines.AddRange(core.Devices.Select(d => $"device {d.Name} {d.State} open {d.OpenCount}"));
        lines.Add("pool " + parent.PoolAvailable);
        events.AddRange(Expect.Drain(listener).Select(e => "uevent " + e.ActionName + " " + e.DevPath));
        lines.AddRange(events);
        return string.Join('\n', lines);
    }
}
