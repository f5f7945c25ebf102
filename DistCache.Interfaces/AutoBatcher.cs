using System.Diagnostics;

namespace DistCache;

/// <summary>
/// Coalesces concurrent requests into batches, the way a Redis client pipelines: the first request
/// goes out at once, alone; requests that arrive while batches are in flight wait and leave together
/// in the next one. So a lone caller pays no delay, and many callers share one grain call.
/// </summary>
/// <remarks>
/// Used by the client (operations to the cluster) and the silo (replica calls to one node). Every
/// request is answered within about the timeout: a batch that takes longer fails its requests, and a
/// request that waited that long for a free slot fails without being sent. So callers need no timer
/// of their own per request.
/// </remarks>
public sealed class AutoBatcher<TRequest, TResult>
{
    private readonly Func<TRequest[], Task<TResult[]>> _send;
    private readonly int _maxBatch;
    private readonly int _maxInFlight;
    private readonly TimeSpan _timeout;
    private readonly Func<TRequest[], TimeSpan>? _batchTimeout;
    private readonly Func<TResult, Exception?>? _failureOf;
    private readonly Queue<(TRequest Request, TaskCompletionSource<TResult> Done, long QueuedAt)> _pending = new();
    private readonly List<Batch> _sent = [];
    private Exception? _abandoned;
    private int _inFlight;

    /// <param name="send">Sends one batch; must return one result per request, in order.</param>
    /// <param name="maxBatch">The most requests in one batch.</param>
    /// <param name="maxInFlight">The most batches in flight at once.</param>
    /// <param name="timeout">
    /// How long a batch may take; after it, its requests fail with <see cref="TimeoutException"/>. Also how long
    /// a request may wait for a batch to leave.
    /// </param>
    /// <param name="batchTimeout">
    /// How long a given batch may take, when some batches should fail sooner than <paramref name="timeout"/>
    /// (never later); null for <paramref name="timeout"/> always.
    /// </param>
    /// <param name="failureOf">
    /// The error a result stands for, when one request of a batch can fail while the others succeed; its caller's
    /// task faults with it. Null when only a whole batch fails.
    /// </param>
    public AutoBatcher(Func<TRequest[], Task<TResult[]>> send, int maxBatch, int maxInFlight, TimeSpan timeout, Func<TRequest[], TimeSpan>? batchTimeout = null, Func<TResult, Exception?>? failureOf = null)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxInFlight);
        (_send, _maxBatch, _maxInFlight, _timeout, _batchTimeout, _failureOf) = (send, maxBatch, maxInFlight, timeout, batchTimeout, failureOf);
    }

    /// <summary>Adds a request to the next batch; completes with its result.</summary>
    public Task<TResult> SendAsync(TRequest request)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool pump;
        lock (_pending)
        {
            if (_abandoned is { } error)
            {
                done.SetException(error);
                return done.Task;
            }

            _pending.Enqueue((request, done, Stopwatch.GetTimestamp()));
            pump = _inFlight < _maxInFlight;
            _inFlight += pump ? 1 : 0;
        }

        if (pump)
        {
            _ = PumpAsync();
        }

        return done.Task;
    }

    /// <summary>
    /// Fails every request waiting or in flight, and every later one, with <paramref name="error"/>: for a
    /// destination known to be gone, whose callers should not wait out the timeout. Results that arrive
    /// later are dropped.
    /// </summary>
    /// <returns>How many requests it failed now.</returns>
    public int Abandon(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        List<TaskCompletionSource<TResult>> dropped = [];
        lock (_pending)
        {
            if (_abandoned is not null)
            {
                return 0;
            }

            _abandoned = error;
            while (_pending.TryDequeue(out var next))
            {
                dropped.Add(next.Done);
            }

            _sent.ForEach(batch => dropped.AddRange(batch.Dones));
        }

        var failed = 0;
        foreach (var done in dropped)
        {
            failed += done.TrySetException(error) ? 1 : 0;
        }

        return failed;
    }

    /// <summary>
    /// Sends every batch in flight once more (each at most once), for when its way to the destination may have
    /// broken under it (it went through a silo that died, say) and its callers would otherwise wait out the
    /// timeout. Whichever answer comes first completes the callers; a resend that fails changes nothing.
    /// Only for sends that are safe to repeat.
    /// </summary>
    /// <returns>How many requests it sent again.</returns>
    public int ResendInFlight()
    {
        List<Batch> resent = [];
        lock (_pending)
        {
            foreach (var batch in _sent.Where(b => !b.Resent))
            {
                batch.Resent = true;
                resent.Add(batch);
            }
        }

        foreach (var batch in resent)
        {
            _ = CompleteAsync(batch, failCallers: false);
        }

        return resent.Sum(b => b.Requests.Length);
    }

    private async Task PumpAsync()
    {
        Batch? answered = null;
        while (true)
        {
            TRequest[] requests;
            TaskCompletionSource<TResult>[] dones;
            lock (_pending)
            {
                if (answered is not null)
                {
                    _sent.Remove(answered);
                }

                if (_pending.Count == 0)
                {
                    _inFlight--;
                    return;
                }

                requests = new TRequest[Math.Min(_pending.Count, _maxBatch)];
                dones = new TaskCompletionSource<TResult>[requests.Length];
                var count = 0;
                while (count < requests.Length && _pending.TryDequeue(out var next))
                {
                    if (Stopwatch.GetElapsedTime(next.QueuedAt) >= _timeout)
                    {
                        // Waited its whole timeout behind slow batches (a dead node, say): fail it, unsent.
                        next.Done.TrySetException(new TimeoutException($"The request waited {_timeout} for a batch to leave."));
                        continue;
                    }

                    (requests[count], dones[count]) = (next.Request, next.Done);
                    count++;
                }

                if (count < requests.Length)
                {
                    Array.Resize(ref requests, count);
                    Array.Resize(ref dones, count);
                }

                answered = new Batch(requests, dones);
                _sent.Add(answered);
            }

            if (requests.Length > 0)
            {
                await CompleteAsync(answered, failCallers: true).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends <paramref name="batch"/> and hands out its results; a failure fails its callers only when <paramref name="failCallers"/>.</summary>
    private async Task CompleteAsync(Batch batch, bool failCallers)
    {
        var (requests, dones) = (batch.Requests, batch.Dones);
        try
        {
            var limit = _batchTimeout is null ? _timeout : TimeSpan.FromTicks(Math.Min(_batchTimeout(requests).Ticks, _timeout.Ticks));
            var results = await _send(requests).WaitAsync(limit).ConfigureAwait(false);
            if (results.Length != requests.Length)
            {
                throw new InvalidOperationException($"A batch of {requests.Length} requests got {results.Length} results.");
            }

            for (var i = 0; i < dones.Length; i++)
            {
                if (_failureOf?.Invoke(results[i]) is not { } failure)
                {
                    dones[i].TrySetResult(results[i]);
                }
                else if (failCallers)
                {
                    dones[i].TrySetException(failure);
                }
            }
        }
        catch (Exception error) when (failCallers)
        {
            foreach (var done in dones)
            {
                done.TrySetException(error);
            }
        }
        catch (Exception)
        {
            // A resend that failed: the first send still answers, or fails, its callers.
        }
    }

    /// <summary>A batch in flight: its requests, their callers, and whether <see cref="ResendInFlight"/> sent it again.</summary>
    private sealed class Batch(TRequest[] requests, TaskCompletionSource<TResult>[] dones)
    {
        public TRequest[] Requests => requests;

        public TaskCompletionSource<TResult>[] Dones => dones;

        public bool Resent { get; set; }
    }
}
