using Microsoft.Extensions.Options;

namespace DistCache.Hosting;

/// <summary>Checks every setting at start-up and reports all the bad ones at once, each by name and value.</summary>
internal sealed class DistCacheOptionsValidator : IValidateOptions<DistCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, DistCacheOptions options)
    {
        var failures = new List<string>();
        void Require(bool ok, string setting, object value, string rule)
        {
            if (!ok)
            {
                failures.Add($"{DistCacheOptions.SectionName}:{setting} is {value}; it must be {rule}");
            }
        }

        Require(options.NodesPerSilo is >= 0 and <= 1024, nameof(options.NodesPerSilo), options.NodesPerSilo, "between 0 and 1024");
        Require(options.MaxValueBytes > 0, nameof(options.MaxValueBytes), options.MaxValueBytes, "positive");
        Require(
            options.NodeCapacityBytes >= Storage.BoundedStore.SizeOf(new string('k', CacheLimits.MaxKeyBytes), options.MaxValueBytes),
            nameof(options.NodeCapacityBytes), options.NodeCapacityBytes, $"large enough for one entry of {nameof(options.MaxValueBytes)} with the longest key");
        Require(options.DataPort is >= 0 and <= 65535, nameof(options.DataPort), options.DataPort, "between 0 and 65535");
        Require(options.ReplicationFactor is >= 1 and <= 16, nameof(options.ReplicationFactor), options.ReplicationFactor, "between 1 and 16");
        Require(options.VirtualNodesPerNode is >= 1 and <= 4096, nameof(options.VirtualNodesPerNode), options.VirtualNodesPerNode, "between 1 and 4096");
        Require(options.HeartbeatInterval > TimeSpan.Zero, nameof(options.HeartbeatInterval), options.HeartbeatInterval, "positive");
        Require(options.HeartbeatTimeout > options.HeartbeatInterval, nameof(options.HeartbeatTimeout), options.HeartbeatTimeout, $"longer than {nameof(options.HeartbeatInterval)} ({options.HeartbeatInterval})");
        Require(options.HealthCheckInterval > TimeSpan.Zero, nameof(options.HealthCheckInterval), options.HealthCheckInterval, "positive");
        Require(options.DegradedCpuPercent is > 0 and <= 100, nameof(options.DegradedCpuPercent), options.DegradedCpuPercent, "in (0, 100]");
        Require(options.DegradedMemoryPercent is > 0 and <= 100, nameof(options.DegradedMemoryPercent), options.DegradedMemoryPercent, "in (0, 100]");
        Require(options.ReplicaCallTimeout > TimeSpan.Zero, nameof(options.ReplicaCallTimeout), options.ReplicaCallTimeout, "positive");
        Require(options.TopologyRefreshInterval > TimeSpan.Zero, nameof(options.TopologyRefreshInterval), options.TopologyRefreshInterval, "positive");
        Require(options.TombstoneRetention > TimeSpan.Zero, nameof(options.TombstoneRetention), options.TombstoneRetention, "positive");
        Require(options.HandoffReadWindow >= TimeSpan.Zero, nameof(options.HandoffReadWindow), options.HandoffReadWindow, "zero or positive");
        Require(options.FailedNodeRetention > options.HeartbeatTimeout, nameof(options.FailedNodeRetention), options.FailedNodeRetention, $"longer than {nameof(options.HeartbeatTimeout)} ({options.HeartbeatTimeout})");
        Require(options.ExpirationSweepInterval > TimeSpan.Zero, nameof(options.ExpirationSweepInterval), options.ExpirationSweepInterval, "positive");
        Require(options.ReadRepairChance is >= 0 and <= 1, nameof(options.ReadRepairChance), options.ReadRepairChance, "between 0 and 1");
        Require(options.HintWindow > TimeSpan.Zero, nameof(options.HintWindow), options.HintWindow, "positive");
        Require(options.MaxHintsPerNode >= 0, nameof(options.MaxHintsPerNode), options.MaxHintsPerNode, "zero or positive");
        Require(options.AntiEntropyInterval > TimeSpan.Zero, nameof(options.AntiEntropyInterval), options.AntiEntropyInterval, "positive");
        Require(options.AntiEntropyScanChunk > 0, nameof(options.AntiEntropyScanChunk), options.AntiEntropyScanChunk, "positive");
        Require(options.InvalidationFlushInterval > TimeSpan.Zero, nameof(options.InvalidationFlushInterval), options.InvalidationFlushInterval, "positive");
        Require(options.InvalidationHeartbeatInterval >= options.InvalidationFlushInterval, nameof(options.InvalidationHeartbeatInterval), options.InvalidationHeartbeatInterval, $"at least {nameof(options.InvalidationFlushInterval)} ({options.InvalidationFlushInterval})");
        Require(options.InvalidationSubscriptionExpiry > options.InvalidationHeartbeatInterval, nameof(options.InvalidationSubscriptionExpiry), options.InvalidationSubscriptionExpiry, $"longer than {nameof(options.InvalidationHeartbeatInterval)} ({options.InvalidationHeartbeatInterval})");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
