namespace DistCache;

/// <summary>One side of a conflict: a value (or a delete) and its version.</summary>
/// <param name="Key">The key both sides belong to.</param>
/// <param name="Value">The value; null for a delete. Read-only.</param>
/// <param name="Version">Its version; its dot says which write produced it.</param>
/// <param name="ExpiresAtTicks">UTC ticks when it expires; 0 for never.</param>
public readonly record struct ConflictCandidate(string Key, byte[]? Value, CacheVersion Version, long ExpiresAtTicks)
{
    /// <summary>Whether this side is a delete.</summary>
    public bool IsDelete => Value is null;
}
