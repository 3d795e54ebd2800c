namespace Mdev.Core;

/// <summary>
/// One step the container applies to a freshly built <see cref="MdevCore"/> (drivers first, then parents), for the
/// core registered under <paramref name="Key"/> (null: the container's unkeyed core).
/// </summary>
internal sealed record MdevCoreSetup(Action<IServiceProvider, MdevCore> Apply, int Order, string? Key = null);
