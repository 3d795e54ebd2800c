using System.IO.Pipelines;
using Mdev.Vfio;

namespace Mdev.Samples.Mtty.Tests.Support;

/// <summary>What a VMM does with the migration streams: drain a saving stream, fill a resuming one.</summary>
internal static class Migration
{
    /// <summary>RUNNING → STOP → STOP_COPY, and everything the stream holds.</summary>
    public static async Task<byte[]> SaveAsync(VfioDevice source)
    {
        source.SetMigrationState(VfioMigrationState.Stop).Should().BeNull();
        var data = source.SetMigrationState(VfioMigrationState.StopCopy)!;
        data.Writer.Should().BeNull();
        return await ReadToEndAsync(data.Reader!);
    }

    public static async Task<byte[]> ReadToEndAsync(PipeReader reader)
    {
        var bytes = new List<byte>();
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                bytes.AddRange(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return [.. bytes];
            }
        }
    }

    /// <summary>→ RESUMING, the bytes written into the stream; the caller then asks for STOP, where mtty loads them.</summary>
    public static async Task WriteResumingAsync(VfioDevice destination, byte[] blob)
    {
        var data = destination.SetMigrationState(VfioMigrationState.Resuming)!;
        data.Reader.Should().BeNull();
        await data.Writer!.WriteAsync(blob);
        await data.Writer.CompleteAsync();
    }
}
