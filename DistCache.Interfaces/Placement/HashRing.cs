namespace DistCache.Placement;

/// <summary>
/// Consistent hashing with virtual nodes. Each node owns <c>virtualNodes</c> points on a 64-bit
/// ring; a key belongs to the first point at or after its hash, and its replicas are the next
/// distinct nodes clockwise, preferring nodes on silos not used yet. Points depend only on node
/// ids, so every silo builds the same ring, and removing a node moves only the keys it owned.
/// Immutable after construction; safe to share between threads.
/// </summary>
internal sealed class HashRing
{
    private readonly ulong[] _points;
    private readonly int[] _owners;
    private readonly int[] _siloOf;
    private readonly int _siloCount;

    public HashRing(IEnumerable<RingNode> nodes, int virtualNodes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(virtualNodes);
        Nodes = nodes.OrderBy(n => n.NodeId, StringComparer.Ordinal).ToArray();
        if (Nodes.Select(n => n.NodeId).Distinct(StringComparer.Ordinal).Count() != Nodes.Count)
        {
            throw new ArgumentException("Node ids on a ring must be unique.", nameof(nodes));
        }

        var silos = new Dictionary<string, int>(StringComparer.Ordinal);
        _siloOf = new int[Nodes.Count];
        for (var i = 0; i < Nodes.Count; i++)
        {
            if (!silos.TryGetValue(Nodes[i].Silo, out var silo))
            {
                silos.Add(Nodes[i].Silo, silo = silos.Count);
            }

            _siloOf[i] = silo;
        }

        _siloCount = silos.Count;
        Fingerprint = KeyHash.Of($"{virtualNodes}#{string.Join('\n', Nodes.Select(n => $"{n.NodeId}@{n.Silo}"))}");
        var points = new (ulong Point, int Owner)[Nodes.Count * virtualNodes];
        for (var i = 0; i < Nodes.Count; i++)
        {
            for (var v = 0; v < virtualNodes; v++)
            {
                points[i * virtualNodes + v] = (KeyHash.Of($"{Nodes[i].NodeId}#{v}"), i);
            }
        }

        // Ties between points (vanishingly rare) break by node order, so every silo agrees.
        Array.Sort(points, (a, b) => a.Point != b.Point ? a.Point.CompareTo(b.Point) : a.Owner.CompareTo(b.Owner));
        _points = points.Select(p => p.Point).ToArray();
        _owners = points.Select(p => p.Owner).ToArray();
    }

    /// <summary>Equal for two rings that place every key alike: same nodes, silos and virtual nodes.</summary>
    public ulong Fingerprint { get; }

    /// <summary>The nodes on the ring, ordered by id.</summary>
    public IReadOnlyList<RingNode> Nodes { get; }

    /// <summary>
    /// Writes the indexes (into <see cref="Nodes"/>) of the key's replicas into <paramref name="destination"/>,
    /// primary first, and returns how many: <paramref name="replicationFactor"/> clamped to the node count.
    /// </summary>
    public int GetReplicas(string key, int replicationFactor, Span<int> destination)
    {
        var wanted = Math.Min(Math.Min(replicationFactor, Nodes.Count), destination.Length);
        if (wanted <= 0)
        {
            return 0;
        }

        var start = FirstPointAtOrAfter(KeyHash.Of(key));
        Span<bool> nodeTaken = Nodes.Count <= 256 ? stackalloc bool[Nodes.Count] : new bool[Nodes.Count];
        Span<bool> siloTaken = _siloCount <= 256 ? stackalloc bool[_siloCount] : new bool[_siloCount];
        var found = 0;

        // First pass: one node per silo, so a silo's loss costs a key at most one replica.
        found = Walk(start, Math.Min(wanted, _siloCount), found, destination, nodeTaken, siloTaken, distinctSilos: true);

        // Second pass: fewer silos than replicas; fill up with the next distinct nodes.
        return Walk(start, wanted, found, destination, nodeTaken, siloTaken, distinctSilos: false);
    }

    /// <summary>The index of <paramref name="nodeId"/> in <see cref="Nodes"/>, or -1 when it is not on the ring.</summary>
    public int IndexOf(string nodeId)
    {
        var (low, high) = (0, Nodes.Count - 1);
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var order = string.CompareOrdinal(Nodes[middle].NodeId, nodeId);
            if (order == 0)
            {
                return middle;
            }

            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return -1;
    }

    /// <summary>The key's replicas, primary first.</summary>
    public IReadOnlyList<RingNode> GetReplicas(string key, int replicationFactor)
    {
        Span<int> indexes = stackalloc int[Math.Max(0, Math.Min(replicationFactor, Nodes.Count))];
        var count = GetReplicas(key, replicationFactor, indexes);
        var result = new RingNode[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = Nodes[indexes[i]];
        }

        return result;
    }

    private int Walk(int start, int wanted, int found, Span<int> destination, Span<bool> nodeTaken, Span<bool> siloTaken, bool distinctSilos)
    {
        for (var step = 0; step < _points.Length && found < wanted; step++)
        {
            var owner = _owners[(start + step) % _points.Length];
            if (nodeTaken[owner] || (distinctSilos && siloTaken[_siloOf[owner]]))
            {
                continue;
            }

            nodeTaken[owner] = true;
            siloTaken[_siloOf[owner]] = true;
            destination[found++] = owner;
        }

        return found;
    }

    private int FirstPointAtOrAfter(ulong hash)
    {
        var index = Array.BinarySearch(_points, hash);
        if (index < 0)
        {
            index = ~index;
        }

        // Past the last point the ring wraps to the first.
        return index == _points.Length ? 0 : index;
    }
}
