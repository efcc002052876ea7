namespace Argus.IntegrationTests.Infrastructure;

/// <summary>Content without a known length, written 1 KiB at a time: HttpClient sends it chunked.</summary>
public sealed class ChunkedContent(byte[] bytes) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        for (var offset = 0; offset < bytes.Length; offset += 1024)
        {
            await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(1024, bytes.Length - offset)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
