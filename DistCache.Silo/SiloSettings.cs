namespace DistCache.Silo;

/// <summary>Where this silo listens. Loopback only: the local clustering keeps everything on this machine.</summary>
internal sealed class SiloSettings
{
    public const string SectionName = "Silo";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;
}
