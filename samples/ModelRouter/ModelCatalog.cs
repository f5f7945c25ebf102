using System.Collections.Concurrent;

namespace ModelRouter;

/// <summary>The models and their health: the table the routing rules read.</summary>
public sealed class ModelCatalog(IEnumerable<LlmModel> models)
{
    private readonly ConcurrentDictionary<string, bool> _healthy = new(models.Select(m => KeyValuePair.Create(m.Name, true)));

    public IReadOnlyList<LlmModel> Models { get; } = [.. models];

    /// <summary>A catalog like a small team's: two cheap models, a large one, and a multilingual one.</summary>
    public static ModelCatalog Default() => new(
    [
        new LlmModel("small-fast", 0.10m, 8_000, 0.60, new HashSet<string> { "en" }),
        new LlmModel("mid-general", 0.50m, 32_000, 0.75, new HashSet<string> { "en", "de", "fr", "es" }),
        new LlmModel("large-reasoning", 3.00m, 128_000, 0.95, new HashSet<string> { "en", "de", "fr", "es", "ja" }),
        new LlmModel("polyglot", 0.80m, 32_000, 0.80, new HashSet<string> { "en", "de", "fr", "es", "ja", "zh" }),
    ]);

    public bool IsHealthy(string model) => _healthy.TryGetValue(model, out var healthy) && healthy;

    /// <summary>Marks a model up or down; throws for a model the catalog does not have.</summary>
    public void SetHealth(string model, bool healthy)
    {
        if (!_healthy.ContainsKey(model))
        {
            throw new ArgumentException($"The catalog has no model '{model}'.", nameof(model));
        }

        _healthy[model] = healthy;
    }
}
