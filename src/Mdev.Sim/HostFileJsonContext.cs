using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mdev.Samples.Host;

/// <summary>Source-generated (AOT-safe) JSON metadata for <see cref="HostFile"/>: camelCase names, comments and trailing commas allowed, unknown top-level properties refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(HostFile))]
[JsonSerializable(typeof(HostFileParent))]
internal sealed partial class HostFileJsonContext : JsonSerializerContext;
