namespace DistCache.Tests.Cluster;

/// <summary>Bad input is refused at the data path's edge with the offending value named, and changes nothing.</summary>
[Collection(ThreeSiloGroup.Name)]
public sealed class InputValidationTests(ThreeSiloCluster fixture)
{
    /// <summary>The version each replica of <paramref name="key"/> holds.</summary>
    private async Task<CacheVersion[]> ReplicaVersionsAsync(string key) =>
        await Task.WhenAll((await fixture.Cache.GetReplicasAsync(key)).Select(async id => (await fixture.Node(id).GetAsync(key)).Version));

    private async Task AssertRejectedAndUnchangedAsync<TException>(string key, Func<Task> bad, string named)
        where TException : ArgumentException
    {
        var before = await ReplicaVersionsAsync(key);
        var error = await Assert.ThrowsAsync<TException>(bad);
        Assert.Contains(named, error.Message);
        Assert.Equal(before, await ReplicaVersionsAsync(key));
        Assert.Equal([1], (await fixture.Cache.GetAsync(key, ConsistencyLevel.Strong))!.Value);
    }

    [Fact]
    public async Task BadWritesAreRejectedWithTheValueNamedAndChangeNothing()
    {
        var key = TestKey.New();
        await fixture.Cache.SetAsync(key, [1], null, ConsistencyLevel.Strong);

        await AssertRejectedAndUnchangedAsync<ArgumentException>(key,
            () => fixture.Cache.SetAsync(key, new byte[(1 << 20) + 1], null, ConsistencyLevel.Quorum), "1048577 bytes");
        await AssertRejectedAndUnchangedAsync<ArgumentOutOfRangeException>(key,
            () => fixture.Cache.SetAsync(key, [2], TimeSpan.Zero, ConsistencyLevel.Quorum), "00:00:00");
        await AssertRejectedAndUnchangedAsync<ArgumentOutOfRangeException>(key,
            () => fixture.Cache.SetAsync(key, [2], TimeSpan.FromSeconds(-5), ConsistencyLevel.Quorum), "-00:00:05");
        await AssertRejectedAndUnchangedAsync<ArgumentOutOfRangeException>(key,
            () => fixture.Cache.SetAsync(key, [2], null, (ConsistencyLevel)42), "42");
        await AssertRejectedAndUnchangedAsync<ArgumentOutOfRangeException>(key,
            () => fixture.Cache.RemoveAsync(key, (ConsistencyLevel)42), "42");
    }

    [Fact]
    public async Task BadKeysAreRejectedWithTheKeyNamed()
    {
        var key = TestKey.New();
        await fixture.Cache.SetAsync(key, [1], null, ConsistencyLevel.Strong);
        var tooLong = "long-" + new string('é', 600); // 1205 bytes in UTF-8

        await AssertRejectedAndUnchangedAsync<ArgumentException>(key,
            () => fixture.Cache.SetAsync(tooLong, [2], null, ConsistencyLevel.Quorum), "1205 bytes");
        await AssertRejectedAndUnchangedAsync<ArgumentException>(key,
            () => fixture.Cache.SetAsync("", [2], null, ConsistencyLevel.Quorum), "must not be empty");
        await AssertRejectedAndUnchangedAsync<ArgumentException>(key,
            () => fixture.Cache.RemoveAsync(tooLong, ConsistencyLevel.Quorum), "'long-");
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Cache.GetAsync(tooLong, ConsistencyLevel.Eventual));
    }

    [Fact]
    public async Task BadTagsAreRejectedWithTheTagNamedAndChangeNothing()
    {
        var key = TestKey.New();
        await fixture.Cache.SetAsync(key, [1], null, ConsistencyLevel.Strong);
        var tooLong = "model:" + new string('x', 300);

        await AssertRejectedAndUnchangedAsync<ArgumentException>(key,
            () => fixture.Cache.SetAsync(key, [2], null, ConsistencyLevel.Quorum, [tooLong]), "has 306");
        await AssertRejectedAndUnchangedAsync<ArgumentException>(key,
            () => fixture.Cache.SetAsync(key, [2], null, ConsistencyLevel.Quorum, [""]), "has 0");
        await AssertRejectedAndUnchangedAsync<ArgumentException>(key,
            () => fixture.Cache.SetAsync(key, [2], null, ConsistencyLevel.Quorum, Enumerable.Range(0, 17).Select(i => $"t{i}").ToArray()), "has 17");
        var error = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Cache.InvalidateTagAsync(""));
        Assert.Contains("has 0", error.Message);
    }
}
