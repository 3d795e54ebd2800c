using Mdev.Core;

namespace Mdev.Core.Tests.Support;

internal static class Expect
{
    /// <summary>Asserts that <paramref name="action"/> fails with <paramref name="errno"/> and returns the exception.</summary>
    public static MdevException Errno(Core.Errno errno, Action action)
    {
        var ex = Assert.Throws<MdevException>(action);
        ex.Errno.Should().Be(errno, ex.Message);
        ex.Message.Should().EndWith($"({errno})");
        return ex;
    }

    public static async Task<MdevException> ErrnoAsync(Core.Errno errno, Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<MdevException>(action);
        ex.Errno.Should().Be(errno, ex.Message);
        return ex;
    }

    /// <summary>Drains what a listener has received so far.</summary>
    public static List<Uevent> Drain(UeventListener listener)
    {
        var list = new List<Uevent>();
        while (listener.Reader.TryRead(out var e))
        {
            list.Add(e);
        }

        return list;
    }
}
