using System.Numerics;

namespace DistCache.Client;

/// <summary>
/// About how often each key was looked up lately: a count-min sketch of small counters, halved every
/// ten lookups per entry of capacity so that old popularity fades. The near cache admits a new key only
/// if it is looked up at least as often as the entry it would evict (TinyLFU), so a run of keys read
/// once does not push out the hot ones.
/// </summary>
/// <remarks>
/// Counters are bytes updated without locks or atomics: a lost increment or a count raised during a
/// halving only makes the estimate a little less exact, which admission tolerates.
/// </remarks>
internal sealed class FrequencySketch
{
    private const byte MaxCount = 15;

    private readonly byte[] _counters;
    private readonly int _mask;
    private readonly int _sampleSize;
    private int _samples;

    public FrequencySketch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        // 16 counters per entry, at most 64 MiB: past that a bigger table only sharpens the estimates.
        var width = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(capacity, 16, 1 << 22) * 16);
        _counters = new byte[width];
        _mask = width - 1;
        _sampleSize = 10 * capacity;
    }

    /// <summary>Whether enough lookups were counted since the last halving that it is due.</summary>
    public bool AgingDue => Volatile.Read(ref _samples) >= _sampleSize;

    /// <summary>Counts one lookup of the key with hash <paramref name="hash"/>.</summary>
    public void Increment(int hash)
    {
        var (index, step) = Probe(hash);
        for (var i = 0; i < 4; i++, index = (index + step) & _mask)
        {
            if (_counters[index] < MaxCount)
            {
                _counters[index]++;
            }
        }

        _samples++;
    }

    /// <summary>About how many lookups of the key with hash <paramref name="hash"/> were counted (at most 15).</summary>
    public int Estimate(int hash)
    {
        var (index, step) = Probe(hash);
        int estimate = MaxCount;
        for (var i = 0; i < 4; i++, index = (index + step) & _mask)
        {
            estimate = Math.Min(estimate, _counters[index]);
        }

        return estimate;
    }

    /// <summary>Halves every count; one caller at a time.</summary>
    public void Age()
    {
        for (var i = 0; i < _counters.Length; i++)
        {
            _counters[i] >>= 1;
        }

        Volatile.Write(ref _samples, 0);
    }

    // Four counters per key by double hashing; an odd step visits four distinct counters of the power-of-two table.
    private (int Index, int Step) Probe(int hash)
    {
        var mixed = (uint)hash * 0x9E3779B1u;
        return ((int)(mixed >> 7) & _mask, (int)((mixed ^ (mixed >> 16)) * 0x85EBCA6Bu) | 1);
    }
}
