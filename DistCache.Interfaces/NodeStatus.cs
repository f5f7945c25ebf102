namespace DistCache;

/// <summary>Health of a cache node as judged by the coordinator.</summary>
public enum NodeStatus
{
    /// <summary>Heartbeating and below the resource thresholds.</summary>
    Active = 0,

    /// <summary>Heartbeating, but CPU or memory is above its threshold. Still serves and owns keys.</summary>
    Degraded = 1,

    /// <summary>No heartbeat within the timeout (or unregistered by its silo). Never chosen as a replica.</summary>
    Failed = 2,
}
