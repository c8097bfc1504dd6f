namespace Platform.Tests.Support;

/// <summary>
/// Folders the tests create: under <c>PLATFORM_TEST_ROOT</c> when ops/test sets it (it removes the whole root
/// afterwards, whatever a crashed test left), else under the system temp folder.
/// </summary>
public static class TestDirectories
{
    public static string New(string kind)
    {
        var root = Environment.GetEnvironmentVariable("PLATFORM_TEST_ROOT") is { Length: > 0 } given ? given : Path.GetTempPath();
        return Path.Combine(root, $"platform-{kind}-{Guid.NewGuid():N}");
    }
}
