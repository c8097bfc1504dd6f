namespace Platform.Tests.Support;

public static class RepositoryRoot
{
    /// <summary>The clone the tests were built from: the folder holding Platform.slnx.</summary>
    public static readonly string Path = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Platform.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Platform.slnx above {AppContext.BaseDirectory}.");
    }
}
