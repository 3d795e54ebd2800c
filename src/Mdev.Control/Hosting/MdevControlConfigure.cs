namespace Mdev.Control;

/// <summary>One <c>configure</c> delegate given to <see cref="MdevControlServiceCollectionExtensions.AddMdevControl"/>, applied in order.</summary>
internal sealed record MdevControlConfigure(Action<MdevControlOptions> Configure);
