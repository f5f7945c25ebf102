namespace DistCache.Replication;

/// <summary>Completion on the first <c>required</c> successes (how many: <see cref="Placement.QuorumSize"/>).</summary>
internal static class Quorum
{
    /// <summary>
    /// Completes as soon as <paramref name="required"/> calls succeeded, without waiting for stragglers.
    /// When too many fail, it completes once every call has finished (each has its own deadline), so
    /// the outcome counts every replica that did acknowledge. Never throws: the outcome says what happened.
    /// </summary>
    /// <param name="calls">One call per replica.</param>
    /// <param name="required">How many must succeed.</param>
    /// <param name="silos">
    /// Optional, the silo (any stable number) of each call's replica. When given, the successes must also
    /// span min(<paramref name="required"/>, distinct silos) silos: a majority acknowledged by one silo
    /// would die with that silo.
    /// </param>
    public static Task<QuorumOutcome<T>> WhenAsync<T>(IReadOnlyList<Task<T>> calls, int required, IReadOnlyList<int>? silos = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(required);
        if (required > calls.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(required), required, $"Cannot require {required} of {calls.Count} calls.");
        }

        var requiredSilos = silos is null ? 0 : Math.Min(required, silos.Distinct().Count());
        var waiter = new Waiter<T>(calls.Count, required, requiredSilos);
        if (required == 0)
        {
            waiter.Decide(reached: true);
        }

        for (var i = 0; i < calls.Count; i++)
        {
            var silo = silos?[i] ?? 0;
            calls[i].ContinueWith(
                (task, state) => ((Waiter<T>)state!).OnCompleted(task, silo),
                waiter,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        return waiter.Task;
    }

    private sealed class Waiter<T>(int total, int required, int requiredSilos)
        : TaskCompletionSource<QuorumOutcome<T>>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        private readonly List<T> _results = new(total);
        private readonly HashSet<int> _silos = [];
        private int _failures;
        private Exception? _firstError;
        private bool _decided;

        public void OnCompleted(Task<T> call, int silo)
        {
            // Read the exception even when the outcome is decided, so a straggler's failure is observed.
            var error = call.IsCompletedSuccessfully ? null : call.Exception?.InnerException ?? new TaskCanceledException(call);
            lock (_results)
            {
                if (_decided)
                {
                    return;
                }

                if (error is null)
                {
                    _results.Add(call.Result);
                    _silos.Add(silo);
                }
                else
                {
                    _failures++;
                    _firstError ??= error;
                }

                if (_results.Count >= required && _silos.Count >= requiredSilos)
                {
                    Decide(reached: true);
                }
                else if (_results.Count + _failures == total)
                {
                    Decide(reached: false);
                }
            }
        }

        public void Decide(bool reached)
        {
            _decided = true;
            TrySetResult(new QuorumOutcome<T>(reached, _results.ToArray(), _failures, _firstError, requiredSilos));
        }
    }
}
