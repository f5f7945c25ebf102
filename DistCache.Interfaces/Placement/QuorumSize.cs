namespace DistCache.Placement;

/// <summary>How many replicas must answer at each consistency level; shared by the silo and the client.</summary>
internal static class QuorumSize
{
    /// <summary>floor(n/2)+1.</summary>
    public static int Majority(int replicas) => replicas / 2 + 1;

    /// <summary>How many of <paramref name="replicas"/> must answer at <paramref name="level"/>.</summary>
    public static int Required(ConsistencyLevel level, int replicas) => level switch
    {
        ConsistencyLevel.Eventual => Math.Min(1, replicas),
        ConsistencyLevel.Quorum => Majority(replicas),
        ConsistencyLevel.Strong => replicas,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown consistency level."),
    };
}
