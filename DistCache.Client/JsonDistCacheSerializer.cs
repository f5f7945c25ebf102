using System.Text.Json;

namespace DistCache.Client;

/// <summary>The default serializer: System.Text.Json, UTF-8, with web defaults unless given options.</summary>
public sealed class JsonDistCacheSerializer(JsonSerializerOptions? options = null) : IDistCacheSerializer
{
    private readonly JsonSerializerOptions _options = options ?? JsonSerializerOptions.Web;

    /// <inheritdoc />
    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, _options);

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlySpan<byte> bytes) => JsonSerializer.Deserialize<T>(bytes, _options)!;
}
