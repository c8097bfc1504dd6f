using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Platform.Tests.Support;

/// <summary>Keeps what the platform logs, so a test can wait for something to have happened instead of sleeping.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> entries = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Waits until at least <paramref name="count"/> entries of the category (a type's full name) at the level were logged.</summary>
    public Task WaitForAsync(string category, LogLevel level, int count, TimeSpan timeout) =>
        Eventually.Until(() => Task.FromResult(entries.Count(e => e.Category == category && e.Level == level)), logged => logged >= count,
            $"{count} {level} entries from {category}", timeout, logged => $"{logged} of them");

    /// <summary>What was logged at warning or above, with exceptions, for a failure message.</summary>
    public string Warnings(string category) =>
        string.Join(Environment.NewLine, entries.Where(e => e.Category.StartsWith(category, StringComparison.Ordinal)).Select(e => $"{e.Level} {e.Category}: {e.Message}"));

    private sealed class Recorder(LogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.entries.Enqueue((category, logLevel, exception is null ? formatter(state, exception) : $"{formatter(state, exception)} {exception}"));
            }
        }
    }
}
