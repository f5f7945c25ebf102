
namespace DistCache.Silo;

/// <summary>Prints the coordinator's node table.</summary>
internal static class NodeTable
{
    public static async Task PrintAsync(IGrainFactory grains, TextWriter output)
    {
        var nodes = await grains.GetGrain<ICoordinatorGrain>(ICoordinatorGrain.SingletonKey).GetNodesAsync();
        output.WriteLine($"{"node",-24} {"status",-9} {"items",8} {"used",12} {"utilization",11}");
        foreach (var node in nodes)
        {
            output.WriteLine($"{NodeIds.Display(node.NodeId),-24} {node.Status,-9} {node.Items,8} {FormatBytes(node.UsedBytes),12} {node.Utilization,11:P2}");
        }
    }

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.0} KiB",
        _ => $"{bytes} B",
    };
}
