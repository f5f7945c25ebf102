using DistCache.Placement;
using DistCache.Replication;

namespace DistCache.Tests.Unit;

public sealed class QuorumTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 3)]
    public void MajorityIsHalfPlusOne(int replicas, int majority) => Assert.Equal(majority, QuorumSize.Majority(replicas));

    [Theory]
    [InlineData(ConsistencyLevel.Eventual, 3, 1)]
    [InlineData(ConsistencyLevel.Quorum, 3, 2)]
    [InlineData(ConsistencyLevel.Strong, 3, 3)]
    [InlineData(ConsistencyLevel.Strong, 2, 2)]
    public void RequiredAcksFollowTheLevel(ConsistencyLevel level, int replicas, int required) =>
        Assert.Equal(required, QuorumSize.Required(level, replicas));

    [Fact]
    public async Task CompletesOnTheRequiredSuccessesWithoutWaitingForStragglers()
    {
        var calls = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<int>()).ToArray();
        var outcome = Quorum.WhenAsync(calls.Select(c => c.Task).ToArray(), 2);

        calls[2].SetResult(30);
        Assert.False(outcome.IsCompleted);
        calls[0].SetResult(10);

        var result = await outcome;
        Assert.True(result.Reached);
        Assert.Equal([10, 30], result.Results.Order());
        Assert.False(calls[1].Task.IsCompleted);
    }

    [Fact]
    public async Task AFailedQuorumWaitsForEveryCallAndCountsEveryAck()
    {
        var calls = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<int>()).ToArray();
        var outcome = Quorum.WhenAsync(calls.Select(c => c.Task).ToArray(), 3);

        calls[0].SetException(new InvalidOperationException("first"));
        calls[1].SetResult(1);
        Assert.False(outcome.IsCompleted);
        calls[2].SetException(new TimeoutException("second"));

        var result = await outcome;
        Assert.False(result.Reached);
        Assert.Equal([1], result.Results);
        Assert.Equal(2, result.Failures);
        Assert.Equal("first", result.FirstError?.Message);
    }

    [Fact]
    public async Task MixedResultsReachTheQuorumWithOneFailure()
    {
        var result = await Quorum.WhenAsync([Task.FromResult(1), Task.FromException<int>(new TimeoutException()), Task.FromResult(3)], 2);
        Assert.True(result.Reached);
        Assert.Equal(2, result.Results.Count);
    }

    [Fact]
    public async Task AQuorumOnOneSiloWaitsForAnAckFromAnotherSilo()
    {
        var calls = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<int>()).ToArray();
        var outcome = Quorum.WhenAsync(calls.Select(c => c.Task).ToArray(), 2, silos: [0, 1, 0]);

        calls[0].SetResult(1);
        calls[2].SetResult(3);
        Assert.False(outcome.IsCompleted); // two acks, both on silo 0
        calls[1].SetResult(2);

        var result = await outcome;
        Assert.True(result.Reached);
        Assert.Equal(3, result.Results.Count);
    }

    [Fact]
    public async Task AQuorumWhoseOtherSiloFailsIsNotReached()
    {
        var result = await Quorum.WhenAsync([Task.FromResult(1), Task.FromException<int>(new TimeoutException()), Task.FromResult(3)], 2, silos: [0, 1, 0]);
        Assert.False(result.Reached);
        Assert.Equal(2, result.Results.Count);
    }

    [Fact]
    public async Task ReplicasOnOneSiloNeedOnlyTheCount()
    {
        var result = await Quorum.WhenAsync([Task.FromResult(1), Task.FromException<int>(new TimeoutException()), Task.FromResult(3)], 2, silos: [0, 0, 0]);
        Assert.True(result.Reached);
    }

    [Fact]
    public async Task PreferringTheFirstCallWaitsForItAndFallsBackToTheOthersOnlyIfItFails()
    {
        var primary = new TaskCompletionSource<int>();
        var outcome = Quorum.WhenAsync([primary.Task, Task.FromResult(2), Task.FromResult(3)], 1, firstPreferred: true);
        Assert.False(outcome.IsCompleted); // two replicas acked, but the primary has not answered

        primary.SetException(new TimeoutException());

        var result = await outcome;
        Assert.True(result.Reached);
        Assert.Equal([2, 3], result.Results);
        Assert.Equal([1], (await Quorum.WhenAsync([Task.FromResult(1), new TaskCompletionSource<int>().Task], 1, firstPreferred: true)).Results);
    }

    [Fact]
    public async Task EveryFailedCallIsReportedOnceStragglersIncluded()
    {
        var calls = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<int>()).ToArray();
        var failed = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var bothReported = new TaskCompletionSource();
        var outcome = Quorum.WhenAsync(calls.Select(c => c.Task).ToArray(), 1, onFailure: (index, _) =>
        {
            failed.Enqueue(index);
            if (failed.Count == 2)
            {
                bothReported.TrySetResult(); // Two reports on two threads may both see the count reach 2.
            }
        });

        calls[1].SetException(new TimeoutException());
        calls[0].SetResult(1);
        Assert.True((await outcome).Reached);
        calls[2].SetException(new InvalidOperationException()); // after the outcome

        await bothReported.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1, 2], failed.Order());
    }

    [Fact]
    public void RequiringMoreThanTheCallsIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = Quorum.WhenAsync([Task.FromResult(1)], 2); });
}
