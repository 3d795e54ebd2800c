using Mdev.Core;

namespace Mdev.Vfio.Tests;

public sealed class EventFdTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Signal_DefaultValue_AddsOneAndCounts()
    {
        using var efd = new EventFd();
        efd.Count.Should().Be(0);
        efd.TotalSignals.Should().Be(0);

        efd.Signal();
        efd.Signal(5);

        efd.Count.Should().Be(6);
        efd.TotalSignals.Should().Be(2);
    }

    [Fact]
    public void Constructor_InitialValue_IsTheCounter()
    {
        using var efd = new EventFd(3);
        efd.Count.Should().Be(3);
        efd.TotalSignals.Should().Be(0);
    }

    [Fact]
    public void Signal_AllOnes_EinvalAndCounterUnchanged()
    {
        using var efd = new EventFd();
        efd.Signal(2);

        var ex = ExpectErrno(Errno.EINVAL, () => efd.Signal(ulong.MaxValue));
        ex.Message.Should().Be("eventfd signal 0xffffffffffffffff: the value is reserved (EINVAL)");
        efd.Count.Should().Be(2);
        efd.TotalSignals.Should().Be(1);

        efd.Signal(ulong.MaxValue - 3);
        efd.Count.Should().Be(EventFd.MaxCount);
    }

    [Fact]
    public void Signal_SumPastMaximum_EagainAndCounterUnchanged()
    {
        using var efd = new EventFd();
        efd.Signal(0xFFFF_FFFF_FFFF_FFFD);

        efd.Signal(1);
        efd.Count.Should().Be(0xFFFF_FFFF_FFFF_FFFE);

        ExpectErrno(Errno.EAGAIN, () => efd.Signal(1)).Message.Should().Contain("would pass 0xfffffffffffffffe");
        efd.Count.Should().Be(0xFFFF_FFFF_FFFF_FFFE);
        efd.TotalSignals.Should().Be(2);

        efd.Read().Should().Be(0xFFFF_FFFF_FFFF_FFFE);
        efd.Signal(1);
        efd.Count.Should().Be(1);
    }

    [Fact]
    public async Task Signal_Zero_SucceedsButWakesNobody()
    {
        using var efd = new EventFd();
        var pending = efd.ReadAsync().AsTask();

        efd.Signal(0);

        efd.TotalSignals.Should().Be(1);
        efd.Count.Should().Be(0);
        pending.IsCompleted.Should().BeFalse();

        efd.Signal(4);
        pending.IsCompletedSuccessfully.Should().BeTrue();
        (await pending).Should().Be(4);
    }

    [Fact]
    public void TryRead_ZeroCounter_FalseThenReturnsAndClears()
    {
        using var efd = new EventFd();
        efd.TryRead(out var value).Should().BeFalse();
        value.Should().Be(0);

        efd.Signal(7);
        efd.TryRead(out value).Should().BeTrue();
        value.Should().Be(7);
        efd.Count.Should().Be(0);
        efd.TryRead(out _).Should().BeFalse();
    }

    [Fact]
    public void Read_ZeroCounter_EagainThenReturnsAndClears()
    {
        using var efd = new EventFd();
        ExpectErrno(Errno.EAGAIN, () => efd.Read()).Message.Should().Be("eventfd read: the counter is zero (non-blocking read) (EAGAIN)");

        efd.Signal();
        efd.Signal();
        efd.Read().Should().Be(2);
        efd.Count.Should().Be(0);
        ExpectErrno(Errno.EAGAIN, () => efd.Read());
    }

    [Fact]
    public async Task ReadAsync_CounterNonZero_CompletesSynchronouslyAndClears()
    {
        using var efd = new EventFd();
        efd.Signal(9);

        var read = efd.ReadAsync();

        read.IsCompletedSuccessfully.Should().BeTrue();
        (await read).Should().Be(9);
        efd.Count.Should().Be(0);
    }

    [Fact]
    public async Task ReadAsync_ZeroCounter_WaitsForTheNextSignal()
    {
        using var efd = new EventFd();
        var pending = efd.ReadAsync().AsTask();
        pending.IsCompleted.Should().BeFalse();

        _ = Task.Run(() => efd.Signal(3));

        (await pending.WaitAsync(Timeout)).Should().Be(3);
        efd.Count.Should().Be(0);
        efd.TotalSignals.Should().Be(1);
    }

    [Fact]
    public async Task ReadAsync_Cancelled_ThrowsAndLeavesTheCounter()
    {
        using var efd = new EventFd();
        using var cts = new CancellationTokenSource();
        var pending = efd.ReadAsync(cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Timeout));
        efd.Signal(3);
        efd.Count.Should().Be(3, "the cancelled reader must not take the value");

        (await efd.ReadAsync(CancellationToken.None)).Should().Be(3);
    }

    [Fact]
    public async Task ReadAsync_TokenAlreadyCancelled_ThrowsWithoutReading()
    {
        using var efd = new EventFd();
        efd.Signal(2);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => efd.ReadAsync(new CancellationToken(canceled: true)).AsTask());

        efd.Count.Should().Be(2);
        (await efd.ReadAsync()).Should().Be(2);
    }

    [Fact]
    public async Task ReadAsync_SeveralWaiters_EachSignalFeedsOneAndTheOthersKeepWaiting()
    {
        using var efd = new EventFd();
        var first = efd.ReadAsync().AsTask();
        var second = efd.ReadAsync().AsTask();
        var third = efd.ReadAsync().AsTask();

        efd.Signal(2);
        (await first.WaitAsync(Timeout)).Should().Be(2);
        second.IsCompleted.Should().BeFalse();
        third.IsCompleted.Should().BeFalse();
        efd.Count.Should().Be(0);

        efd.Signal(7);
        (await second.WaitAsync(Timeout)).Should().Be(7);
        third.IsCompleted.Should().BeFalse();

        efd.Signal(1);
        (await third.WaitAsync(Timeout)).Should().Be(1);
        efd.TotalSignals.Should().Be(3);
    }

    [Fact]
    public async Task ReadAsync_CancelledWaiterAmongOthers_IsSkipped()
    {
        using var efd = new EventFd();
        using var cts = new CancellationTokenSource();
        var cancelled = efd.ReadAsync(cts.Token).AsTask();
        var waiting = efd.ReadAsync().AsTask();

        await cts.CancelAsync();
        efd.Signal(5);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Timeout));
        (await waiting.WaitAsync(Timeout)).Should().Be(5);
    }

    [Fact]
    public async Task Dispose_PendingAndLaterCalls_Ebadf()
    {
        var efd = new EventFd();
        efd.Signal(1);
        efd.Read();
        var pending = efd.ReadAsync().AsTask();

        efd.Dispose();

        var pendingError = await Assert.ThrowsAsync<MdevException>(() => pending.WaitAsync(Timeout));
        pendingError.Errno.Should().Be(Errno.EBADF);
        ExpectErrno(Errno.EBADF, () => efd.Signal());
        ExpectErrno(Errno.EBADF, () => efd.Read());
        ExpectErrno(Errno.EBADF, () => efd.TryRead(out _));
        ExpectErrno(Errno.EBADF, () => _ = efd.Count);
        var later = await Assert.ThrowsAsync<MdevException>(() => efd.ReadAsync().AsTask());
        later.Errno.Should().Be(Errno.EBADF);
        later.Message.Should().Be("eventfd read: the eventfd is closed (EBADF)");
        efd.TotalSignals.Should().Be(1);

        efd.Dispose(); // idempotent
    }

    [Fact]
    public void Signal_NoWaiter_DoesNotAllocate()
    {
        using var efd = new EventFd();
        efd.Signal();
        efd.Read();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            efd.Signal();
        }

        efd.TryRead(out var total);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
        total.Should().Be(1000);
    }

    [Fact]
    public async Task Signal_ManyThreadsAndOneAsyncReader_NothingIsLost()
    {
        const int Threads = 8;
        const int PerThread = 2000;
        using var efd = new EventFd();
        using var done = new CancellationTokenSource();

        var reader = Task.Run(async () =>
        {
            ulong sum = 0;
            while (sum < Threads * PerThread)
            {
                sum += await efd.ReadAsync(done.Token);
            }

            return sum;
        });

        var writers = Enumerable.Range(0, Threads)
            .Select(_ => Task.Run(() =>
            {
                for (var i = 0; i < PerThread; i++)
                {
                    efd.Signal();
                }
            }))
            .ToArray();

        await Task.WhenAll(writers).WaitAsync(Timeout);
        (await reader.WaitAsync(Timeout)).Should().Be(Threads * PerThread);
        efd.TotalSignals.Should().Be(Threads * PerThread);
        efd.Count.Should().Be(0);
    }

    private static MdevException ExpectErrno(Errno errno, Action action)
    {
        var ex = Assert.Throws<MdevException>(action);
        ex.Errno.Should().Be(errno, ex.Message);
        ex.Message.Should().EndWith($"({errno})");
        return ex;
    }

    [Fact]
    public void SignalFromKernel_SaturatesAndNeverFails_EvenAfterTheUserClosedIt()
    {
        var efd = new EventFd();
        efd.Signal(EventFd.MaxCount - 1);
        efd.SignalFromKernel(5);
        efd.Count.Should().Be(EventFd.MaxCount);
        efd.Read().Should().Be(EventFd.MaxCount);
        efd.Dispose();
        efd.SignalFromKernel();
        efd.TotalSignals.Should().Be(2);
    }
}
