using DistCache.Hosting;

namespace DistCache.Coordination;

/// <summary>Turns a node's last heartbeat and its age into a <see cref="NodeStatus"/>.</summary>
internal sealed class HealthPolicy(DistCacheOptions options)
{
    public TimeSpan FailedNodeRetention => options.FailedNodeRetention;

    /// <summary>Memory used as a percentage of what the process has: used / (used + available).</summary>
    public static double MemoryPercent(long usedBytes, long availableBytes)
    {
        var total = (double)usedBytes + availableBytes;
        return total <= 0 ? 0 : 100 * usedBytes / total;
    }

    public NodeStatus Evaluate(DateTimeOffset lastSeen, double cpuPercent, double memoryPercent, DateTimeOffset now)
    {
        if (now - lastSeen > options.HeartbeatTimeout)
        {
            return NodeStatus.Failed;
        }

        return cpuPercent > options.DegradedCpuPercent || memoryPercent > options.DegradedMemoryPercent
            ? NodeStatus.Degraded
            : NodeStatus.Active;
    }
}
