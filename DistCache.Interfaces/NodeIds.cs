namespace DistCache;

/// <summary>
/// Node ids name the silo that hosts the node: <c>"{silo address, parsable form}|{index}"</c>.
/// The silo address includes its generation, so a restarted silo hosts new nodes, never the old ones.
/// </summary>
public static class NodeIds
{
    /// <summary>The id of node <paramref name="index"/> of <paramref name="silo"/>.</summary>
    public static string Create(SiloAddress silo, int index) => $"{silo.ToParsableString()}|{index}";

    /// <summary>The silo that hosts <paramref name="nodeId"/>.</summary>
    /// <exception cref="ArgumentException">The id is not of the form <c>"{silo}|{index}"</c>.</exception>
    public static SiloAddress SiloOf(string nodeId) => SiloAddress.FromParsableString(SiloPart(nodeId));

    /// <summary>A short name for tables and logs: <c>"127.0.0.1:11111/0"</c>.</summary>
    public static string Display(string nodeId)
    {
        var bar = nodeId.LastIndexOf('|');
        var at = nodeId.LastIndexOf('@', bar < 0 ? nodeId.Length - 1 : bar);
        return bar < 0 || at < 0 ? nodeId : $"{nodeId[..at]}/{nodeId[(bar + 1)..]}";
    }

    private static string SiloPart(string nodeId)
    {
        var bar = nodeId.LastIndexOf('|');
        return bar > 0
            ? nodeId[..bar]
            : throw new ArgumentException($"'{nodeId}' is not a node id of the form '{{silo}}|{{index}}'.", nameof(nodeId));
    }
}
