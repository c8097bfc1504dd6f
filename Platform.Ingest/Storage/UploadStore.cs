using System.Security.Cryptography;
using System.Text;

namespace Platform.Ingest.Storage;

/// <summary>
/// A file as received: where it is kept on this host (<c>Path</c>) and relative to the data directory
/// (<c>StoredPath</c>, what a submission records), its SHA-256, its size, and whether its bytes are valid UTF-8.
/// </summary>
public sealed record StoredUpload(string Path, string StoredPath, string Sha256, long Size, bool IsUtf8, byte[] FirstBytes);

public sealed class UploadTooLargeException(long limit) : Exception($"The file is larger than the limit of {limit / 1024 / 1024} MB.")
{
    public long Limit { get; } = limit;
}

/// <summary>
/// Keeps every upload exactly as received under <c>&lt;data&gt;/uploads/yyyy/MM/</c>, streamed: the file is hashed
/// and its encoding sniffed while it is written, never held whole in memory. Files are read-only once stored.
/// Submissions record where a file is relative to the data directory (the parent of <paramref name="root"/>), so a
/// database and data directory restored on another host, under another path, still find their files.
/// </summary>
public sealed class UploadStore(string root, long maxBytes)
{
    private readonly string dataDirectory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(root))!;

    /// <summary>Where a recorded file is on this host: relative paths are taken from the data directory.</summary>
    public string Resolve(string storedPath) => System.IO.Path.Combine(dataDirectory, storedPath);

    public async Task<StoredUpload> SaveAsync(Stream body, string id, DateTimeOffset now, CancellationToken ct)
    {
        var folder = System.IO.Path.Combine(root, now.ToString("yyyy", System.Globalization.CultureInfo.InvariantCulture),
            now.ToString("MM", System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, id + ".upload");
        var temporary = path + ".partial";
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        var isUtf8 = true;
        var chars = new char[Encoding.UTF8.GetMaxCharCount(81920)];
        var buffer = new byte[81920];
        var first = new List<byte>(8);
        long size = 0;
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw new UploadTooLargeException(maxBytes);
                    }
                    sha.AppendData(buffer, 0, read);
                    for (var i = 0; first.Count < 8 && i < read; i++)
                    {
                        first.Add(buffer[i]);
                    }
                    if (isUtf8)
                    {
                        try
                        {
                            utf8.GetChars(buffer, 0, read, chars, 0, flush: false);
                        }
                        catch (DecoderFallbackException)
                        {
                            isUtf8 = false;
                        }
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                if (isUtf8)
                {
                    try
                    {
                        utf8.GetChars([], 0, 0, chars, 0, flush: true);
                    }
                    catch (DecoderFallbackException)
                    {
                        isUtf8 = false;
                    }
                }
                await file.FlushAsync(ct);
            }
            File.Move(temporary, path);
            File.SetAttributes(path, FileAttributes.ReadOnly);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        var storedPath = System.IO.Path.GetRelativePath(dataDirectory, path).Replace(System.IO.Path.DirectorySeparatorChar, '/');
        return new StoredUpload(path, storedPath, Convert.ToHexStringLower(sha.GetHashAndReset()), size, isUtf8, [.. first]);
    }

    /// <summary>Removes a stored upload that turned out to repeat an earlier one.</summary>
    public static void Discard(StoredUpload upload)
    {
        File.SetAttributes(upload.Path, FileAttributes.Normal);
        File.Delete(upload.Path);
    }
}
