namespace Platform.Api.Hosting;

/// <summary>
/// Secrets on disk (keys, credentials) readable by the platform's user only from the moment they exist: files are
/// created with mode 0600 and folders with 0700, never written first and narrowed afterwards.
/// </summary>
public static class OwnerOnly
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the folder as 0700 (missing parents as usual); an existing folder keeps its mode.</summary>
    public static string CreateDirectory(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, DirectoryMode);
        }
        return path;
    }

    /// <summary>
    /// Writes the whole file or nothing: the text goes to a new 0600 file beside it, which then takes its place.
    /// Without <paramref name="replace"/>, a file that appeared meanwhile is kept and the answer is false.
    /// </summary>
    public static bool WriteAllText(string path, string text, bool replace = true)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }
        try
        {
            using (var writer = new StreamWriter(temporary, options))
            {
                writer.Write(text);
                writer.Flush();
                ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: replace);
            return true;
        }
        catch (IOException) when (!replace && File.Exists(path))
        {
            return false;
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
