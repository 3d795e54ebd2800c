using Mdev.Core;

namespace Mdev.Samples.Mtty.Tests.Support;

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
}
