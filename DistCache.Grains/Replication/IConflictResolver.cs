namespace DistCache;

/// <summary>
/// Chooses which of two concurrent versions of a key survives; the survivor then absorbs the loser's
/// version vector. Replicas meet concurrent versions in different orders, and a held candidate may
/// already carry what it absorbed earlier, so replicas converge only when the choice is a total order
/// of writes (by the candidates' dots and values, never by time, randomness or who held what first)
/// that ranks every write above the writes it causally follows. Last writer wins is such an order,
/// because hybrid clocks move forward along causality. "Deletes always win" is not: a delete would
/// beat a later value written over it.
/// </summary>
/// <remarks>Register one with <c>UseDistCacheConflictResolver&lt;T&gt;()</c> on every silo; the default is <see cref="LastWriterWins"/>.</remarks>
public interface IConflictResolver
{
    /// <summary>Whether <paramref name="first"/> survives over <paramref name="second"/>. Both are for the same key.</summary>
    bool FirstWins(in ConflictCandidate first, in ConflictCandidate second);
}
