using Mdev.Core;

namespace Mdev.Samples.VfioCcw;

/// <summary>How a region write turns <c>ret_code</c> into its result: <c>ret_code ? ret_code : count</c>.</summary>
internal static class CcwRegionResult
{
    /// <summary>The count when ret_code is 0; a negative ret_code as its errno; a positive one as the byte count it claims.</summary>
    /// <param name="retCode">The region's ret_code.</param>
    /// <param name="count">The bytes written.</param>
    /// <param name="what">What was requested, for the message.</param>
    /// <returns>The write's result.</returns>
    public static int Of(int retCode, int count, string what) => retCode switch
    {
        0 => count,
        < 0 => throw new MdevException((Errno)(-retCode), $"{what}: ret_code {retCode}"),
        _ => retCode,
    };
}
