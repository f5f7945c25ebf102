namespace ModelRouter;

/// <summary>What the rules look at in a prompt; two prompts with the same features get the same route.</summary>
/// <param name="Task">What is asked.</param>
/// <param name="Language">ISO 639-1 code of the prompt's language, as far as a few cheap rules can tell.</param>
/// <param name="Tokens">Approximate length in tokens.</param>
public sealed record PromptFeatures(TaskKind Task, string Language, int Tokens)
{
    private static readonly (TaskKind Task, string[] Words)[] TaskWords =
    [
        (TaskKind.Code, ["code", "function", "bug", "compile", "stack trace", "refactor", "c#", "python", "sql"]),
        (TaskKind.Summarize, ["summarize", "summary", "tl;dr", "zusammenfassen", "résume"]),
        (TaskKind.Translate, ["translate", "übersetze", "traduire", "traduce"]),
        (TaskKind.Reasoning, ["prove", "why", "explain step", "plan", "analyze", "analyse"]),
    ];

    private static readonly (string Language, string[] Words)[] LanguageWords =
    [
        ("de", [" der ", " die ", " und ", " nicht ", " bitte "]),
        ("fr", [" le ", " la ", " et ", " est ", " pas ", " les "]),
        ("es", [" el ", " los ", " y ", " por ", " una "]),
    ];

    /// <summary>Length in 256-token steps: the part of the length the route depends on.</summary>
    public int LengthBucket => Tokens / 256;

    /// <summary>The cache key of the route for prompts with these features.</summary>
    public string CacheKey => $"route:v1:{Task}:{Language}:{LengthBucket}";

    public static PromptFeatures Of(string prompt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prompt);
        var text = $" {prompt.ToLowerInvariant()} ";
        var task = TaskWords.FirstOrDefault(t => t.Words.Any(text.Contains)).Task;
        var language =
            prompt.Any(c => c is >= '\u3040' and <= '\u30ff') ? "ja" :
            prompt.Any(c => c is >= '\u4e00' and <= '\u9fff') ? "zh" :
            LanguageWords.Where(l => l.Words.Count(text.Contains) >= 2).Select(l => l.Language).FirstOrDefault() ?? "en";

        // About 4 characters per token for European text; a CJK character is about a token.
        var tokens = language is "ja" or "zh" ? prompt.Length : Math.Max(1, prompt.Length / 4);
        return new PromptFeatures(task, language, tokens);
    }
}

/// <summary>What a prompt asks for.</summary>
public enum TaskKind
{
    Chat,
    Code,
    Summarize,
    Translate,
    Reasoning,
}
