using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Platform.Ingest.Processing;

/// <summary>
/// Rows already in PostgreSQL's binary COPY format (a 16-bit field count, then per field a 32-bit length and the
/// bytes), written by the thread that validates them so that committing a batch only streams bytes: Npgsql's
/// per-value importer cost about as much CPU as validating. The buffer is pooled; dispose it once the batch is
/// written.
/// </summary>
public sealed class CopyRows : IBufferWriter<byte>, IDisposable
{
    /// <summary>The stream header: signature, flags, header extension length.</summary>
    public static ReadOnlyMemory<byte> Header { get; } =
        new byte[] { (byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0 };

    /// <summary>The stream trailer: a field count of -1.</summary>
    public static ReadOnlyMemory<byte> Trailer { get; } = new byte[] { 0xff, 0xff };

    private static readonly DateTime PostgresEpoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    private int written;

    public int Position => written;

    public ReadOnlyMemory<byte> Slice(int start, int length) => buffer.AsMemory(start, length);

    public void BeginRow(short fields) => BinaryPrimitives.WriteInt16BigEndian(Take(2), fields);

    public void Null() => BinaryPrimitives.WriteInt32BigEndian(Take(4), -1);

    public void Int32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(Take(4), 4);
        BinaryPrimitives.WriteInt32BigEndian(Take(4), value);
    }

    public void Int64(long value)
    {
        BinaryPrimitives.WriteInt32BigEndian(Take(4), 8);
        BinaryPrimitives.WriteInt64BigEndian(Take(8), value);
    }

    /// <summary>
    /// A <c>numeric</c>: a digit count, the weight of the first digit, the sign and the display scale, then the digits in
    /// base 10,000 (PostgreSQL's <c>numeric_send</c>). The scale is the decimal's own, so <c>12.50</c> stays <c>12.50</c>.
    /// </summary>
    public void Numeric(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = value.Scale;
        var pad = (4 - (scale % 4)) % 4; // digits added so that the point falls between two base-10,000 digits
        var fractionDigits = (scale + pad) / 4;
        Span<short> digits = stackalloc short[10]; // least significant first; 29 decimal digits and the pad fit in 9
        var count = 0;
        var low = ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
        if (bits[2] == 0 && low <= ulong.MaxValue / 1000)
        {
            for (var m = low * Pow10[pad]; m != 0; m /= 10_000)
            {
                digits[count++] = (short)(m % 10_000);
            }
        }
        else
        {
            for (var m = (((UInt128)(uint)bits[2] << 64) | low) * Pow10[pad]; m != 0; m /= 10_000)
            {
                digits[count++] = (short)(ulong)(m % 10_000);
            }
        }
        var last = 0;
        while (last < count && digits[last] == 0)
        {
            last++;
        }
        var written = count - last;
        BinaryPrimitives.WriteInt32BigEndian(Take(4), 8 + (2 * written));
        BinaryPrimitives.WriteInt16BigEndian(Take(2), (short)written);
        BinaryPrimitives.WriteInt16BigEndian(Take(2), (short)(written == 0 ? 0 : count - 1 - fractionDigits));
        BinaryPrimitives.WriteInt16BigEndian(Take(2), written > 0 && bits[3] < 0 ? (short)0x4000 : (short)0);
        BinaryPrimitives.WriteInt16BigEndian(Take(2), scale);
        for (var i = count - 1; i >= last; i--)
        {
            BinaryPrimitives.WriteInt16BigEndian(Take(2), digits[i]);
        }
    }

    private static readonly uint[] Pow10 = [1, 10, 100, 1000];

    /// <summary>A <c>timestamptz</c>: microseconds since 2000-01-01 UTC.</summary>
    public void Timestamp(DateTime utc)
    {
        BinaryPrimitives.WriteInt32BigEndian(Take(4), 8);
        BinaryPrimitives.WriteInt64BigEndian(Take(8), (utc - PostgresEpoch).Ticks / 10);
    }

    public void Bool(bool value)
    {
        BinaryPrimitives.WriteInt32BigEndian(Take(4), 1);
        Take(1)[0] = value ? (byte)1 : (byte)0;
    }

    /// <summary>Overwrites a one-byte boolean field that ends at <paramref name="end"/> (a row's last field).</summary>
    public void SetBoolEndingAt(int end, bool value) => buffer[end - 1] = value ? (byte)1 : (byte)0;

    public void Date(DateTime? value)
    {
        if (value is not { } date)
        {
            Null();
            return;
        }
        BinaryPrimitives.WriteInt32BigEndian(Take(4), 4);
        BinaryPrimitives.WriteInt32BigEndian(Take(4), (int)(date.Date - PostgresEpoch).TotalDays);
    }

    public void Bytes(ReadOnlySpan<byte> utf8)
    {
        BinaryPrimitives.WriteInt32BigEndian(Take(4), utf8.Length);
        utf8.CopyTo(Take(utf8.Length));
    }

    public void Text(string? value)
    {
        if (value is null)
        {
            Null();
            return;
        }
        var start = BeginField();
        written += Encoding.UTF8.GetBytes(value, GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length)));
        EndField(start);
    }

    /// <summary>Starts a field whose bytes the caller writes through this buffer; <see cref="EndField"/> sets its length.</summary>
    public int BeginField()
    {
        Take(4);
        return written;
    }

    public void EndField(int start) => BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(start - 4, 4), written - start);

    public void Advance(int count) => written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 256));
        return buffer.AsMemory(written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 256));
        return buffer.AsSpan(written);
    }

    public void Dispose()
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = [];
        }
    }

    private Span<byte> Take(int count)
    {
        Ensure(count);
        var span = buffer.AsSpan(written, count);
        written += count;
        return span;
    }

    private void Ensure(int count)
    {
        if (buffer.Length - written >= count)
        {
            return;
        }
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, written + count));
        buffer.AsSpan(0, written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }
}
