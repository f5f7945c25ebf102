namespace DistCache.Client;

/// <summary>Settings of a <see cref="CacheInvalidationListener"/>.</summary>
public sealed class CacheInvalidationListenerOptions
{
    /// <summary>
    /// How often the listener renews its subscription with every node, which also reaches nodes that
    /// joined since. Must stay well under the silos' <c>InvalidationSubscriptionExpiry</c> (1 min by default).
    /// </summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A node heard from neither a batch nor a heartbeat for this long, or batches a node sent that have
    /// not arrived this long after the listener learned of them, make the listener report that it may
    /// be stale. Must exceed the silos' <c>InvalidationHeartbeatInterval</c> (1 s by default).
    /// </summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws when a setting is out of range, naming it and its value.</summary>
    public void Validate()
    {
        if (RenewInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RenewInterval), RenewInterval, $"{nameof(RenewInterval)} must be positive; it was {RenewInterval}.");
        }

        if (StaleAfter <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StaleAfter), StaleAfter, $"{nameof(StaleAfter)} must be positive; it was {StaleAfter}.");
        }
    }
}
