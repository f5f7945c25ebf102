namespace DistCache.Replication;

/// <summary>Completion on the first <c>required</c> successes (how many: <see cref="Placement.QuorumSize"/>).</summary>
internal static class Quorum
{
    /// <summary>The most calls one quorum can wait for (replication factors are at most 16).</summary>
    public const int MaxCalls = 64;

    /// <summary>
    /// Completes as soon as <paramref name="required"/> calls succeeded, without waiting for stragglers.
    /// When too many fail, it completes once every call has finished (each has its own deadline), so
    /// the outcome counts every replica that did acknowledge. Never throws: the outcome says what happened.
    /// </summary>
    /// <param name="calls">One call per replica, at most <see cref="MaxCalls"/>.</param>
    /// <param name="required">How many must succeed.</param>
    /// <param name="silos">
    /// Optional, the silo (any stable number) of each call's replica. When given, the successes must also
    /// span min(<paramref name="required"/>, distinct silos) silos: a majority acknowledged by one silo
    /// would die with that silo.
    /// </param>
    /// <param name="firstPreferred">
    /// Whether the first call's success is the one that counts (an Eventual write acknowledged by its primary):
    /// another call's success counts only once the first call has failed.
    /// </param>
    /// <param name="onFailure">
    /// Told once of each call that fails, with its index, stragglers included. It runs on whichever thread
    /// completed the call, so it must not throw.
    /// </param>
    public static Task<QuorumOutcome<T>> WhenAsync<T>(
        IReadOnlyList<Task<T>> calls, int required, IReadOnlyList<int>? silos = null, bool firstPreferred = false, Action<int, Exception>? onFailure = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(required);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(calls.Count, MaxCalls, nameof(calls));
        if (required > calls.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(required), required, $"Cannot require {required} of {calls.Count} calls.");
        }

        var waiter = new Waiter<T>(calls, required, silos is null ? 0 : Math.Min(required, Distinct(silos, ulong.MaxValue)), silos, firstPreferred, onFailure);
        waiter.Start();
        return waiter.Task;
    }

    /// <summary>How many distinct values <paramref name="values"/> holds at the indexes set in <paramref name="mask"/>.</summary>
    private static int Distinct(IReadOnlyList<int> values, ulong mask)
    {
        var distinct = 0;
        for (var i = 0; i < values.Count; i++)
        {
            if ((mask & (1UL << i)) == 0)
            {
                continue;
            }

            var seen = false;
            for (var j = 0; j < i && !seen; j++)
            {
                seen = (mask & (1UL << j)) != 0 && values[j] == values[i];
            }

            distinct += seen ? 0 : 1;
        }

        return distinct;
    }

    /// <summary>
    /// Watches the calls with one callback shared by all of them, which looks at every call each time one
    /// completes: a quorum has a handful of calls, and this way a round allocates no continuation per call.
    /// </summary>
    private sealed class Waiter<T>(
        IReadOnlyList<Task<T>> calls, int required, int requiredSilos, IReadOnlyList<int>? silos, bool firstPreferred, Action<int, Exception>? onFailure)
        : TaskCompletionSource<QuorumOutcome<T>>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        private readonly T[] _results = new T[calls.Count]; // In the order seen; also the lock.
        private ulong _seen;
        private ulong _acked;
        private int _successes;
        private int _failures;
        private Exception? _firstError;
        private bool _decided;

        public void Start()
        {
            Action onCompleted = OnCompleted;
            for (var i = 0; i < calls.Count; i++)
            {
                if (!calls[i].IsCompleted)
                {
                    calls[i].ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(onCompleted);
                }
            }

            OnCompleted();
        }

        private void OnCompleted()
        {
            List<(int Index, Exception Error)>? failed = null;
            lock (_results)
            {
                for (var i = 0; i < calls.Count; i++)
                {
                    var call = calls[i];
                    if ((_seen & (1UL << i)) != 0 || !call.IsCompleted)
                    {
                        continue;
                    }

                    _seen |= 1UL << i;
                    if (call.IsCompletedSuccessfully)
                    {
                        if (!_decided)
                        {
                            _results[_successes++] = call.Result;
                            _acked |= 1UL << i;
                        }

                        continue;
                    }

                    // Read even when the outcome is decided, so a straggler's failure is observed and reported.
                    var error = call.Exception?.InnerException ?? new TaskCanceledException(call);
                    if (!_decided)
                    {
                        _failures++;
                        _firstError ??= error;
                    }

                    if (onFailure is not null)
                    {
                        (failed ??= []).Add((i, error));
                    }
                }

                if (!_decided)
                {
                    Decide();
                }
            }

            if (failed is not null)
            {
                foreach (var (index, error) in failed)
                {
                    onFailure!(index, error);
                }
            }
        }

        private void Decide()
        {
            // Preferring the first call: nothing counts until it has completed; then, its ack or, if it failed, the others'.
            var counted = firstPreferred && (_seen & 1) == 0 ? 0 : _acked;
            var reached = required == 0 || (Count(counted) >= required && (silos is null || Distinct(silos, counted) >= requiredSilos));
            if (reached || _successes + _failures == calls.Count)
            {
                _decided = true;
                TrySetResult(new QuorumOutcome<T>(reached, _results.AsSpan(0, _successes).ToArray(), _failures, _firstError, requiredSilos));
            }
        }

        private static int Count(ulong mask) => System.Numerics.BitOperations.PopCount(mask);
    }
}
