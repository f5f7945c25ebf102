using DistCache;
using DistCache.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelRouter;

// Usage: dotnet run --project samples/ModelRouter [-- --gateway 127.0.0.1:30000]
var gateway = args.SkipWhile(a => a != "--gateway").Skip(1).FirstOrDefault() ?? "127.0.0.1:30000";
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddDistCacheClient(o => o.Gateways.Add(gateway));
using var host = builder.Build();
await host.StartAsync();

var catalog = ModelCatalog.Default();
var router = new CachedRouter(host.Services.GetRequiredService<IDistCache>(), catalog);
string[] prompts =
[
    "Hi! What's a good name for a cat?",
    "Fix this bug: my C# function throws a NullReferenceException when the list is empty.",
    "Summarize this meeting transcript in three bullet points: " + string.Concat(Enumerable.Repeat("we discussed the roadmap and the budget. ", 40)),
    "Bitte übersetze den folgenden Satz und erkläre die Grammatik, der Satz ist nicht schwer.",
    "Translate to English: le chat est sur la table et les enfants sont dans le jardin.",
    "このメールを丁寧な日本語に書き直してください。",
    "Explain step by step why the sum of two odd numbers is even, and prove it.",
];

Console.WriteLine($"Routing {prompts.Length} prompts twice through DistCache at {gateway}:");
for (var round = 1; round <= 2; round++)
{
    foreach (var prompt in prompts)
    {
        var (decision, fromCache) = await router.RouteAsync(prompt);
        Console.WriteLine($"  [{(fromCache ? "hit " : "miss")}] {decision.Model,-16} ${decision.EstimatedCost,8:0.0000}  {Preview(prompt)}");
    }
}

var down = "large-reasoning";
var deleted = await router.MarkDownAsync(down);
Console.WriteLine($"Model {down} went down: invalidating its tag deleted {deleted} cached route replicas. Routing again:");
foreach (var prompt in prompts.Where(p => p.Contains("bug") || p.Contains("prove")))
{
    var (decision, fromCache) = await router.RouteAsync(prompt);
    Console.WriteLine($"  [{(fromCache ? "hit " : "miss")}] {decision.Model,-16} {Preview(prompt)}");
}

var latencies = router.Latencies;
Console.WriteLine($"Cache: {router.Hits} hits, {router.Misses} misses; route latency p50 {Percentile(latencies, 0.5):0.00} ms, p99 {Percentile(latencies, 0.99):0.00} ms");

var nodes = await ClusterView.LoadAsync(host.Services.GetRequiredService<IClusterClient>());
Console.WriteLine("Cache cluster:");
foreach (var node in nodes)
{
    Console.WriteLine($"  {node.NodeId,-40} {node.Status,-9} utilization {node.Utilization,6:P1}  items {node.Items}");
}

Console.WriteLine($"A balancer would send new work to: {ClusterView.PickLeastUtilized(nodes)?.NodeId ?? $"no healthy node under {ClusterView.Ceiling:P0}"}");
await host.StopAsync();

static string Preview(string prompt) => prompt.Length <= 60 ? prompt : string.Concat(prompt.AsSpan(0, 57), "...");

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
