using System.Diagnostics;
using System.Globalization;

namespace Platform.Tests.Support;

/// <summary>
/// Waiting for what a host does in the background. Every wait has a deadline and, when it passes, fails saying what it
/// waited for and what it saw last, so a stuck host fails its test instead of hanging the run.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Polls until <paramref name="condition"/> holds; fails naming <paramref name="what"/> once <paramref name="timeout"/> (a minute) has passed.</summary>
    public static Task Until(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        Until(condition, holds => holds, what, timeout, _ => "not yet");

    /// <summary>
    /// Polls <paramref name="probe"/> until <paramref name="done"/> holds for what it returns, and returns that; fails naming
    /// <paramref name="what"/> and the last value (as <paramref name="describe"/> puts it) once the deadline has passed.
    /// </summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null,
        Func<T, string>? describe = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (waited.Elapsed > limit)
            {
                Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"Waited {limit.TotalSeconds:0} s for {what}; last seen: {(describe is null ? value?.ToString() : describe(value))}."));
            }
            await Task.Delay(20);
        }
    }
}
