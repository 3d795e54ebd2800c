using System.Runtime.InteropServices;
using Mdev.Core;
using Mdev.Samples.Host.Native;

namespace Mdev.Samples.Host;

/// <summary>
/// <c>mdev-sim run</c>'s udev daemon (issue 15 point 3): every uevent of the simulated kernel, in SEQNUM order, goes
/// through what systemd 252's udevd does with it: the rules that matter (<see cref="UdevRules"/>, and with
/// <c>--udev</c> mdevctl's RUN, waited for as udevd's worker waits), then <c>device_monitor_send_device</c>: one
/// <see cref="UdevMonitorMessage"/> multicast on <c>NETLINK_KOBJECT_UEVENT</c> group 2 (<c>MONITOR_GROUP_UDEV</c>),
/// where libudev's and sd-device's monitors listen. <c>run</c> gives its server a private network namespace, so the
/// messages never reach the host's listeners.
/// </summary>
/// <remarks>
/// The core never waits for this loop: its subscription drops events when full (logged with the SEQNUM gap). The send
/// never waits for listeners: <c>MSG_DONTWAIT</c>, and netlink multicast drops a message for a listener whose receive
/// buffer is full (that listener's next read fails with <c>ENOBUFS</c>). The unicast half of the send goes to the
/// kernel's uevent socket, which refuses it (<c>ECONNREFUSED</c>: success, as systemd reads it). One loop owns the
/// socket and the rules, so no lock is needed.
/// </remarks>
internal sealed class UdevDaemon : IDisposable
{
    /// <summary><c>MONITOR_GROUP_UDEV</c>.</summary>
    public const uint UdevGroup = 2;

    private readonly UeventListener _listener;
    private readonly NetlinkSocketHandle _socket;
    private readonly Func<Uevent, Task>? _runPrograms;
    private readonly UdevRules _rules;

    /// <summary>Subscribes to <paramref name="core"/>'s uevents now (so none made after this is missed) and opens the socket.</summary>
    /// <param name="core">The simulated kernel.</param>
    /// <param name="runPrograms">The RUN part of the rules (mdevctl's, with <c>--udev</c>), or null.</param>
    /// <param name="database">The udev database directory (<c>/run/udev/data</c>), or null for none.</param>
    public UdevDaemon(MdevCore core, Func<Uevent, Task>? runPrograms, string? database)
    {
        _rules = new UdevRules(database);
        _listener = core.SubscribeUevents(16384);
        _runPrograms = runPrograms;
        _socket = NetlinkSocketHandle.Open(LibC.NetlinkKobjectUevent, out int errno);
        if (_socket.IsInvalid)
        {
            Console.Error.WriteLine($"mdev-sim run: udev: no netlink socket ({(Errno)errno}): no udev events for listeners");
        }
    }

    /// <summary>Processes and forwards events until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        long dropped = 0;
        bool warned = false;
        try
        {
            await foreach (var uevent in _listener.Reader.ReadAllAsync(cancellationToken))
            {
                if (_listener.Dropped != dropped)
                {
                    await Console.Error.WriteLineAsync($"mdev-sim run: udev: {_listener.Dropped - dropped} event(s) before SEQNUM {uevent.SequenceNumber} dropped (the daemon fell behind)");
                    dropped = _listener.Dropped;
                }

                var properties = _rules.Apply(uevent);
                if (_runPrograms is not null)
                {
                    await _runPrograms(uevent);
                }

                if (!_socket.IsInvalid && Send(UdevMonitorMessage.Build(properties, uevent.Subsystem, uevent["DEVTYPE"], [])) is int errno and not 0 && !warned)
                {
                    await Console.Error.WriteLineAsync($"mdev-sim run: udev: cannot send {uevent} to listeners: {(Errno)errno} (further failures not reported)");
                    warned = true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // CMD has exited.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _listener.Dispose();
        _socket.Dispose();
    }

    /// <summary>sendto group 2; 0 or the errno.</summary>
    private unsafe int Send(byte[] message)
    {
        var to = new SockaddrNl { Family = LibC.AfNetlink, Groups = UdevGroup };
        fixed (byte* p = message)
        {
            nint n = LibC.SendTo(_socket, p, (nuint)message.Length, LibC.MsgDontwait, &to, (uint)sizeof(SockaddrNl));
            int errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            return errno == LibC.Econnrefused ? 0 : errno;
        }
    }
}
