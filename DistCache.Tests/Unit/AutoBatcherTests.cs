namespace DistCache.Tests.Unit;

public sealed class AutoBatcherTests
{
    [Fact]
    public async Task TheFirstRequestLeavesAloneAndThoseArrivingMeanwhileShareTheNextBatch()
    {
        var batches = new List<int[]>();
        var release = new TaskCompletionSource();
        var batcher = new AutoBatcher<int, int>(async items =>
        {
            lock (batches)
            {
                batches.Add(items);
            }

            await release.Task;
            return Array.ConvertAll(items, i => i * 10);
        }, maxBatch: 100, maxInFlight: 1, TimeSpan.FromSeconds(10));

        var first = batcher.SendAsync(1);
        var rest = Enumerable.Range(2, 5).Select(batcher.SendAsync).ToArray();
        release.SetResult();

        Assert.Equal(10, await first);
        var results = await Task.WhenAll(rest);
        Assert.Equal([20, 30, 40, 50, 60], results);
        Assert.Equal([[1], [2, 3, 4, 5, 6]], batches);
    }

    [Fact]
    public async Task ABatchLostInFlightIsAnsweredByItsResendWhichHappensOnce()
    {
        var lost = new TaskCompletionSource<int[]>(); // The first send is never answered, as one through a dead gateway.
        var sends = 0;
        var batcher = new AutoBatcher<int, int>(
            items => Interlocked.Increment(ref sends) == 1 ? lost.Task : Task.FromResult(Array.ConvertAll(items, i => i + 100)),
            maxBatch: 10, maxInFlight: 1, TimeSpan.FromSeconds(30));

        var waiting = batcher.SendAsync(1);
        Assert.Equal(1, batcher.ResendInFlight());

        Assert.Equal(101, await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, batcher.ResendInFlight()); // Still in flight (the first send), but already sent again.
        Assert.Equal(2, sends);
    }

    [Fact]
    public async Task AResendThatFailsLeavesTheFirstSendToAnswer()
    {
        var first = new TaskCompletionSource<int[]>();
        var sends = 0;
        var batcher = new AutoBatcher<int, int>(
            items => Interlocked.Increment(ref sends) == 1 ? first.Task : Task.FromException<int[]>(new InvalidOperationException("refused")),
            maxBatch: 10, maxInFlight: 1, TimeSpan.FromSeconds(30));

        var waiting = batcher.SendAsync(7);
        batcher.ResendInFlight();
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref sends) == 2), "the resend to fail");
        Assert.False(waiting.IsCompleted);

        first.SetResult([70]);
        Assert.Equal(70, await waiting);
    }

    [Fact]
    public async Task AResultThatStandsForAFailureFaultsOnlyItsOwnRequest()
    {
        var release = new TaskCompletionSource();
        var batcher = new AutoBatcher<int, int>(async items =>
        {
            await release.Task;
            return items;
        }, maxBatch: 10, maxInFlight: 1, TimeSpan.FromSeconds(10), failureOf: result => result < 0 ? new InvalidOperationException($"node of {result} down") : null);

        var first = batcher.SendAsync(0);
        var sent = new[] { 1, -2, 3 }.Select(batcher.SendAsync).ToArray();
        release.SetResult();
        await Task.WhenAll(sent.Append(first).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.Equal(1, await sent[0]);
        Assert.Equal("node of -2 down", Assert.IsType<InvalidOperationException>(sent[1].Exception!.InnerException).Message);
        Assert.Equal(3, await sent[2]);
    }

    [Fact]
    public async Task BatchesAreCappedAndAFailedBatchFailsOnlyItsOwnRequests()
    {
        var release = new TaskCompletionSource();
        var calls = 0;
        var batcher = new AutoBatcher<int, int>(async items =>
        {
            var call = Interlocked.Increment(ref calls);
            await release.Task;
            return call == 2 ? throw new InvalidOperationException("node down") : items;
        }, maxBatch: 2, maxInFlight: 1, TimeSpan.FromSeconds(10));

        var sent = Enumerable.Range(0, 5).Select(batcher.SendAsync).ToArray();
        release.SetResult();
        await Task.WhenAll(sent.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.Equal(0, await sent[0]);
        Assert.IsType<InvalidOperationException>(sent[1].Exception!.InnerException);
        Assert.IsType<InvalidOperationException>(sent[2].Exception!.InnerException);
        Assert.Equal(3, await sent[3]);
        Assert.Equal(4, await sent[4]);
        Assert.Equal(3, calls); // [0], then [1, 2] (failed), then [3, 4]
    }

    [Fact]
    public async Task ABatchThatHangsFailsWithinTheTimeoutAndSoDoRequestsQueuedBehindIt()
    {
        var hang = new TaskCompletionSource<int[]>();
        var batcher = new AutoBatcher<int, int>(_ => hang.Task, maxBatch: 10, maxInFlight: 1, TimeSpan.FromMilliseconds(200));

        var stuck = batcher.SendAsync(1);
        var behind = batcher.SendAsync(2);

        await Assert.ThrowsAsync<TimeoutException>(() => stuck);
        await Assert.ThrowsAsync<TimeoutException>(() => behind);
    }

    [Fact]
    public async Task ABatchGivenAShorterTimeoutFailsAtItAndNoBatchOutlivesTheBatchersTimeout()
    {
        var hang = new TaskCompletionSource<int[]>();
        var batcher = new AutoBatcher<int, int>(
            _ => hang.Task, maxBatch: 1, maxInFlight: 2, TimeSpan.FromSeconds(2), batch => batch[0] < 0 ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromHours(1));

        var patient = batcher.SendAsync(1);
        var hasty = batcher.SendAsync(-1);

        await Assert.ThrowsAsync<TimeoutException>(() => hasty);
        Assert.False(patient.IsCompleted, "a batch must not fail at another batch's shorter timeout");
        Assert.Same(patient, await Task.WhenAny(patient, Task.Delay(TimeSpan.FromMinutes(1))));
        await Assert.ThrowsAsync<TimeoutException>(() => patient);
    }

    [Fact]
    public async Task AbandoningFailsWhatIsInFlightOrQueuedAtOnceAndEveryLaterRequest()
    {
        var hang = new TaskCompletionSource<int[]>();
        var sends = 0;
        var batcher = new AutoBatcher<int, int>(_ =>
        {
            Interlocked.Increment(ref sends);
            return hang.Task;
        }, maxBatch: 10, maxInFlight: 1, TimeSpan.FromMinutes(1));
        var inFlight = batcher.SendAsync(1);
        var queued = batcher.SendAsync(2);
        var gone = new NodeUnavailableException("node-1 failed");

        Assert.Equal(2, batcher.Abandon(gone));
        Assert.Equal(0, batcher.Abandon(new NodeUnavailableException("again")));

        // Long before the one-minute timeout: failed by the abandon itself.
        Assert.Same(gone, await Assert.ThrowsAsync<NodeUnavailableException>(() => inFlight));
        Assert.Same(gone, await Assert.ThrowsAsync<NodeUnavailableException>(() => queued));
        Assert.Same(gone, await Assert.ThrowsAsync<NodeUnavailableException>(() => batcher.SendAsync(3)));
        hang.SetResult([10]); // The late answer changes nothing, and nothing more was sent.
        Assert.True(inFlight.IsFaulted);
        Assert.Equal(1, Volatile.Read(ref sends));
    }
}
