using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace DistCache.Placement;

/// <summary>
/// A hash that is the same in every process and on every run (unlike <see cref="string.GetHashCode()"/>),
/// so every silo maps a key to the same replicas.
/// </summary>
internal static class KeyHash
{
    /// <summary>XXH3 over the string's UTF-16 code units (little-endian, as on every platform .NET runs silos on).</summary>
    public static ulong Of(string value) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(value.AsSpan()));

    /// <summary>A stable 32-bit id, for example of a silo address.</summary>
    public static int Int32Of(string value) => unchecked((int)Of(value));
}
