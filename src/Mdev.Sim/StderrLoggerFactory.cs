using Microsoft.Extensions.Logging;

namespace Mdev.Samples.Host;

/// <summary>
/// <c>--verbose</c>'s log: every message of the simulated kernel on stderr, one line each
/// (<c>mdev-sim: [Warning] &lt;category&gt;: &lt;message&gt;</c>). Writes go through <see cref="Console.Error"/>, which is synchronized.
/// </summary>
internal sealed class StderrLoggerFactory : ILoggerFactory
{
    /// <summary>The factory when <c>--verbose</c> was given (the environment says so, also in run's child), else null.</summary>
    public static ILoggerFactory? FromEnvironment() =>
        Environment.GetEnvironmentVariable(MdevSimCommandLine.VerboseVariable) == "1" ? new StderrLoggerFactory() : null;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"mdev-sim: [{logLevel}] {category}: {formatter(state, exception)}";
            Console.Error.WriteLine(exception is null ? line : $"{line}: {exception.Message}");
        }
    }
}
