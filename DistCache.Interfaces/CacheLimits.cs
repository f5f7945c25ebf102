using System.Text;

namespace DistCache;

/// <summary>
/// Input rules shared by every entry point (silo data path and clients), so bad input fails
/// before it reaches the network and the same way everywhere.
/// </summary>
public static class CacheLimits
{
    /// <summary>The longest key, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>The default largest value, in bytes (1 MiB).</summary>
    public const int DefaultMaxValueBytes = 1024 * 1024;

    /// <summary>The most tags one entry may carry.</summary>
    public const int MaxTags = 16;

    /// <summary>The longest tag, in characters.</summary>
    public const int MaxTagLength = 256;

    /// <summary>Throws when <paramref name="key"/> is null, empty or longer than <see cref="MaxKeyBytes"/> in UTF-8.</summary>
    public static void ValidateKey(string? key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            throw new ArgumentException("A cache key must not be empty.", nameof(key));
        }

        // Cheap check first: a UTF-8 char takes at most 3 bytes per UTF-16 char.
        if (key.Length * 3 > MaxKeyBytes)
        {
            var bytes = Encoding.UTF8.GetByteCount(key);
            if (bytes > MaxKeyBytes)
            {
                throw new ArgumentException(
                    $"The cache key '{Preview(key)}' is {bytes} bytes in UTF-8; the limit is {MaxKeyBytes}.", nameof(key));
            }
        }
    }

    /// <summary>Throws when <paramref name="value"/> is null or longer than <paramref name="maxValueBytes"/>.</summary>
    public static void ValidateValue(string key, byte[]? value, int maxValueBytes)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > maxValueBytes)
        {
            throw new ArgumentException(
                $"The value for key '{Preview(key)}' is {value.Length} bytes; the limit is {maxValueBytes}.", nameof(value));
        }
    }

    /// <summary>Throws when <paramref name="timeToLive"/> is given and not positive.</summary>
    public static void ValidateTimeToLive(TimeSpan? timeToLive)
    {
        if (timeToLive is { } ttl && ttl <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeToLive), ttl, $"The time to live must be positive; it was {ttl}.");
        }
    }

    /// <summary>Throws when <paramref name="tag"/> is null, empty, or longer than <see cref="MaxTagLength"/>.</summary>
    public static void ValidateTag(string? tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (tag.Length == 0 || tag.Length > MaxTagLength)
        {
            throw new ArgumentException(
                $"A tag must have 1 to {MaxTagLength} characters; '{Preview(tag)}' has {tag.Length}.", nameof(tag));
        }
    }

    /// <summary>Throws when there are more than <see cref="MaxTags"/> tags, or one of them is invalid (see <see cref="ValidateTag"/>).</summary>
    public static void ValidateTags(IReadOnlyCollection<string>? tags)
    {
        if (tags is null)
        {
            return;
        }

        if (tags.Count > MaxTags)
        {
            throw new ArgumentException($"An entry may carry at most {MaxTags} tags; this one has {tags.Count}.", nameof(tags));
        }

        foreach (var tag in tags)
        {
            ValidateTag(tag);
        }
    }

    /// <summary>The longest fill lease.</summary>
    public static readonly TimeSpan MaxFillLease = TimeSpan.FromMinutes(5);

    /// <summary>Throws when <paramref name="duration"/> is not between 1 ms and <see cref="MaxFillLease"/>.</summary>
    public static void ValidateFillLease(TimeSpan duration)
    {
        if (duration < TimeSpan.FromMilliseconds(1) || duration > MaxFillLease)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, $"A fill lease must last between 1 ms and {MaxFillLease}; it was {duration}.");
        }
    }

    /// <summary>Throws when <paramref name="level"/> is not a defined <see cref="ConsistencyLevel"/>.</summary>
    public static void ValidateConsistency(ConsistencyLevel level)
    {
        if (level is not (ConsistencyLevel.Eventual or ConsistencyLevel.Quorum or ConsistencyLevel.Strong))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"Unknown consistency level {(int)level}.");
        }
    }

    // Keys can be long and are user data: exceptions show only their start.
    private static string Preview(string key) => key.Length <= 40 ? key : string.Concat(key.AsSpan(0, 40), "…");
}
