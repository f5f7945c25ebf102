using DistCache.Tests.Processes;
using StackExchange.Redis;

namespace DistCache.Benchmarks;

/// <summary>
/// A RESP server (redis-server from Debian, or the garnet-server dotnet tool) on a free loopback port,
/// driven through one StackExchange.Redis multiplexer, which pipelines every worker's commands.
/// </summary>
internal sealed class RedisTarget(string name, string command, Func<int, string[]> arguments, string readyLine) : ILoadTarget
{
    private ChildProcess? _server;
    private ConnectionMultiplexer? _redis;
    private IDatabase _db = null!;

    public string Name => name;

    public static RedisTarget Redis() => new("redis", "redis-server",
        port => ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        "Ready to accept connections");

    public static RedisTarget Garnet() => new("garnet", "garnet-server",
        port => ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1"],
        "Ready");

    public async Task<string?> StartAsync()
    {
        var path = ServerProcess.Find(command);
        if (path is null)
        {
            return $"{command} is not installed ({(command == "redis-server" ? "apt-get install redis-server" : "dotnet tool install --global garnet-server")})";
        }

        var port = ServerProcess.FreePort();
        _server = new ChildProcess(name, path, arguments(port), readyLine);
        await _server.WaitReadyAsync(TimeSpan.FromSeconds(60));
        _redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");
        _db = _redis.GetDatabase();
        return null;
    }

    public async Task<bool> GetAsync(string key) => !(await _db.StringGetAsync(key)).IsNull;

    public Task SetAsync(string key, byte[] value) => _db.StringSetAsync(key, value);

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        _server?.Dispose();
    }
}
