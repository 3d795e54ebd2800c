using System.Buffers.Binary;
using System.Text;

namespace Mdev.Samples.Host;

/// <summary>
/// One message as the udev daemon of systemd 252 sends it to libudev listeners on the udev netlink group
/// (<c>device_monitor_send_device</c>, src/libsystemd/sd-device/device-monitor.c): a 40-byte
/// <c>monitor_netlink_header</c> then the properties as <c>KEY=VALUE\0</c> strings. Header fields: <c>prefix</c>
/// "libudev\0"; <c>magic</c> 0xfeedcafe big-endian; <c>header_size</c>, <c>properties_off</c> (both 40) and
/// <c>properties_len</c> in host order; <c>filter_subsystem_hash</c>, <c>filter_devtype_hash</c> (0 without DEVTYPE),
/// <c>filter_tag_bloom_hi</c>/<c>_lo</c> big-endian, because libudev's BPF filter loads them as network-order words.
/// </summary>
internal static class UdevMonitorMessage
{
    /// <summary><c>UDEV_MONITOR_MAGIC</c>.</summary>
    public const uint Magic = 0xfeedcafe;

    /// <summary><c>sizeof(monitor_netlink_header)</c>.</summary>
    public const int HeaderSize = 40;

    /// <summary>The message for a device with these properties (in order), subsystem, device type and tags.</summary>
    /// <exception cref="ArgumentException">The properties are shorter than the 32 bytes systemd insists on.</exception>
    public static byte[] Build(IReadOnlyList<KeyValuePair<string, string>> properties, string subsystem, string? devtype, IReadOnlyCollection<string> tags)
    {
        int length = 0;
        foreach (var (k, v) in properties)
        {
            length += Encoding.UTF8.GetByteCount(k) + 1 + Encoding.UTF8.GetByteCount(v) + 1;
        }

        if (length < 32)
        {
            // device_monitor_send_device refuses this too ("too small to contain valid device information").
            throw new ArgumentException($"{length} bytes of properties: at least 32 are needed", nameof(properties));
        }

        var message = new byte[HeaderSize + length];
        var span = message.AsSpan();
        "libudev"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], (uint)length);
        BinaryPrimitives.WriteUInt32BigEndian(span[24..], StringHash32(subsystem));
        BinaryPrimitives.WriteUInt32BigEndian(span[28..], devtype is null ? 0 : StringHash32(devtype));
        ulong bloom = 0;
        foreach (var tag in tags)
        {
            bloom |= StringBloom64(tag);
        }

        BinaryPrimitives.WriteUInt32BigEndian(span[32..], (uint)(bloom >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(span[36..], (uint)bloom);
        int at = HeaderSize;
        foreach (var (k, v) in properties)
        {
            at += Encoding.UTF8.GetBytes(k, span[at..]);
            span[at++] = (byte)'=';
            at += Encoding.UTF8.GetBytes(v, span[at..]);
            span[at++] = 0;
        }

        return message;
    }

    /// <summary><c>string_hash32</c>: MurmurHash2 of the string's bytes, seed 0.</summary>
    public static uint StringHash32(string s) => MurmurHash2.Hash(Encoding.UTF8.GetBytes(s));

    /// <summary><c>string_bloom64</c>: four bits of a 64-bit Bloom filter, from bits 0-5, 6-11, 12-17, 18-23 of the hash.</summary>
    public static ulong StringBloom64(string s)
    {
        uint hash = StringHash32(s);
        return (1UL << (int)(hash & 63)) | (1UL << (int)((hash >> 6) & 63)) | (1UL << (int)((hash >> 12) & 63)) | (1UL << (int)((hash >> 18) & 63));
    }
}
