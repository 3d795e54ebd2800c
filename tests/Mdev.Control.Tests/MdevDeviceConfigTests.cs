using Mdev.Core;

namespace Mdev.Control.Tests;

/// <summary>The definition file format of mdevctl 1.2.0 (mdevctl-contract.md §7): written exactly, read leniently.</summary>
public sealed class MdevDeviceConfigTests
{
    [Fact]
    public void ToJson_WithAttributes_IsSerdePrettyWithoutTrailingNewline()
    {
        var config = new MdevDeviceConfig("vfio_ap-passthrough", false, [new("assign_adapter", "5"), new("assign_domain", "0x47")]);

        config.ToJson().Should().Be(
            "{\n  \"mdev_type\": \"vfio_ap-passthrough\",\n  \"start\": \"manual\",\n  \"attrs\": [\n    {\n      \"assign_adapter\": \"5\"\n    },\n" +
            "    {\n      \"assign_domain\": \"0x47\"\n    }\n  ]\n}");
    }

    [Fact]
    public void ToJson_NoAttributes_WritesAnEmptyArray()
    {
        new MdevDeviceConfig("mtty-1", autoStart: true).ToJson().Should().Be("{\n  \"mdev_type\": \"mtty-1\",\n  \"start\": \"auto\",\n  \"attrs\": []\n}");
    }

    [Fact]
    public void ToCompactJson_IsWhatACalloutReadsOnStdin()
    {
        new MdevDeviceConfig("i915-GVTg_V5_4").ToCompactJson().Should().Be("{\"mdev_type\":\"i915-GVTg_V5_4\",\"start\":\"manual\",\"attrs\":[]}");
    }

    [Fact]
    public void ToJson_SpecialCharacters_EscapedAsSerdeJson()
    {
        // serde_json escapes only '"', '\' and control characters (short forms, else \u00xx in lower case).
        var config = new MdevDeviceConfig("t", false, [new("a<b>&'", "é\"\\\n\t\u0001\u001f/€😀")]);

        config.ToCompactJson().Should().Be("{\"mdev_type\":\"t\",\"start\":\"manual\",\"attrs\":[{\"a<b>&'\":\"é\\\"\\\\\\n\\t\\u0001\\u001f/€😀\"}]}");
    }

    [Theory]
    [InlineData("{\"mdev_type\":\"x\",\"start\":\"auto\",\"attrs\":[]}", true)]
    [InlineData("{\"mdev_type\":\"x\",\"start\":\"auto\"}\n", true)]
    [InlineData("{\"mdev_type\":\"x\",\"start\":\"AUTO\",\"extra\":5}", false)]
    [InlineData("{\"start\":\"manual\",\"mdev_type\":\"x\",\"attrs\":{}}", false)]
    public void Parse_LenientAsMdevctl_Accepts(string json, bool auto)
    {
        var config = MdevDeviceConfig.Parse(json);

        config.Type.Should().Be("x");
        config.AutoStart.Should().Be(auto);
        config.Attributes.Should().BeEmpty();
    }

    [Fact]
    public void Parse_Attributes_KeepTheirOrder()
    {
        var config = MdevDeviceConfig.Parse("{\"mdev_type\":\"x\",\"start\":\"manual\",\"attrs\":[{\"b\":\"2\"},{\"a\":\"1\"},{\"b\":\"3\"}]}");

        config.Attributes.Should().Equal(new MdevConfigAttribute("b", "2"), new MdevConfigAttribute("a", "1"), new MdevConfigAttribute("b", "3"));
    }

    [Theory]
    [InlineData("{\"start\":\"manual\"}", "invalid json")]
    [InlineData("{\"mdev_type\":\"x\",\"start\":null}", "invalid json")]
    [InlineData("[1]", "invalid json")]
    [InlineData("{\"mdev_type\":\"x\",\"start\":\"manual\",\"attrs\":[{\"a\":1}]}", "invalid json: the value of attribute 'a' is not a string")]
    [InlineData("{\"mdev_type\":\"x\",\"start\":\"manual\",\"attrs\":[\"a\"]}", "invalid json: attribute 0 is not an object")]
    [InlineData("{\"mdev_type\":5,\"start\":\"manual\"}", "invalid json: mdev_type is not a string")]
    public void Parse_Invalid_ThrowsMdevctlsMessageWithEinval(string json, string message)
    {
        var act = () => MdevDeviceConfig.Parse(json);

        act.Should().Throw<MdevctlException>().Where(e => e.MdevctlMessage == message && e.Errno == Errno.EINVAL);
    }

    [Fact]
    public void Parse_Unparsable_ReportsSerdesLineAndColumn()
    {
        var act = () => MdevDeviceConfig.Parse("\n  xyz");

        act.Should().Throw<MdevctlException>().Where(e => e.Errno == Errno.EINVAL && e.MdevctlMessage.EndsWith(" at line 2 column 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LoadAsync_MissingFile_SaysWhichFileWithEnoent()
    {
        var act = () => MdevDeviceConfig.LoadAsync("/nonexistent/mdev.json");

        (await act.Should().ThrowAsync<MdevctlException>()).Which.Should().Match<MdevctlException>(e =>
            e.Errno == Errno.ENOENT && e.MdevctlMessage == "Unable to read jsonfile \"/nonexistent/mdev.json\"");
    }
}
