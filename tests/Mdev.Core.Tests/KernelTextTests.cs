namespace Mdev.Core.Tests;

public sealed class KernelTextTests
{
    [Theory]
    [InlineData("1", 1UL)]
    [InlineData("1\n", 1UL)]
    [InlineData("+7", 7UL)]
    [InlineData("0x1f", 31UL)]
    [InlineData("0X1F\n", 31UL)]
    [InlineData("017", 15UL)]
    [InlineData("0", 0UL)]
    [InlineData("0\n", 0UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    public void ParseUnsignedLong_AcceptsWhatKstrtoulAccepts(string text, ulong expected)
    {
        KernelText.ParseUnsignedLong(text, out var value).Should().Be((Errno)0);
        value.Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1\n\n")]
    [InlineData("08")]
    [InlineData("0x")]
    [InlineData("0xg")]
    [InlineData("++1")]
    public void ParseUnsignedLong_RejectsWhatKstrtoulRejects(string text)
    {
        KernelText.ParseUnsignedLong(text, out _).Should().Be(Errno.EINVAL);
    }

    [Fact]
    public void ParseUnsignedLong_Overflow_IsErange()
    {
        KernelText.ParseUnsignedLong("18446744073709551616", out _).Should().Be(Errno.ERANGE);
    }

    [Theory]
    [InlineData("83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", true)]
    [InlineData("83B8F4F2-509F-382F-3C1E-E6BFE0FA1001", true)]
    [InlineData("83b8f4f2-509f-382f-3c1e-e6bfe0fa1001X", true)] // the 37th byte is not checked
    [InlineData("83b8f4f2_509f-382f-3c1e-e6bfe0fa1001", false)]
    [InlineData("83b8f4f2-509f-382f-3c1e-e6bfe0fa100g", false)]
    [InlineData("{3b8f4f2-509f-382f-3c1e-e6bfe0fa1001", false)]
    [InlineData("83b8f4f2509f382f3c1ee6bfe0fa1001abcd", false)]
    [InlineData("83b8f4f2-509f-382f-3c1e-e6bfe0fa100", false)]
    public void TryParseUuid_FollowsGuidParse(string text, bool valid)
    {
        KernelText.TryParseUuid(text, out var uuid).Should().Be(valid);
        if (valid)
        {
            uuid.ToString("D").Should().Be(text[..36].ToLowerInvariant());
        }
    }
}
