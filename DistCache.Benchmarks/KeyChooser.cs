namespace DistCache.Benchmarks;

/// <summary>Picks key indexes uniformly, or Zipfian (s = 0.99) so a few keys are hot, as in real caches.</summary>
internal sealed class KeyChooser
{
    private readonly double[]? _cumulative;
    private readonly int _keys;

    public KeyChooser(int keys, bool zipfian)
    {
        _keys = keys;
        if (!zipfian)
        {
            return;
        }

        _cumulative = new double[keys];
        var sum = 0.0;
        for (var i = 0; i < keys; i++)
        {
            sum += 1 / Math.Pow(i + 1, 0.99);
            _cumulative[i] = sum;
        }

        for (var i = 0; i < keys; i++)
        {
            _cumulative[i] /= sum;
        }
    }

    public int Next(Random random)
    {
        if (_cumulative is null)
        {
            return random.Next(_keys);
        }

        var index = Array.BinarySearch(_cumulative, random.NextDouble());
        return Math.Min(index < 0 ? ~index : index, _keys - 1);
    }
}
