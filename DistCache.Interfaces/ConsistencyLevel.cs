namespace DistCache;

/// <summary>How many replicas must answer before a cache operation completes.</summary>
public enum ConsistencyLevel
{
    /// <summary>
    /// Writes are acknowledged once the primary holds them (or, when the primary cannot be reached,
    /// the first replica that does); the other replicas are updated in the background.
    /// Reads ask the primary and fail over to the replicas in order.
    /// </summary>
    Eventual = 0,

    /// <summary>Writes and reads complete on a majority (floor(RF/2)+1) of the replicas; a read returns the newest version it saw.</summary>
    Quorum = 1,

    /// <summary>Writes and reads complete only when every replica answered; a read returns the newest version.</summary>
    Strong = 2,
}
