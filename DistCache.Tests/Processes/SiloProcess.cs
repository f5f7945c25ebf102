using System.Globalization;

namespace DistCache.Tests.Processes;

/// <summary>A DistCache silo in its own process (the real DistCache.Silo program), on Redis membership.</summary>
public static class SiloProcess
{
    /// <summary>The silo program built beside this test assembly: same configuration, same framework.</summary>
    public static string ProgramPath
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = testBin.Name;
            var configuration = testBin.Parent!.Name;
            var root = testBin.Parent.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(root, "DistCache.Silo", "bin", configuration, framework, "DistCache.Silo.dll");
        }
    }

    public static ChildProcess Start(int index, string redis, string clusterId, int siloPort, int gatewayPort, int nodesPerSilo, params string[] extra)
    {
        string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
        return new ChildProcess(
            $"silo {index}",
            "dotnet",
            [
                ProgramPath,
                "--Silo:Clustering", "Redis", "--Silo:Redis", redis, "--Silo:ClusterId", clusterId,
                "--Silo:SiloPort", Text(siloPort), "--Silo:GatewayPort", Text(gatewayPort),
                "--DistCache:NodesPerSilo", Text(nodesPerSilo),
                .. extra,
            ],
            "DistCache silo ready",
            Path.GetDirectoryName(ProgramPath));
    }
}
