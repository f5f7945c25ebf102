namespace DistCache.Client;

/// <summary>Turns typed values into the bytes DistCache stores, and back. Register one to replace the JSON default.</summary>
public interface IDistCacheSerializer
{
    /// <summary>The bytes of <paramref name="value"/>.</summary>
    byte[] Serialize<T>(T value);

    /// <summary>The value <paramref name="bytes"/> hold.</summary>
    T Deserialize<T>(ReadOnlySpan<byte> bytes);
}
