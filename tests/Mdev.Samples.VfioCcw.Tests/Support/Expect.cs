using Mdev.Core;

namespace Mdev.Samples.VfioCcw.Tests.Support;

internal static class Expect
{
    public static MdevException Errno(Core.Errno errno, Action action)
    {
        var ex = Assert.Throws<MdevException>(action);
        ex.Errno.Should().Be(errno, ex.Message);
        return ex;
    }
}
