using DistCache.Replication;
using Microsoft.Extensions.Time.Testing;

namespace DistCache.Tests.Unit;

public sealed class HybridLogicalClockTests
{
    [Fact]
    public void ReadingsGrowEvenWhenTheWallClockStandsStillOrGoesBack()
    {
        var time = new ManualTime { Now = DateTimeOffset.UnixEpoch.AddDays(20_000) };
        var clock = new HybridLogicalClock(time);
        var first = clock.Next();
        var second = clock.Next();
        time.Now = time.Now.AddSeconds(-10);
        var third = clock.Next();

        Assert.True(second > first);
        Assert.True(third > second);
        Assert.Equal(time.Now.AddSeconds(10).ToUnixTimeMilliseconds(), third >> 16);
    }

    [Fact]
    public void ObservingANewerTimestampMovesTheClockPastIt()
    {
        var clock = new HybridLogicalClock(new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000)));
        var remote = clock.Next() + (5_000L << 16);
        clock.Observe(remote);
        Assert.True(clock.Next() > remote);
    }

    [Fact]
    public void VersionsOrderByTimestampThenWriter()
    {
        Assert.True(new CacheVersion(2, 1) > new CacheVersion(1, 9));
        Assert.True(new CacheVersion(2, 2) > new CacheVersion(2, 1));
        Assert.True(new CacheVersion(1, 1) > CacheVersion.None);
        Assert.Equal(0, new CacheVersion(5, 5).CompareTo(new CacheVersion(5, 5)));
    }

    /// <summary>A clock that can be set backwards, which <see cref="FakeTimeProvider"/> refuses.</summary>
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
