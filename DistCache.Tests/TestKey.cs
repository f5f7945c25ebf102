using System.Runtime.CompilerServices;

namespace DistCache.Tests;

/// <summary>Keys unique to the calling test, so tests sharing a cluster never see each other's data.</summary>
public static class TestKey
{
    public static string New([CallerMemberName] string test = "", string suffix = "") => $"{test}:{Guid.NewGuid():N}{suffix}";
}
