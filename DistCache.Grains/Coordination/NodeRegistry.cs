namespace DistCache.Coordination;

/// <summary>
/// The coordinator's state: which nodes exist, their last metrics and health, and the topology
/// version, which changes with every change of membership or health (never with metrics alone).
/// </summary>
internal sealed class NodeRegistry
{
    private readonly SortedDictionary<string, NodeRecord> _nodes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deadSilos = new(StringComparer.Ordinal);

    // Nodes that said goodbye. A heartbeat or report still in flight must not bring them back;
    // ids name the silo generation, so a restarted silo registers new ones.
    private readonly HashSet<string> _departed = new(StringComparer.Ordinal);
    private readonly HealthPolicy _policy;
    private readonly TimeProvider _time;

    public NodeRegistry(HealthPolicy policy, TimeProvider time)
    {
        _policy = policy;
        _time = time;

        // Versions start from the wall clock, so a coordinator that re-activates with an empty
        // registry still hands out versions newer than any its predecessor did.
        Version = time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    public long Version { get; private set; }

    /// <summary>Identifies this registry; versions of different registries are not comparable.</summary>
    public Guid Epoch { get; } = Guid.NewGuid();

    public int Count => _nodes.Count;

    /// <summary>Adds or refreshes a node; a Failed node registering again is Active again.</summary>
    /// <exception cref="InvalidOperationException">The node's silo was declared dead.</exception>
    public NodeInfo Register(NodeRegistration registration, out StatusChange? change)
    {
        Validate(registration);
        if (_deadSilos.Contains(registration.Silo))
        {
            throw new InvalidOperationException($"Node '{registration.NodeId}' cannot register: its silo {registration.Silo} was declared dead.");
        }

        _departed.Remove(registration.NodeId);
        var record = Touch(registration, _time.GetUtcNow(), out var before);
        change = Changed(record, before);
        return record.ToInfo();
    }

    public bool Unregister(string nodeId)
    {
        _departed.Add(nodeId);
        if (!_nodes.Remove(nodeId))
        {
            return false;
        }

        Version++;
        return true;
    }

    /// <summary>Registers the node if it is unknown (and its silo is alive); leaves known nodes alone.</summary>
    public bool RegisterIfUnknown(NodeRegistration registration)
    {
        Validate(registration);
        if (_nodes.ContainsKey(registration.NodeId) || _deadSilos.Contains(registration.Silo) || _departed.Contains(registration.NodeId))
        {
            return false;
        }

        Touch(registration, _time.GetUtcNow(), out _);
        return true;
    }

    /// <summary>Fails every node of a silo for good: a dead silo's nodes never come back.</summary>
    public IReadOnlyList<StatusChange> MarkSiloDead(string silo)
    {
        List<StatusChange>? changes = null;
        if (_deadSilos.Add(silo))
        {
            foreach (var record in _nodes.Values.Where(r => r.Registration.Silo == silo && r.Status != NodeStatus.Failed))
            {
                (changes ??= []).Add(new StatusChange(record.Registration.NodeId, record.Status, NodeStatus.Failed));
                record.Status = NodeStatus.Failed;
                Version++;
            }
        }

        return changes ?? (IReadOnlyList<StatusChange>)[];
    }

    /// <summary>Records a heartbeat (registering the node if it is unknown) and re-judges its health.</summary>
    public StatusChange? Heartbeat(NodeHeartbeat heartbeat)
    {
        Validate(heartbeat.Registration);
        if (_deadSilos.Contains(heartbeat.Registration.Silo) || _departed.Contains(heartbeat.Registration.NodeId))
        {
            // A heartbeat that was in flight when the node left or its silo died.
            return null;
        }

        var now = _time.GetUtcNow();
        var record = Touch(heartbeat.Registration, now, out var before);
        record.LastHeartbeat = now;
        record.CpuPercent = heartbeat.CpuPercent;
        record.MemoryPercent = HealthPolicy.MemoryPercent(heartbeat.MemoryUsedBytes, heartbeat.MemoryAvailableBytes);
        record.Store = heartbeat.Store;
        Judge(record, now);
        return Changed(record, before);
    }

    /// <summary>Re-judges every node against the clock and forgets long-Failed ones; returns what changed.</summary>
    public IReadOnlyList<StatusChange> Evaluate()
    {
        var now = _time.GetUtcNow();
        List<StatusChange>? changes = null;
        List<string>? forgotten = null;
        foreach (var record in _nodes.Values)
        {
            if (_deadSilos.Contains(record.Registration.Silo) || Judge(record, now) is not { } change)
            {
                if (record.Status == NodeStatus.Failed && now - record.LastSeen > _policy.FailedNodeRetention)
                {
                    (forgotten ??= []).Add(record.Registration.NodeId);
                }

                continue;
            }

            (changes ??= []).Add(change);
        }

        foreach (var nodeId in forgotten ?? [])
        {
            _nodes.Remove(nodeId);
            Version++;
        }

        return changes ?? (IReadOnlyList<StatusChange>)[];
    }

    public bool TryGet(string nodeId, out NodeRecord record) => _nodes.TryGetValue(nodeId, out record!);

    public IReadOnlyList<NodeInfo> GetNodes() => _nodes.Values.Select(r => r.ToInfo()).ToArray();

    public IReadOnlyList<NodeRecord> Records => _nodes.Values.ToArray();

    public TopologySnapshot GetTopology() =>
        new(Version, _nodes.Values.Select(r => new TopologyNode(r.Registration.NodeId, r.Registration.Silo, r.Status, r.Registration.DataPort)).ToArray(), Epoch);

    private static StatusChange? Changed(NodeRecord record, NodeStatus? before) =>
        before is { } from && from != record.Status ? new StatusChange(record.Registration.NodeId, from, record.Status) : null;

    /// <summary>Creates or refreshes the record; <paramref name="before"/> is its status before, null if it is new.</summary>
    private NodeRecord Touch(NodeRegistration registration, DateTimeOffset now, out NodeStatus? before)
    {
        if (!_nodes.TryGetValue(registration.NodeId, out var record))
        {
            before = null;
            record = new NodeRecord(registration, now);
            _nodes.Add(registration.NodeId, record);
            Version++;
            return record;
        }

        before = record.Status;

        if (record.Registration != registration)
        {
            record.Registration = registration;
            Version++;
        }

        record.LastSeen = now;
        if (record.Status == NodeStatus.Failed)
        {
            // Back from the dead: it re-enters the ring now; its health is judged with its next metrics.
            record.Status = NodeStatus.Active;
            Version++;
        }

        return record;
    }

    private StatusChange? Judge(NodeRecord record, DateTimeOffset now)
    {
        var status = _policy.Evaluate(record.LastSeen, record.CpuPercent, record.MemoryPercent, now);
        if (status == record.Status)
        {
            return null;
        }

        var change = new StatusChange(record.Registration.NodeId, record.Status, status);
        record.Status = status;
        Version++;
        return change;
    }

    private static void Validate(NodeRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (string.IsNullOrWhiteSpace(registration.NodeId))
        {
            throw new ArgumentException("A node registration needs a node id.", nameof(registration));
        }

        if (string.IsNullOrWhiteSpace(registration.Silo))
        {
            throw new ArgumentException($"The registration of node '{registration.NodeId}' needs a silo address.", nameof(registration));
        }

        if (registration.CapacityBytes <= 0)
        {
            throw new ArgumentException(
                $"The registration of node '{registration.NodeId}' has capacity {registration.CapacityBytes}; it must be positive.", nameof(registration));
        }

        if (registration.DataPort is < 0 or > 65535)
        {
            throw new ArgumentException(
                $"The registration of node '{registration.NodeId}' has data port {registration.DataPort}; it must be between 0 and 65535.", nameof(registration));
        }
    }
}
