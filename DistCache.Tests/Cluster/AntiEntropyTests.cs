using Xunit.Abstractions;

namespace DistCache.Tests.Cluster;

/// <summary>Replicas compare digests and exchange what differs, so keys nobody reads converge.</summary>
[Collection(AntiEntropyGroup.Name)]
public sealed class AntiEntropyTests(AntiEntropyCluster fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task AReplicaDivergedOnPurposeIsRepairedWithoutAnyRead()
    {
        var keys = Enumerable.Range(0, 200).Select(i => TestKey.New(suffix: $"-{i}")).ToArray();
        foreach (var key in keys)
        {
            await fixture.Cache.SetAsync(key, [1], null, ConsistencyLevel.Strong);
        }

        // Straight to one replica each, as if the others had missed it: 20 newer values and 20 deletes.
        var expected = new Dictionary<string, CacheVersion>();
        for (var i = 0; i < 40; i++)
        {
            var key = keys[i];
            var replica = fixture.Node((await fixture.Cache.GetReplicasAsync(key))[i % 3]);
            var newer = (await replica.GetAsync(key)).Version with { Timestamp = long.MaxValue >> 1 };
            var result = i < 20 ? await replica.SetAsync(key, [2], newer, 0, null) : await replica.RemoveAsync(key, newer);
            Assert.True(result.Applied);
            expected[key] = newer;
        }

        var before = await fixture.SettledStatsAsync();
        foreach (var (key, version) in expected)
        {
            await Eventually.TrueAsync(() => Replicas.AllHoldAsync(fixture, key, version), $"every replica of {key} to converge");
        }

        var after = await fixture.SettledStatsAsync();
        Assert.Equal(before.Operations.Reads, after.Operations.Reads);
        Assert.Equal(0, after.Operations.ReadRepairs);
        Assert.True(after.Nodes.Sum(n => n.Store.AntiEntropyEntries) >= 80, "each diverged key travels to two replicas");
    }

    [Fact]
    public async Task WhenNothingDiffersRoundsExchangeOnlyDigests()
    {
        for (var i = 0; i < 500; i++)
        {
            await fixture.Cache.SetAsync(TestKey.New(suffix: $"-{i}"), new byte[100], null, ConsistencyLevel.Strong);
        }

        // Let anti-entropy settle whatever earlier tests left, then watch quiet rounds.
        var settled = await Eventually.MatchesAsync(
            async () => await Replicas.CountersAsync(fixture),
            counters => counters.Sum(c => c.AntiEntropyRounds) > 0,
            "anti-entropy to run");
        var quiet = await Eventually.MatchesAsync(
            async () => await Replicas.CountersAsync(fixture),
            counters => counters.Sum(c => c.AntiEntropyRounds) >= settled.Sum(c => c.AntiEntropyRounds) + 30,
            "30 more anti-entropy rounds");

        var rounds = quiet.Sum(c => c.AntiEntropyRounds) - settled.Sum(c => c.AntiEntropyRounds);
        var bytes = quiet.Sum(c => c.AntiEntropyDigestBytes) - settled.Sum(c => c.AntiEntropyDigestBytes);
        var items = quiet.Sum(c => c.Items);
        output.WriteLine($"{rounds} rounds between node pairs, {bytes} digest bytes sent and received ({bytes / rounds} per round), {items} entries held");
        Assert.Equal(settled.Sum(c => c.AntiEntropyEntries), quiet.Sum(c => c.AntiEntropyEntries));

        // Two digests of 256 buckets per compared pair, however many keys: the cost does not grow with the data.
        Assert.InRange(bytes / (double)rounds, 4096 * 0.8, 4096 * 1.2);
    }
}
