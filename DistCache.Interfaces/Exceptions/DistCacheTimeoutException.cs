namespace DistCache;

/// <summary>An operation did not complete within the client's operation timeout.</summary>
[GenerateSerializer, Alias("distcache.timeout")]
public sealed class DistCacheTimeoutException : DistCacheException
{
    /// <summary>Creates the exception.</summary>
    public DistCacheTimeoutException() { }

    /// <summary>Creates the exception with a message.</summary>
    public DistCacheTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DistCacheTimeoutException(string message, Exception innerException) : base(message, innerException) { }
}
