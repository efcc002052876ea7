using System.Buffers;
using System.IO.Compression;

namespace Argus.Otlp.Http;

/// <summary>Thrown when a body (as received or decompressed) exceeds the configured limit.</summary>
internal sealed class BodyTooLargeException(long limit) : IOException($"The request body exceeds the limit of {limit} bytes.")
{
    public long Limit { get; } = limit;
}

/// <summary>A request body read into a pooled buffer; dispose to return the buffer.</summary>
internal sealed class PooledBody(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, length);

    public int Length => length;

    public void Dispose()
    {
        if (_buffer is { } b)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}

/// <summary>Reads a request body with a hard size limit, optionally through gzip, without trusting Content-Length.</summary>
internal static class BodyReader
{
    /// <summary>
    /// Reads the whole body. The limit applies to the bytes received and, for gzip, again to the decompressed bytes,
    /// which is what stops a small "gzip bomb" from expanding into gigabytes.
    /// </summary>
    public static async Task<PooledBody> ReadAsync(Stream body, bool gzip, int limit, long? contentLength, CancellationToken cancellationToken)
    {
        Stream source = new LimitedReadStream(body, limit);
        GZipStream? gzipStream = null;
        if (gzip)
        {
            gzipStream = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
            source = gzipStream;
        }

        // Start at the announced size when there is one (plus one byte to detect overrun without a second grow).
        var initial = (int)Math.Clamp(gzip ? (contentLength ?? 0) * 4 : (contentLength ?? 0) + 1, 4096, (long)limit + 1);
        var buffer = ArrayPool<byte>.Shared.Rent(initial);
        var filled = 0;
        try
        {
            await using (gzipStream)
            {
                while (true)
                {
                    if (filled == buffer.Length)
                    {
                        if (filled > limit)
                        {
                            throw new BodyTooLargeException(limit);
                        }

                        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, (long)limit + 1));
                        buffer.AsSpan(0, filled).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var read = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    filled += read;
                    if (filled > limit)
                    {
                        throw new BodyTooLargeException(limit);
                    }
                }
            }

            return new PooledBody(buffer, filled);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>A read-only view of a stream that fails once more than <c>limit</c> bytes have been read.</summary>
    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > limit ? throw new BodyTooLargeException(limit) : read;
        }
    }
}
