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
/// <para>
/// With inline continuations, the thread that receives a batch's results runs each caller's continuation
/// itself, one after another, instead of handing each to the thread pool: on a busy machine those hand-offs
/// (a thread woken per result) cost more than the call. Requests those continuations send meanwhile gather
/// and leave together once the results are handed out. A continuation that blocks (waiting synchronously
/// for another request, say) delays only the rest of its batch: its slot was freed before it ran, and a
/// relay timer sends what it is waiting for (after 50 ms).
/// </para>
/// </remarks>
public sealed class AutoBatcher<TRequest, TResult>
{
    // How long requests sent by inline continuations wait for the thread handing out results before a timer
    // sends them: the delay of one that blocked that thread. A timer rather than a work item, which an idle
    // thread would run at once, sending the requests before their siblings join them.
    private static readonly TimeSpan RelayDelay = TimeSpan.FromMilliseconds(50);

    private readonly Func<TRequest[], Task<TResult[]>> _send;
    private readonly int _maxBatch;
    private readonly int _maxInFlight;
    private readonly TimeSpan _timeout;
    private readonly Func<TRequest[], TimeSpan>? _batchTimeout;
    private readonly Queue<(TRequest Request, TaskCompletionSource<TResult> Done, long QueuedAt)> _pending = new();
    private readonly List<TaskCompletionSource<TResult>[]> _sent = [];
    private readonly bool _inline;
    private readonly Timer? _relay;
    private Exception? _abandoned;
    private int _inFlight;
    private bool _relayQueued;
    private bool _relayArmed;

    // The batcher whose results this thread is handing out, if any.
    [ThreadStatic]
    private static AutoBatcher<TRequest, TResult>? t_handingOut;

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
    /// <param name="inlineContinuations">
    /// Whether the thread that receives results runs the callers' continuations (see remarks), rather than the
    /// thread pool.
    /// </param>
    public AutoBatcher(
        Func<TRequest[], Task<TResult[]>> send, int maxBatch, int maxInFlight, TimeSpan timeout, Func<TRequest[], TimeSpan>? batchTimeout = null, bool inlineContinuations = false)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxInFlight);
        (_send, _maxBatch, _maxInFlight, _timeout, _batchTimeout, _inline) = (send, maxBatch, maxInFlight, timeout, batchTimeout, inlineContinuations);
        _relay = inlineContinuations ? new Timer(static batcher => ((AutoBatcher<TRequest, TResult>)batcher!).Relay(), this, Timeout.Infinite, Timeout.Infinite) : null;
    }

    /// <summary>Adds a request to the next batch; completes with its result.</summary>
    public Task<TResult> SendAsync(TRequest request)
    {
        var done = new TaskCompletionSource<TResult>(_inline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
        bool pump, arm = false;
        lock (_pending)
        {
            if (_abandoned is { } error)
            {
                done.SetException(error);
                return done.Task;
            }

            _pending.Enqueue((request, done, Stopwatch.GetTimestamp()));
            pump = _inFlight < _maxInFlight;
            if (pump && _inline && t_handingOut == this)
            {
                // Sent by a continuation of this batcher's results, on the thread handing them out: it leaves with
                // its siblings' requests once that thread is done, in a slot kept for it. The relay sends them
                // should that thread not be done by then.
                pump = false;
                _inFlight += _relayQueued ? 0 : 1;
                _relayQueued = true;
                arm = !_relayArmed;
                _relayArmed = true;
            }

            _inFlight += pump ? 1 : 0;
        }

        if (pump)
        {
            _ = PumpAsync();
        }
        else if (arm)
        {
            _relay!.Change(RelayDelay, Timeout.InfiniteTimeSpan);
        }

        return done.Task;
    }

    /// <summary>
    /// Fails every request waiting or in flight, and every later one, with <paramref name="error"/>: for a
    /// destination known to be gone, whose callers should not wait out the timeout. Results that arrive
    /// later are dropped.
    /// </summary>
    /// <returns>How many requests it fails now.</returns>
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

            _sent.ForEach(dropped.AddRange);
            _sent.Clear(); // Their batches' results, should they come, are dropped.
        }

        // Off this thread, so no caller's continuation runs on it (with inline continuations, they would).
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.dropped.ForEach(done => done.TrySetException(state.error)), (dropped, error), preferLocal: false);
        return dropped.Count;
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            TRequest[] requests;
            TaskCompletionSource<TResult>[] dones;
            List<TaskCompletionSource<TResult>>? expired = null;
            lock (_pending)
            {
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
                        (expired ??= []).Add(next.Done);
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

                _sent.Add(dones);
            }

            TResult[]? results = null;
            Exception? failure = null;
            if (requests.Length > 0)
            {
                try
                {
                    var limit = _batchTimeout is null ? _timeout : TimeSpan.FromTicks(Math.Min(_batchTimeout(requests).Ticks, _timeout.Ticks));
                    results = await _send(requests).WaitAsync(limit).ConfigureAwait(false);
                    if (results.Length != requests.Length)
                    {
                        throw new InvalidOperationException($"A batch of {requests.Length} requests got {results.Length} results.");
                    }
                }
                catch (Exception error)
                {
                    failure = error;
                }
            }

            // The slot is freed before any caller's continuation runs, so one that blocks holds up no later batch.
            bool answer;
            lock (_pending)
            {
                answer = _sent.Remove(dones); // Not if Abandon failed them.
                _inFlight--;
            }

            var outer = t_handingOut;
            t_handingOut = this;
            try
            {
                for (var i = 0; i < dones.Length && answer; i++)
                {
                    _ = failure is null ? dones[i].TrySetResult(results![i]) : dones[i].TrySetException(failure);
                }

                expired?.ForEach(done => done.TrySetException(new TimeoutException($"The request waited {_timeout} for a batch to leave.")));
            }
            finally
            {
                t_handingOut = outer;
            }

            lock (_pending)
            {
                if (_relayQueued)
                {
                    _relayQueued = false; // This thread sends them now, in the relay's slot.
                }
                else if (_pending.Count > 0 && _inFlight < _maxInFlight)
                {
                    _inFlight++;
                }
                else
                {
                    return;
                }
            }
        }
    }

    /// <summary>Sends what continuations queued while results were handed out, if the thread handing them out has not.</summary>
    private void Relay()
    {
        lock (_pending)
        {
            _relayArmed = false;
            if (!_relayQueued)
            {
                return;
            }

            _relayQueued = false;
        }

        _ = PumpAsync();
    }
}
