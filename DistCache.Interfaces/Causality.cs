namespace DistCache;

/// <summary>How one version relates to another by their version vectors.</summary>
public enum Causality
{
    /// <summary>The same version.</summary>
    Equal,

    /// <summary>It has seen every write the other has, and more.</summary>
    Newer,

    /// <summary>The other has seen every write it has, and more.</summary>
    Older,

    /// <summary>Each has seen a write the other has not: a conflict, resolved by the conflict resolver.</summary>
    Concurrent,
}
