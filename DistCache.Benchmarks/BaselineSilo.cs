using DistCache.Tests.Processes;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace DistCache.Benchmarks;

/// <summary>The cache most Orleans apps write: one grain per key holding its value in memory.</summary>
public interface IKeyGrain : IGrainWithStringKey
{
    Task<byte[]?> GetAsync();

    Task SetAsync([Immutable] byte[] value);
}

internal sealed class KeyGrain : Grain, IKeyGrain
{
    private byte[]? _value;

    public Task<byte[]?> GetAsync() => Task.FromResult(_value);

    public Task SetAsync(byte[] value)
    {
        _value = value;
        return Task.CompletedTask;
    }
}

/// <summary>This program in silo mode, hosting <see cref="KeyGrain"/>, so the baseline runs out of process like DistCache.</summary>
internal static class BaselineSilo
{
    public const string Verb = "grain-silo";

    public static async Task RunAsync(string[] args)
    {
        var (siloPort, gatewayPort) = (int.Parse(args[0], CultureInfo.InvariantCulture), int.Parse(args[1], CultureInfo.InvariantCulture));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, siloPort), "grain-per-key", "grain-per-key")
            .Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromHours(1)));
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine("baseline silo ready");
        await host.WaitForShutdownAsync();
    }
}

/// <summary>The grain-per-key baseline as a load target.</summary>
internal sealed class GrainPerKeyTarget : ILoadTarget
{
    private ChildProcess? _silo;
    private IHost? _host;
    private IGrainFactory _grains = null!;

    public string Name => "grain-per-key";

    public async Task<string?> StartAsync()
    {
        var (siloPort, gatewayPort) = (ServerProcess.FreePort(), ServerProcess.FreePort());
        _silo = new ChildProcess("baseline silo", "dotnet", [typeof(BaselineSilo).Assembly.Location, BaselineSilo.Verb, $"{siloPort}", $"{gatewayPort}"], "baseline silo ready");
        await _silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client
            .UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort))
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("grain-per-key", "grain-per-key")));
        _host = builder.Build();
        await _host.StartAsync();
        _grains = _host.Services.GetRequiredService<IGrainFactory>();
        return null;
    }

    public async Task<bool> GetAsync(string key) => await _grains.GetGrain<IKeyGrain>(key).GetAsync() is not null;

    public Task SetAsync(string key, byte[] value) => _grains.GetGrain<IKeyGrain>(key).SetAsync(value);

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        _silo?.Dispose();
    }
}
