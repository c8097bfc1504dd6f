using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Platform.Api.Hosting;

/// <summary>
/// Reading a <c>multipart/form-data</c> body, the one way both uploads and invoice batches do: a boundary as RFC 2046
/// allows (1 to 70 characters), and a form that does not read (a body without its boundary, one that ends before its
/// closing boundary) refused as a <see cref="BadHttpRequestException"/> the handlers answer 400, never a 500 (attacker
/// review, 2026-12-02: a 5,000-character boundary and a form without its end were 500s, the boundary logged whole).
/// </summary>
public static class MultipartForms
{
    public const int MaxBoundaryLength = 70;

    /// <summary>A reader of the form's sections, bounded to <paramref name="maxBodyBytes"/>; refuses a missing or overlong boundary.</summary>
    public static MultipartReader Reader(MediaTypeHeaderValue contentType, Stream body, long maxBodyBytes)
    {
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > MaxBoundaryLength)
        {
            throw new BadHttpRequestException(
                $"The multipart body's boundary must be 1 to {MaxBoundaryLength} characters (RFC 2046); it is {boundary?.Length ?? 0}.");
        }
        return new MultipartReader(boundary, body)
        {
            BodyLengthLimit = maxBodyBytes,
            HeadersCountLimit = MultipartReader.DefaultHeadersCountLimit,
            HeadersLengthLimit = MultipartReader.DefaultHeadersLengthLimit,
        };
    }

    /// <summary>
    /// A section's body, whose read errors (the form ends before its closing boundary) are a <see cref="BadHttpRequestException"/>
    /// rather than an <see cref="IOException"/> that would pass for a fault of the platform's own disk.
    /// </summary>
    public static Stream BodyOf(MultipartSection section) => new SectionBody(section.Body);

    private sealed class SectionBody(Stream inner) : Stream
    {
        public override int Read(byte[] buffer, int offset, int count) => Refused(() => inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, ct);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw new BadHttpRequestException($"The multipart form cannot be read: {e.Message}");
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        private static int Refused(Func<int> read)
        {
            try
            {
                return read();
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw new BadHttpRequestException($"The multipart form cannot be read: {e.Message}");
            }
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>The next section, or null after the last; a form that does not read is a <see cref="BadHttpRequestException"/>.</summary>
    public static async Task<MultipartSection?> NextSectionAsync(MultipartReader reader, CancellationToken ct)
    {
        try
        {
            return await reader.ReadNextSectionAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new BadHttpRequestException($"The multipart form cannot be read: {e.Message}");
        }
    }
}
