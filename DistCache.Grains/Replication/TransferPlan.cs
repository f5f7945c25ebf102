namespace DistCache.Replication;

/// <summary>What one node must copy where, and what it may forget afterwards, after a topology change.</summary>
internal sealed class TransferPlan
{
    /// <summary>Per target node id, the entries to copy to it.</summary>
    public Dictionary<string, List<TransferEntry>> Copies { get; } = new(StringComparer.Ordinal);

    /// <summary>Entries this node no longer owns; dropped once every copy is acknowledged.</summary>
    public List<TransferEntry> Drops { get; } = [];

    public int CopyCount => Copies.Values.Sum(c => c.Count);

    public void Copy(string target, TransferEntry entry)
    {
        if (!Copies.TryGetValue(target, out var entries))
        {
            Copies.Add(target, entries = []);
        }

        entries.Add(entry);
    }
}
