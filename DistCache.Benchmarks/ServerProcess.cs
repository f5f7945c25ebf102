using System.Net;
using System.Net.Sockets;

namespace DistCache.Benchmarks;

/// <summary>Finding server programs and free loopback ports; the processes themselves are the tests' <c>ChildProcess</c> (linked source).</summary>
internal static class ServerProcess
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The path of <paramref name="command"/> on the PATH or among the user's dotnet tools, or null.</summary>
    public static string? Find(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Append(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools"))
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(File.Exists);
}
