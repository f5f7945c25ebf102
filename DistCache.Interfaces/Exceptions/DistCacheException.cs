namespace DistCache;

/// <summary>The base of every error DistCache raises on purpose. It crosses grain and client boundaries intact.</summary>
[GenerateSerializer, Alias("distcache.exception")]
public class DistCacheException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public DistCacheException() { }

    /// <summary>Creates an exception with a message.</summary>
    public DistCacheException(string message) : base(message) { }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public DistCacheException(string message, Exception innerException) : base(message, innerException) { }
}
