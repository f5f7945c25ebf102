using System.Net;
using DistCache.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace DistCache.Silo;

/// <summary>Turns <see cref="SiloSettings"/> and configuration into an Orleans silo running DistCache.</summary>
internal static class SiloSetup
{
    public static void Configure(ISiloBuilder silo, SiloSettings settings, IConfiguration configuration)
    {
        var address = IPAddress.Parse(settings.Address);
        switch (settings.Clustering.ToUpperInvariant())
        {
            case "LOCALHOST":
                silo.UseLocalhostClustering(
                    settings.SiloPort,
                    settings.GatewayPort,
                    new IPEndPoint(IPAddress.Loopback, settings.PrimarySiloPort ?? settings.SiloPort),
                    settings.ServiceId,
                    settings.ClusterId);
                break;
            case "REDIS":
                if (string.IsNullOrWhiteSpace(settings.Redis))
                {
                    throw new InvalidOperationException("Silo:Clustering is Redis, so Silo:Redis must give the Redis connection string (such as 127.0.0.1:6379).");
                }

                silo.UseRedisClustering(settings.Redis)
                    .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId))
                    .Configure<EndpointOptions>(o =>
                    {
                        o.AdvertisedIPAddress = address;
                        o.SiloPort = settings.SiloPort;
                        o.GatewayPort = settings.GatewayPort;
                        o.SiloListeningEndpoint = new IPEndPoint(address, settings.SiloPort);
                        o.GatewayListeningEndpoint = new IPEndPoint(address, settings.GatewayPort);
                    });
                break;
            default:
                throw new InvalidOperationException($"Silo:Clustering is '{settings.Clustering}'; it must be Localhost or Redis.");
        }

        // Failure detection is tunable from the Membership section (appsettings.json sets it fast for one machine).
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection("Membership"));
        silo.AddDistCache();
    }
}
