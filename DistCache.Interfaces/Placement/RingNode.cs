namespace DistCache.Placement;

/// <summary>A node on the hash ring: its id and the silo that hosts it.</summary>
internal sealed record RingNode(string NodeId, string Silo);
