namespace Mdev.Core;

/// <summary>One options callback given to <see cref="MdevCoreServiceCollectionExtensions.AddMdevCore"/>.</summary>
internal sealed record MdevCoreConfigure(Action<MdevCoreOptions> Configure);
