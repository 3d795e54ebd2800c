using System.Buffers.Binary;
using Mdev.Core;
using Mdev.Testing;
using Mdev.Vfio;

namespace Mdev.Samples.I915Gvt.Tests;

/// <summary>Region 10: kvmgt's <c>vfio_region_gfx_edid</c> registers at 0 and the monitor's EDID blob at 2048.</summary>
public sealed class EdidRegionTests
{
    private const uint Edid = 10;
    private const long EdidBase = 10L << 40;
    private const long Blob = 2048;
    private const int EdidSize = 8, LinkState = 20;
    private const uint Up = 1, Down = 2;
    private const int SfuseStrap = 0xC2014, Sdeisr = 0xC4000, Sdeiir = 0xC4008, PchPortHotplug = 0xC4030;

    [Fact]
    public async Task RegionInfo_IndexPastTheEdidFirst_ThenTheEdidRegion()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));

        Assert.Throws<MdevException>(() => session.Device.GetRegionInfo(11)).Errno.Should().Be(Errno.EINVAL);

        session.Device.GetRegionInfo(Edid).Should().Be(new VfioRegionInfo(
            Edid, VfioRegionFlags.Read | VfioRegionFlags.Write | VfioRegionFlags.Caps, 128, 10UL << 40, [new VfioRegionTypeCapability(1, 1)]));
    }

    [Fact]
    public async Task EdidRegionInfoIoctl_ShortArgszFirst_ThenTheCapTypeHandshake()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));
        var info = new byte[48];
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(8), Edid);

        BinaryPrimitives.WriteUInt32LittleEndian(info, 16);
        Assert.Throws<MdevException>(() => session.Device.Ioctl(VfioIoctl.DeviceGetRegionInfo, info)).Errno.Should().Be(Errno.EINVAL);

        BinaryPrimitives.WriteUInt32LittleEndian(info, 32);
        session.Device.Ioctl(VfioIoctl.DeviceGetRegionInfo, info.AsSpan(0, 32)).Should().Be(0);
        BinaryPrimitives.ReadUInt32LittleEndian(info).Should().Be(48); // argsz the chain needs
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(4)).Should().Be(0xB); // READ | WRITE | CAPS
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(8)).Should().Be(Edid);
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(12)).Should().Be(0); // cap_offset: chain not copied
        BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(16)).Should().Be(128);
        BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(24)).Should().Be(10UL << 40);

        session.Device.Ioctl(VfioIoctl.DeviceGetRegionInfo, info).Should().Be(0);
        BinaryPrimitives.ReadUInt32LittleEndian(info).Should().Be(48);
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(4)).Should().Be(0xB);
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(8)).Should().Be(Edid);
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(12)).Should().Be(32);
        BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(16)).Should().Be(128); // EDID_SIZE, though the blob sits at 2048
        BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(24)).Should().Be(10UL << 40);
        BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(32)).Should().Be(2); // CAP_TYPE
        BinaryPrimitives.ReadUInt16LittleEndian(info.AsSpan(34)).Should().Be(1); // version
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(36)).Should().Be(0); // next
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(40)).Should().Be(1); // VFIO_REGION_TYPE_GFX
        BinaryPrimitives.ReadUInt32LittleEndian(info.AsSpan(44)).Should().Be(1); // VFIO_REGION_SUBTYPE_GFX_EDID
    }

    [Theory]
    [InlineData(GvtHost.V8, 1024u, 768u)]
    [InlineData(GvtHost.V4, 1920u, 1200u)]
    public async Task Registers_MisshapenReadsFirst_ThenEveryFieldOfAFreshVgpu(string type, uint xres, uint yres)
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(type));
        var regs = new byte[24];

        Fails(() => session.ReadRegion(Edid, 24, 4), "EINVAL"); // past the 24 bytes
        Fails(() => session.ReadRegion(Edid, 1024, 4), "EINVAL"); // between the registers and the blob
        Fails(() => session.ReadRegion(Edid, 20, 2), "EINVAL"); // not 4 bytes
        Fails(() => session.ReadRegion(Edid, 2, 4), "EINVAL"); // unaligned: split into 2-byte pieces

        session.Device.Read(regs, EdidBase).Should().Be(24);
        BinaryPrimitives.ReadUInt32LittleEndian(regs).Should().Be(2048); // edid_offset
        BinaryPrimitives.ReadUInt32LittleEndian(regs.AsSpan(4)).Should().Be(128); // edid_max_size
        BinaryPrimitives.ReadUInt32LittleEndian(regs.AsSpan(8)).Should().Be(128); // edid_size
        BinaryPrimitives.ReadUInt32LittleEndian(regs.AsSpan(12)).Should().Be(xres); // max_xres
        BinaryPrimitives.ReadUInt32LittleEndian(regs.AsSpan(16)).Should().Be(yres); // max_yres
        BinaryPrimitives.ReadUInt32LittleEndian(regs.AsSpan(20)).Should().Be(0); // link_state: zeroed, neither UP nor DOWN
    }

    [Fact]
    public async Task RegisterWrites_ReadOnlyFieldsAndBadValuesFirst_ThenEdidSizeAndLinkDown()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));

        foreach (int readOnly in new[] { 0, 4, 12, 16 })
        {
            Fails(() => session.WriteRegion(Edid, readOnly, 1, 4), "EPERM");
        }

        Fails(() => session.WriteRegion(Edid, EdidSize, 129, 4), "EINVAL");
        Fails(() => session.WriteRegion(Edid, LinkState, 0, 4), "EINVAL");
        Fails(() => session.WriteRegion(Edid, LinkState, 3, 4), "EINVAL");
        Fails(() => session.WriteRegion(Edid, LinkState, Down, 2), "EINVAL");
        Fails(() => session.WriteRegion(Edid, 24, 0, 4), "EINVAL");
        Registers(session).Should().Equal(2048u, 128u, 128u, 1920u, 1200u, 0u);
        var blob = ReadBlob(session, 128);

        session.WriteRegion(Edid, EdidSize, 64, 4);
        session.WriteRegion(Edid, LinkState, Down, 4);

        Registers(session).Should().Equal(2048u, 128u, 64u, 1920u, 1200u, Down);
        Fails(() => session.ReadRegion(Edid, Blob + 64, 1), "EINVAL");
        ReadBlob(session, 64).Should().Equal(blob[..64]);
        session.ReadRegion(0, SfuseStrap, 4).Should().Be(0);
        session.ReadRegion(0, Sdeisr, 4).Should().Be(0);
        session.ReadRegion(0, Sdeiir, 4).Should().Be(1u << 23);
        session.ReadRegion(0, PchPortHotplug, 4).Should().Be(3u << 16);
    }

    [Theory]
    [InlineData(GvtHost.V8, 1024, 768, 6500, 320, 38, 24, 136, 3, 6, 0x18, 304, 228)]
    [InlineData(GvtHost.V4, 1920, 1200, 15400, 160, 35, 48, 32, 3, 6, 0x1A, 518, 324)]
    public async Task Blob_AccessesPastEdidSizeFirst_ThenAnEdid14BlockPreferringTheTypesResolution(
        string type, int width, int height, int clock10KHz, int hblank, int vblank, int hfp, int hsync, int vfp, int vsync, int flags, int widthMm, int heightMm)
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(type));

        Fails(() => session.ReadRegion(Edid, Blob + 128, 1), "EINVAL");
        Fails(() => session.ReadRegion(Edid, Blob + 126, 4), "EINVAL");
        Fails(() => session.WriteRegion(Edid, Blob + 128, 0, 1), "EINVAL");

        var edid = ReadBlob(session, 128);
        edid.AsSpan(0, 8).ToArray().Should().Equal(0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00);
        BinaryPrimitives.ReadUInt16BigEndian(edid.AsSpan(8)).Should().Be(0x1ED4); // PNP id "GVT"
        BinaryPrimitives.ReadUInt16LittleEndian(edid.AsSpan(10)).Should().Be((ushort)width); // product code
        BinaryPrimitives.ReadUInt32LittleEndian(edid.AsSpan(12)).Should().Be(0); // serial
        edid[16].Should().Be(0); // week
        edid[17].Should().Be(26); // 2016
        edid[18].Should().Be(1); // version
        edid[19].Should().Be(4); // revision
        edid[20].Should().Be(0xA5); // digital, 8 bpc, DisplayPort
        edid[21].Should().Be((byte)((widthMm + 5) / 10));
        edid[22].Should().Be((byte)((heightMm + 5) / 10));
        edid[23].Should().Be(120); // gamma 2.2
        edid[24].Should().Be(0x06); // sRGB, preferred timing native
        edid.AsSpan(25, 10).ToArray().Should().Equal(0xEE, 0x91, 0xA3, 0x54, 0x4C, 0x99, 0x26, 0x0F, 0x50, 0x54);
        edid.AsSpan(35, 3).ToArray().Should().AllBeEquivalentTo(0); // no established timings
        edid.AsSpan(38, 16).ToArray().Should().AllBeEquivalentTo(1); // no standard timings

        var dtd = edid.AsSpan(54, 18);
        BinaryPrimitives.ReadUInt16LittleEndian(dtd).Should().Be((ushort)clock10KHz);
        (dtd[2] | ((dtd[4] >> 4) << 8)).Should().Be(width);
        (dtd[3] | ((dtd[4] & 0xF) << 8)).Should().Be(hblank);
        (dtd[5] | ((dtd[7] >> 4) << 8)).Should().Be(height);
        (dtd[6] | ((dtd[7] & 0xF) << 8)).Should().Be(vblank);
        (dtd[8] | ((dtd[11] >> 6) << 8)).Should().Be(hfp);
        (dtd[9] | (((dtd[11] >> 4) & 3) << 8)).Should().Be(hsync);
        ((dtd[10] >> 4) | (((dtd[11] >> 2) & 3) << 4)).Should().Be(vfp);
        ((dtd[10] & 0xF) | ((dtd[11] & 3) << 4)).Should().Be(vsync);
        (dtd[12] | ((dtd[14] >> 4) << 8)).Should().Be(widthMm);
        (dtd[13] | ((dtd[14] & 0xF) << 8)).Should().Be(heightMm);
        dtd[15].Should().Be(0);
        dtd[16].Should().Be(0);
        dtd[17].Should().Be((byte)flags);

        edid.AsSpan(72, 18).ToArray().Should().Equal([0, 0, 0, 0xFC, 0, .. "GVT-g vGPU\n  "u8]);
        edid.AsSpan(90, 18).ToArray().Should().Equal([0, 0, 0, 0x10, .. new byte[14]]);
        edid.AsSpan(108, 18).ToArray().Should().Equal([0, 0, 0, 0x10, .. new byte[14]]);
        edid[126].Should().Be(0); // extensions
        edid.Aggregate(0, (sum, b) => sum + b).Should().Match(sum => sum % 256 == 0);

        session.ReadRegion(Edid, Blob + 0x10000 + 1, 4).Should().Be(0xFFFF_FFFFu); // u16 blob offset wraps, as in kvmgt
    }

    [Fact]
    public async Task UpdateProtocol_LinkUpWithABadChecksumFirst_ThenLinkDownWriteBlobAndSizeLinkUp()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V8));
        var edid = ReadBlob(session, 128);
        edid[10] ^= 0x55; // new product code, checksum now wrong

        session.WriteRegion(Edid, LinkState, Down, 4);
        session.Device.Write(edid, EdidBase + Blob).Should().Be(128);
        Fails(() => session.WriteRegion(Edid, LinkState, Up, 4), "EINVAL");
        Registers(session)[5].Should().Be(Down);
        session.ReadRegion(0, Sdeisr, 4).Should().Be(0);

        edid[127] = (byte)(edid[127] - (edid[10] - (edid[10] ^ 0x55)));
        session.Device.Write(edid, EdidBase + Blob).Should().Be(128);
        session.WriteRegion(Edid, EdidSize, 128, 4);
        session.WriteRegion(Edid, LinkState, Up, 4);

        Registers(session).Should().Equal(2048u, 128u, 128u, 1024u, 768u, Up);
        ReadBlob(session, 128).Should().Equal(edid);
        session.ReadRegion(0, SfuseStrap, 4).Should().Be(1);
        session.ReadRegion(0, Sdeisr, 4).Should().Be(1u << 23);
        session.ReadRegion(0, Sdeiir, 4).Should().Be(1u << 23);
        session.ReadRegion(0, PchPortHotplug, 4).Should().Be(3u << 16);
    }

    [Fact]
    public async Task LinkUp_HeaderWithThreeBadBytesFirst_ThenOneBadByteIsRepairedInPlace()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));
        var good = ReadBlob(session, 128);

        session.WriteRegion(Edid, Blob, 0x00FE_FEFE, 4); // header score 5 < edid_fixup 6
        Fails(() => session.WriteRegion(Edid, LinkState, Up, 4), "EINVAL");
        session.ReadRegion(Edid, Blob, 4).Should().Be(0x00FE_FEFEu);
        Registers(session)[5].Should().Be(0);

        session.WriteRegion(Edid, Blob, 0xFFFF_FF00, 4);
        session.WriteRegion(Edid, Blob + 4, 0x00FF_FFFE, 4); // score 7: repaired, checksum then holds
        session.WriteRegion(Edid, LinkState, Up, 4);

        Registers(session)[5].Should().Be(Up);
        ReadBlob(session, 128).Should().Equal(good);
    }

    [Fact]
    public async Task LinkUp_OnBroadwell_ChangesTheLinkButNoRegisters()
    {
        await using var host = GvtHost.Create(new GvtOptions { GraphicsVersion = 8 });
        using var session = host.Open(host.CreateDevice("i915-GVTg_V4_4"));

        Fails(() => session.WriteRegion(Edid, LinkState, 0, 4), "EINVAL");

        session.WriteRegion(Edid, LinkState, Up, 4);

        Registers(session).Should().Equal(2048u, 128u, 128u, 1920u, 1200u, Up);
        session.ReadRegion(0, SfuseStrap, 4).Should().Be(0);
        session.ReadRegion(0, Sdeisr, 4).Should().Be(0);
        session.ReadRegion(0, Sdeiir, 4).Should().Be(0);
        session.ReadRegion(0, PchPortHotplug, 4).Should().Be(0);
    }

    [Fact]
    public async Task Reset_AfterAnEdidUpdate_KeepsTheRegionButClearsTheHotplugBits()
    {
        await using var host = GvtHost.Create();
        using var session = host.Open(host.CreateDevice(GvtHost.V4));
        session.WriteRegion(Edid, EdidSize, 100, 4);
        session.WriteRegion(Edid, LinkState, Up, 4);

        session.Device.Reset();

        Registers(session).Should().Equal(2048u, 128u, 100u, 1920u, 1200u, Up);
        session.ReadRegion(0, SfuseStrap, 4).Should().Be(0);
        session.ReadRegion(0, Sdeisr, 4).Should().Be(0);
        session.ReadRegion(0, Sdeiir, 4).Should().Be(0);
        session.ReadRegion(0, PchPortHotplug, 4).Should().Be(0);
    }

    /// <summary>kvmgt turns every EDID handler error into EFAULT; the message keeps the handler's errno.</summary>
    private static void Fails(Action access, string handlerErrno)
    {
        var ex = Assert.Throws<MdevException>(access);
        ex.Errno.Should().Be(Errno.EFAULT);
        ex.Message.Should().Contain(handlerErrno);
    }

    private static uint[] Registers(VmmSession session) => [.. Enumerable.Range(0, 6).Select(i => session.ReadRegion(Edid, i * 4, 4))];

    private static byte[] ReadBlob(VmmSession session, int length)
    {
        var blob = new byte[length];
        session.Device.Read(blob, EdidBase + Blob).Should().Be(length);
        return blob;
    }
}
