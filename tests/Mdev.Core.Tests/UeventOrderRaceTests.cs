using Mdev.Core.Tests.Support;

namespace Mdev.Core.Tests;

/// <summary>
/// Race B of issue 11: a bus driver unregistering (and registering again) while devices are created and removed must
/// not reorder a device's uevents. In the kernel <c>unbind</c> goes out under <c>device_lock</c> before
/// <c>device_del</c>'s <c>remove</c>, and nothing precedes <c>add</c>.
/// </summary>
public sealed class UeventOrderRaceTests
{
    [Fact]
    public async Task DriverChurnDuringCreatesAndRemoves_KeepsEveryDevicesUeventsInKernelOrder()
    {
        for (int round = 0; round < 20; round++)
        {
            var host = new Host(new TestVendor(poolSize: 64));
            using var listener = host.Core.SubscribeUevents(capacity: 1_000_000);
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // watchdog
            int running = 3;
            var churn = Task.Run(async () =>
            {
                while (Volatile.Read(ref running) > 0 && !cts.IsCancellationRequested)
                {
                    await host.Core.UnregisterDriverAsync(host.Driver);
                    host.Core.RegisterDriver(host.Driver);
                }
            });
            var workers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
            {
                try
                {
                    for (int i = 0; i < 60 && !cts.IsCancellationRequested; i++)
                    {
                        var uuid = Guid.NewGuid();
                        host.Core.CreateMdevDevice(host.T1, uuid);
                        await host.Core.RemoveMdevDeviceAsync(uuid);
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref running);
                }
            })).ToArray();
            await Task.WhenAll([churn, .. workers]).WaitAsync(cts.Token);

            listener.Dropped.Should().Be(0);
            var events = Expect.Drain(listener).Where(e => e.Subsystem == "mdev").ToList();
            events.Select(e => e.SequenceNumber).Should().BeInAscendingOrder();
            foreach (var device in events.GroupBy(e => e.DevPath))
            {
                // none --add--> unbound --bind--> bound --unbind--> unbound --remove--> none
                var state = "none";
                foreach (var e in device)
                {
                    state = (state, e.ActionName) switch
                    {
                        ("none", "add") => "unbound",
                        ("unbound", "bind") => "bound",
                        ("bound", "unbind") => "unbound",
                        ("unbound", "remove") => "none",
                        _ => throw new Xunit.Sdk.XunitException($"round {round}: {device.Key}: '{e.ActionName}' while {state}; stream: {string.Join(' ', device.Select(x => x.ActionName))}"),
                    };
                }

                state.Should().Be("none", device.Key + " was removed");
            }
        }
    }
}
