using DistCache.Tests.Client;
using DistCache.Tests.Cluster;
using ModelRouter;

namespace DistCache.Tests.Samples;

/// <summary>The router sample's rules, and its caching against a real cluster.</summary>
[Collection(ClientGroup.Name)]
public sealed class ModelRouterTests(ClientCluster fixture)
{
    private const string CodePrompt = "Fix this bug: my C# function throws when the list is empty.";

    [Theory]
    [InlineData("Hi! What's a good name for a cat?", TaskKind.Chat, "en")]
    [InlineData("Fix this bug in my python function", TaskKind.Code, "en")]
    [InlineData("Bitte übersetze den Satz, der ist nicht schwer", TaskKind.Translate, "de")]
    [InlineData("Résume le texte et les notes, la réunion est finie", TaskKind.Summarize, "fr")]
    [InlineData("このメールを書き直してください", TaskKind.Chat, "ja")]
    public void FeaturesComeFromThePromptsWordsAndScript(string prompt, TaskKind task, string language)
    {
        var features = PromptFeatures.Of(prompt);
        Assert.Equal((task, language), (features.Task, features.Language));
    }

    [Fact]
    public void RulesPickTheCheapestHealthyModelGoodEnoughAndDegradeWhenNoneIs()
    {
        var catalog = ModelCatalog.Default();
        Assert.Equal("small-fast", RoutingRules.Route(PromptFeatures.Of("Hi there, how are you?"), catalog).Model);
        Assert.Equal("large-reasoning", RoutingRules.Route(PromptFeatures.Of(CodePrompt), catalog).Model);
        Assert.Equal("polyglot", RoutingRules.Route(PromptFeatures.Of("このメールを書き直してください"), catalog).Model);

        catalog.SetHealth("large-reasoning", false);
        var degraded = RoutingRules.Route(PromptFeatures.Of(CodePrompt), catalog);
        Assert.Equal("polyglot", degraded.Model);
        Assert.StartsWith("degraded", degraded.Reason, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => catalog.SetHealth("no-such-model", false));
    }

    [Fact]
    public async Task RoutesAreCachedByFeaturesAndAModelGoingDownDropsItsRoutesEverywhere()
    {
        await using var services = ClientFactory.Services(fixture);
        await using var otherApp = ClientFactory.Services(fixture);
        var router = new CachedRouter(services.Cache(), ModelCatalog.Default());
        var otherRouter = new CachedRouter(otherApp.Cache(), ModelCatalog.Default());
        var prompt = $"Fix this bug {Guid.NewGuid():N}: my C# function throws.";
        var chat = $"Hello {Guid.NewGuid():N}, how are you today?";

        Assert.Equal(("large-reasoning", false), Summary(await router.RouteAsync(prompt)));
        Assert.Equal(("small-fast", false), Summary(await router.RouteAsync(chat)));
        Assert.Equal(("large-reasoning", true), Summary(await router.RouteAsync(prompt)));

        // Another app instance shares the cache: its first route for these features is a hit.
        Assert.Equal(("large-reasoning", true), Summary(await otherRouter.RouteAsync(prompt)));

        var deleted = await router.MarkDownAsync("large-reasoning");
        Assert.True(deleted >= 3, $"the route's 3 replicas (and any other large-reasoning routes) are deleted; got {deleted}");

        // The other instance has not heard the model is down, but its cached route is gone from the cluster.
        Assert.Equal(("large-reasoning", false), Summary(await otherRouter.RouteAsync(prompt)));
        Assert.Equal(("polyglot", false), Summary(await router.RouteAsync(prompt)));
        Assert.Equal(("small-fast", true), Summary(await router.RouteAsync(chat)));
        Assert.Equal((2L, 3L), (router.Hits, router.Misses));
        Assert.Equal(router.Hits + router.Misses, router.Latencies.Length);
    }

    [Fact]
    public async Task TheClusterViewPicksTheLeastUtilizedHealthyNodeUnderSeventyPercent()
    {
        var nodes = await ClusterView.LoadAsync(fixture.Client);
        Assert.Equal(3, nodes.Count);
        Assert.All(nodes, n => Assert.InRange(n.Utilization, 0, 1));

        // The test machine's CPU may be above 70 % (it is part of each node's utilization): then nobody is picked.
        var eligible = nodes.Where(n => n.Status == NodeStatus.Active && n.Utilization < ClusterView.Ceiling).ToList();
        Assert.Equal(eligible.Count == 0 ? null : eligible.Min(n => n.Utilization), ClusterView.PickLeastUtilized(nodes)?.Utilization);

        NodeLoad[] loads = [new("a", NodeStatus.Active, 0.75, 0), new("b", NodeStatus.Degraded, 0.1, 0), new("c", NodeStatus.Active, 0.5, 0), new("d", NodeStatus.Active, 0.2, 0)];
        Assert.Equal("d", ClusterView.PickLeastUtilized(loads)!.NodeId);
        Assert.Null(ClusterView.PickLeastUtilized(loads.Where(n => n.NodeId is "a" or "b")));
    }

    private static (string Model, bool FromCache) Summary((RouteDecision Decision, bool FromCache) route) => (route.Decision.Model, route.FromCache);
}
