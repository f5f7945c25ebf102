namespace DistCache.Client;

/// <summary>Settings of the DistCache client. Validated when the client is first created.</summary>
public sealed class DistCacheClientOptions
{
    /// <summary>
    /// Gateways to connect to, as <c>host:port</c> (<c>127.0.0.1:30000</c>). When empty and
    /// <see cref="ConfigureOrleans"/> is not set, the app must add an Orleans client itself.
    /// </summary>
    public IList<string> Gateways { get; } = [];

    /// <summary>Orleans cluster id of the silos (the silo's <c>Silo:ClusterId</c>).</summary>
    public string ClusterId { get; set; } = "distcache";

    /// <summary>Orleans service id of the silos (the silo's <c>Silo:ServiceId</c>).</summary>
    public string ServiceId { get; set; } = "distcache";

    /// <summary>
    /// Configures the Orleans client instead of <see cref="Gateways"/>, for another membership provider
    /// (for example <c>c => c.UseRedisClustering("127.0.0.1:6379")</c>).
    /// </summary>
    public Action<IClientBuilder>? ConfigureOrleans { get; set; }

    /// <summary>The consistency of calls that do not name one.</summary>
    public ConsistencyLevel DefaultConsistency { get; set; } = ConsistencyLevel.Quorum;

    /// <summary>The time to live of writes that do not give one; null for none.</summary>
    public TimeSpan? DefaultTimeToLive { get; set; }

    /// <summary>How long one operation may take before it fails with <see cref="DistCacheTimeoutException"/>.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a fill lease of <c>GetOrSetAsync</c> lasts: the time the factory may take before another caller takes over.</summary>
    public TimeSpan FillLeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether reads go straight to the nodes that hold the key (one hop) when they can, instead of
    /// through the cluster's entry grain (two hops). On by default; reads that need failover, repair
    /// or a hand-off still go through the entry grain.
    /// </summary>
    public bool ReadFromNodes { get; set; } = true;

    /// <summary>
    /// Whether sets and removes go straight to the key's primary node, which stamps, applies and replicates
    /// them (one hop), instead of through the cluster's entry grain (two hops). On by default. Writes the
    /// primary refuses (it is in an outage or leaving) or that cannot reach it go through the entry grain;
    /// if the primary applied such a write before its answer was lost, the resend writes the same value again
    /// under a newer version.
    /// </summary>
    public bool WriteToPrimary { get; set; } = true;

    /// <summary>
    /// Whether the direct reads and writes (<see cref="ReadFromNodes"/>, <see cref="WriteToPrimary"/>) go over
    /// each silo's data port, one TCP connection per silo with one frame for all of its nodes, instead of as
    /// Orleans grain calls, one per node. On by default; used for the silos that publish a data port. A frame
    /// that fails (the connection dropped, the node refused) sends its operations through the entry grain.
    /// </summary>
    public bool UseDataPort { get; set; } = true;

    /// <summary>How often the client refreshes the ring it routes with (<see cref="ReadFromNodes"/>, <see cref="WriteToPrimary"/>); a node that refuses a read triggers a refresh at once. When a refresh finds a node Failed, the direct operations still waiting fall back to the entry grain at once.</summary>
    public TimeSpan RoutingRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The near cache (L1), off by default.</summary>
    public NearCacheOptions NearCache { get; set; } = new();

    /// <summary>The clock expirations are computed with (<c>IDistributedCache</c>'s absolute and sliding expirations).</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Throws when a setting is out of range, naming it and its value.</summary>
    public void Validate()
    {
        static void Require(bool ok, string name, object? value, string rule)
        {
            if (!ok)
            {
                throw new ArgumentOutOfRangeException(name, value, $"DistCacheClientOptions.{name} is {value}; it must be {rule}.");
            }
        }

        CacheLimits.ValidateConsistency(DefaultConsistency);
        CacheLimits.ValidateTimeToLive(DefaultTimeToLive);
        Require(OperationTimeout > TimeSpan.Zero, nameof(OperationTimeout), OperationTimeout, "positive");
        Require(RoutingRefreshInterval > TimeSpan.Zero, nameof(RoutingRefreshInterval), RoutingRefreshInterval, "positive");
        Require(FillLeaseDuration >= TimeSpan.FromMilliseconds(1) && FillLeaseDuration <= CacheLimits.MaxFillLease, nameof(FillLeaseDuration), FillLeaseDuration, $"between 1 ms and {CacheLimits.MaxFillLease}");
        Require(NearCache.MaxEntries > 0, "NearCache.MaxEntries", NearCache.MaxEntries, "positive");
        Require(NearCache.MaxAge > TimeSpan.Zero, "NearCache.MaxAge", NearCache.MaxAge, "positive");
        NearCache.Invalidations.Validate();
        foreach (var gateway in Gateways)
        {
            Require(TryParseGateway(gateway, out _), nameof(Gateways), gateway, "host:port");
        }
    }

    internal static bool TryParseGateway(string gateway, out System.Net.IPEndPoint endpoint)
    {
        endpoint = null!;
        var colon = gateway.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(gateway.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535)
        {
            return false;
        }

        var host = gateway[..colon];
        var address = host == "localhost" ? System.Net.IPAddress.Loopback : System.Net.IPAddress.TryParse(host, out var parsed) ? parsed : null;
        if (address is null)
        {
            return false;
        }

        endpoint = new System.Net.IPEndPoint(address, port);
        return true;
    }
}
