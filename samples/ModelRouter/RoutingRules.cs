namespace ModelRouter;

/// <summary>Where a prompt goes, and why.</summary>
public sealed record RouteDecision(string Model, string Reason, decimal EstimatedCost);

/// <summary>
/// The routing rules: among the healthy models that speak the prompt's language and take its length,
/// the cheapest one good enough for the task; if none is good enough (the best one is down), the
/// best of those left.
/// </summary>
public static class RoutingRules
{
    /// <summary>The least quality a task needs.</summary>
    public static double QualityFor(PromptFeatures features) => features.Task switch
    {
        TaskKind.Code or TaskKind.Reasoning => 0.9,
        TaskKind.Translate => 0.75,
        _ when features.Tokens > 4_000 => 0.75,
        _ => 0.5,
    };

    /// <exception cref="InvalidOperationException">No healthy model can take the prompt.</exception>
    public static RouteDecision Route(PromptFeatures features, ModelCatalog catalog)
    {
        var quality = QualityFor(features);
        var able = catalog.Models
            .Where(m => catalog.IsHealthy(m.Name) && m.Languages.Contains(features.Language) && m.ContextTokens >= features.Tokens)
            .ToList();
        var (model, reason) = able.Where(m => m.Quality >= quality).OrderBy(m => m.CostPerThousandTokens).FirstOrDefault() is { } good
            ? (good, $"cheapest healthy model for {features.Task} in {features.Language}, {features.Tokens} tokens, quality >= {quality}")
            : able.OrderByDescending(m => m.Quality).FirstOrDefault() is { } best
                ? (best, $"degraded: no healthy model reaches quality {quality} for {features.Task}; the best one left")
                : throw new InvalidOperationException($"No healthy model takes a {features.Task} prompt in '{features.Language}' of {features.Tokens} tokens.");
        return new RouteDecision(model.Name, reason, model.CostPerThousandTokens * features.Tokens / 1000m);
    }
}
