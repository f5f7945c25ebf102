using BenchmarkDotNet.Running;
using DistCache.Benchmarks;

// dotnet run -c Release --project DistCache.Benchmarks -- load [options]   side-by-side load test (see LoadSettings)
// dotnet run -c Release --project DistCache.Benchmarks -- memory [entries] bytes per entry beyond key and value
// dotnet run -c Release --project DistCache.Benchmarks -- micro [BenchmarkDotNet args]
// dotnet run -c Release --project DistCache.Benchmarks -- anti-entropy [entries] how long a node builds its anti-entropy digests
var verb = args.FirstOrDefault() ?? "load";
var rest = args.Skip(1).ToArray();
switch (verb)
{
    case "load":
        return await LoadCommand.RunAsync(LoadSettings.Parse(rest));
    case "memory":
        return MemoryCommand.Run(rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
    case "anti-entropy":
        return AntiEntropyCommand.Run(rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
    case "micro":
        BenchmarkSwitcher.FromAssembly(typeof(LoadCommand).Assembly).Run(rest.Length > 0 ? rest : ["--filter", "*"]);
        return 0;
    case BaselineSilo.Verb:
        await BaselineSilo.RunAsync(rest);
        return 0;
    default:
        Console.Error.WriteLine($"Unknown command '{verb}': use load, memory, anti-entropy or micro.");
        return 2;
}
