namespace Mdev.Core;

/// <summary>One step the container applies to a freshly built <see cref="MdevCore"/> (drivers first, then parents).</summary>
internal sealed record MdevCoreSetup(Action<IServiceProvider, MdevCore> Apply, int Order);
