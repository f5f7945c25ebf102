namespace DistCache.Replication;

/// <summary>How a set of replica calls ended, as soon as it was decided.</summary>
/// <param name="Reached">Whether the required number of calls succeeded.</param>
/// <param name="Results">Results of the calls that succeeded before the decision, in completion order.</param>
/// <param name="Failures">Calls that had failed by then.</param>
/// <param name="FirstError">The first failure, if any.</param>
/// <param name="RequiredSilos">How many distinct silos the successes had to span.</param>
internal sealed record QuorumOutcome<T>(bool Reached, IReadOnlyList<T> Results, int Failures, Exception? FirstError, int RequiredSilos);
