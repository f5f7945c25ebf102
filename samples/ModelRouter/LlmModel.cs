namespace ModelRouter;

/// <summary>A model the router can send prompts to.</summary>
/// <param name="Name">Its name, also the cache tag of its routes (<c>model:{Name}</c>).</param>
/// <param name="CostPerThousandTokens">Price in dollars per 1,000 tokens.</param>
/// <param name="ContextTokens">The longest prompt it takes.</param>
/// <param name="Quality">0 to 1; the rules ask for more on harder tasks.</param>
/// <param name="Languages">Languages it handles well (ISO 639-1).</param>
public sealed record LlmModel(string Name, decimal CostPerThousandTokens, int ContextTokens, double Quality, IReadOnlySet<string> Languages)
{
    public string Tag => $"model:{Name}";
}
