namespace DistCache.Tests.Processes;

/// <summary>
/// A real redis-server on a free loopback port, for Redis membership. Tests that need it skip when
/// redis-server is not installed, unless DISTCACHE_REQUIRE_REDIS=1 (CI sets it) makes that a failure.
/// </summary>
public static class LocalRedis
{
    public static string? FindServer() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);

    public static async Task<(ChildProcess Server, string Endpoint)> StartAsync()
    {
        var server = FindServer();
        if (server is null)
        {
            if (Environment.GetEnvironmentVariable("DISTCACHE_REQUIRE_REDIS") == "1")
            {
                throw new InvalidOperationException("redis-server is not installed, and DISTCACHE_REQUIRE_REDIS=1 requires it.");
            }

            Skip.If(true, "redis-server is not installed (apt-get install redis-server); .ci/run installs it.");
        }

        var port = FreePort.Next();
        var process = new ChildProcess(
            "redis-server", server!,
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            "Ready to accept connections");
        await process.WaitReadyAsync(TimeSpan.FromSeconds(30));
        return (process, $"127.0.0.1:{port}");
    }
}
