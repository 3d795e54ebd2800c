using Microsoft.Extensions.Options;

namespace Mdev.Core;

/// <summary>
/// Validates <see cref="MdevCoreOptions"/> when the options pattern builds them (the first resolve of a container's
/// <see cref="MdevCore"/>), with the same rules the <see cref="MdevCore"/> constructor enforces, all failures at once.
/// </summary>
internal sealed class MdevCoreOptionsValidator : IValidateOptions<MdevCoreOptions>
{
    public ValidateOptionsResult Validate(string? name, MdevCoreOptions options)
    {
        List<string>? failures = null;
        if (options.TimeProvider is null)
        {
            (failures ??= []).Add("MdevCoreOptions.TimeProvider is null");
        }

        if (options.RequestInterval <= TimeSpan.Zero)
        {
            (failures ??= []).Add($"MdevCoreOptions.RequestInterval ({options.RequestInterval}) must be positive (the kernel asks every 10 s)");
        }

        if (options.MdevTypeLinkDelay < TimeSpan.Zero)
        {
            (failures ??= []).Add($"MdevCoreOptions.MdevTypeLinkDelay ({options.MdevTypeLinkDelay}) cannot be negative");
        }

        if (options.RemoveDuration < TimeSpan.Zero)
        {
            (failures ??= []).Add($"MdevCoreOptions.RemoveDuration ({options.RemoveDuration}) cannot be negative");
        }

        if (options.UeventBufferCapacity <= 0)
        {
            (failures ??= []).Add($"MdevCoreOptions.UeventBufferCapacity ({options.UeventBufferCapacity}) must be positive");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
