using DistCache.Replication;

namespace DistCache.Tests.Unit;

public sealed class HintBookTests
{
    [Fact]
    public void DeliveredHintsAreForgottenButOnesHintedAgainDuringDeliveryStay()
    {
        var book = new HintBook(maxKeys: 100, TimeSpan.FromMinutes(10));
        book.Add("node-1", ["a", "b"], nowTicks: 0);
        var delivering = book.HintsFor("node-1");

        // "b" misses another write while the first delivery is in flight: that write may be newer.
        book.Add("node-1", ["b"], nowTicks: 1);
        book.Delivered("node-1", delivering);

        Assert.Equal(["b"], book.HintsFor("node-1").Select(h => h.Key));
        Assert.Equal(1, book.Count);
    }

    [Fact]
    public void TheBookHoldsAtMostItsLimitAndCountsWhatItRefused()
    {
        var book = new HintBook(maxKeys: 2, TimeSpan.FromMinutes(10));
        book.Add("node-1", ["a", "b", "c"], 0);
        book.Add("node-2", ["d"], 0);

        Assert.Equal(2, book.Count);
        Assert.Equal(2, book.Dropped);
        Assert.Equal(["node-1"], book.Replicas);
    }

    [Fact]
    public void HintsExpireAWindowAfterTheFirstAndForReplicasOffTheRing()
    {
        var book = new HintBook(maxKeys: 100, TimeSpan.FromMinutes(10));
        book.Add("old", ["a"], nowTicks: 0);
        book.Add("gone", ["b"], nowTicks: TimeSpan.FromMinutes(5).Ticks);
        book.Add("fresh", ["c"], nowTicks: TimeSpan.FromMinutes(5).Ticks);

        var dropped = book.DropStale(TimeSpan.FromMinutes(11).Ticks, replica => replica != "gone");

        Assert.Equal(2, dropped);
        Assert.Equal(["fresh"], book.Replicas);
        Assert.Equal(1, book.Count);
    }
}
