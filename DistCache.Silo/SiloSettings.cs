namespace DistCache.Silo;

/// <summary>How this silo finds its cluster and where it listens. Bound from the <c>Silo</c> configuration section.</summary>
internal sealed class SiloSettings
{
    public const string SectionName = "Silo";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// <c>Localhost</c> (development: the membership table lives in the primary silo, on this machine)
    /// or <c>Redis</c> (the membership table lives in Redis; silos may run on many machines).
    /// </summary>
    public string Clustering { get; set; } = "Localhost";

    /// <summary>With Localhost clustering: the primary silo's port (the one holding the membership table). Defaults to this silo's own port.</summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>With Redis clustering: the Redis connection string, such as <c>127.0.0.1:6379</c>.</summary>
    public string? Redis { get; set; }

    /// <summary>The address this silo listens on and advertises. Loopback unless a multi-machine cluster needs another.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Silos with the same cluster id form one cluster; clients must use the same id.</summary>
    public string ClusterId { get; set; } = "distcache";

    public string ServiceId { get; set; } = "distcache";
}
