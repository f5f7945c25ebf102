using DistCache;
using DistCache.Hosting;
using DistCache.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// `--demo` is ours, not a configuration key: take it out before configuration parses the rest.
var demo = args.Contains("--demo");
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args.Where(a => a != "--demo").ToArray(),

    // appsettings.json sits beside the binary; `dotnet run --project` starts from elsewhere.
    ContentRootPath = AppContext.BaseDirectory,
});
if (demo)
{
    // The demo waits for a node to be marked Failed; keep that short unless configured otherwise.
    builder.Configuration["DistCache:HeartbeatInterval"] ??= "00:00:01";
    builder.Configuration["DistCache:HeartbeatTimeout"] ??= "00:00:05";

    // And compare replicas often enough that anti-entropy shows in the demo's statistics.
    builder.Configuration["DistCache:AntiEntropyInterval"] ??= "00:00:01";
}

var silo = builder.Configuration.GetSection(SiloSettings.SectionName).Get<SiloSettings>() ?? new SiloSettings();
builder.UseOrleans(siloBuilder => SiloSetup.Configure(siloBuilder, silo, builder.Configuration));

using var host = builder.Build();
await host.StartAsync();

var grains = host.Services.GetRequiredService<IGrainFactory>();
Console.WriteLine($"DistCache silo ready on {silo.Address}:{silo.SiloPort} ({silo.Clustering} clustering, cluster '{silo.ClusterId}'; clients connect to gateway port {silo.GatewayPort}).");
await NodeTable.PrintAsync(grains, Console.Out);

if (demo)
{
    var timeout = builder.Configuration.GetSection(DistCacheOptions.SectionName).Get<DistCacheOptions>()?.HeartbeatTimeout ?? TimeSpan.FromSeconds(30);
    Console.WriteLine();
    await new Demo(grains, Console.Out).RunAsync(timeout, CancellationToken.None);
    await host.StopAsync();
    return;
}

Console.WriteLine("Press Ctrl+C to stop.");
await host.WaitForShutdownAsync();
