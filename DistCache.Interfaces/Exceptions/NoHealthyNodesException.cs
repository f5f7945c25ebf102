namespace DistCache;

/// <summary>Nodes are registered, but every one of them is Failed.</summary>
[GenerateSerializer, Alias("distcache.no-healthy-nodes")]
public sealed class NoHealthyNodesException : DistCacheException
{
    /// <summary>Creates the exception.</summary>
    public NoHealthyNodesException() { }

    /// <summary>Creates the exception for <paramref name="registered"/> nodes that are all Failed.</summary>
    public NoHealthyNodesException(int registered)
        : base($"All {registered} registered cache nodes are Failed; no node can serve the operation.") => Registered = registered;

    /// <summary>Creates the exception with a message.</summary>
    public NoHealthyNodesException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public NoHealthyNodesException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>How many nodes were registered (all Failed).</summary>
    [Id(0)] public int Registered { get; private set; }
}
