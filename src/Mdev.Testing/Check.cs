using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Mdev.Testing;

/// <summary>The contract's assertions: each throws <see cref="ContractViolationException"/> saying what was expected and what came.</summary>
internal static class Check
{
    [DoesNotReturn]
    public static void Fail(string message, Exception? inner = null) => throw new ContractViolationException(message, inner);

    public static void True([DoesNotReturnIf(false)] bool condition, string? message = null, [CallerArgumentExpression(nameof(condition))] string? expression = null)
    {
        if (!condition)
        {
            Fail(message ?? $"expected true: {expression}");
        }
    }

    public static void False([DoesNotReturnIf(true)] bool condition, string? message = null, [CallerArgumentExpression(nameof(condition))] string? expression = null)
    {
        if (condition)
        {
            Fail(message ?? $"expected false: {expression}");
        }
    }

    public static void Equal<T>(T expected, T actual, [CallerArgumentExpression(nameof(actual))] string? expression = null)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            Fail($"{expression}: expected {Show(expected)}, got {Show(actual)}");
        }
    }

    public static void NotEqual<T>(T unexpected, T actual, [CallerArgumentExpression(nameof(actual))] string? expression = null)
    {
        if (EqualityComparer<T>.Default.Equals(unexpected, actual))
        {
            Fail($"{expression}: expected anything but {Show(unexpected)}");
        }
    }

    public static void SequenceEqual<T>(IEnumerable<T> expected, IEnumerable<T> actual, [CallerArgumentExpression(nameof(actual))] string? expression = null)
    {
        var want = expected.ToList();
        var got = actual.ToList();
        if (!want.SequenceEqual(got))
        {
            int at = 0;
            while (at < want.Count && at < got.Count && EqualityComparer<T>.Default.Equals(want[at], got[at]))
            {
                at++;
            }

            Fail($"{expression}: sequences differ at index {at} (expected {want.Count} items [{string.Join(", ", want.Take(16).Select(Show))}], got {got.Count} [{string.Join(", ", got.Take(16).Select(Show))}])");
        }
    }

    public static void Null(object? value, [CallerArgumentExpression(nameof(value))] string? expression = null)
    {
        if (value is not null)
        {
            Fail($"{expression}: expected null, got {value}");
        }
    }

    public static void NotEmpty<T>(IEnumerable<T> collection, [CallerArgumentExpression(nameof(collection))] string? expression = null)
    {
        if (!collection.Any())
        {
            Fail($"{expression}: expected at least one item, got none");
        }
    }

    public static void StartsWith(string prefix, string actual, StringComparison comparison)
    {
        if (!actual.StartsWith(prefix, comparison))
        {
            Fail($"expected \"{actual}\" to start with \"{prefix}\"");
        }
    }

    public static void EndsWith(string suffix, string actual, StringComparison comparison)
    {
        if (!actual.EndsWith(suffix, comparison))
        {
            Fail($"expected \"{actual}\" to end with \"{suffix}\"");
        }
    }

    public static void Contains<T>(T item, IEnumerable<T> collection, [CallerArgumentExpression(nameof(item))] string? expression = null)
    {
        if (!collection.Contains(item))
        {
            Fail($"{expression}: {Show(item)} is not one of [{string.Join(", ", collection.Select(Show))}]");
        }
    }

    public static void DoesNotContain<T>(IEnumerable<T> collection, Func<T, bool> predicate, [CallerArgumentExpression(nameof(predicate))] string? expression = null)
    {
        foreach (var item in collection)
        {
            if (predicate(item))
            {
                Fail($"{Show(item)} matches {expression}, and no item may");
            }
        }
    }

    public static TException Throws<TException>(Action call, [CallerArgumentExpression(nameof(call))] string? expression = null)
        where TException : Exception
    {
        try
        {
            call();
        }
        catch (TException ex)
        {
            return ex;
        }
        catch (Exception ex)
        {
            Fail($"{expression}: expected {typeof(TException).Name}, got {ex.GetType().Name}: {ex.Message}", ex);
        }

        throw new ContractViolationException($"{expression}: expected {typeof(TException).Name}, nothing was thrown");
    }

    private static string Show<T>(T value) => value switch
    {
        null => "null",
        string s => "\"" + s.Replace("\n", "\\n", StringComparison.Ordinal) + "\"",
        _ => value.ToString() ?? "null",
    };
}
