namespace Platform.City;

/// <summary>
/// A small deterministic random source (SplitMix64), seeded from the city's seed and what is being drawn for (a
/// business, a month, a purpose), so any one business's data can be drawn again on its own, in any order, and the
/// same seed gives the same city on every machine and .NET version.
/// </summary>
internal struct Draw
{
    private ulong state;

    public Draw(int seed, long subject, int purpose)
    {
        state = Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ Mix((ulong)subject + 0x632BE59BD9B4E019UL) ^ ((ulong)(uint)purpose << 40));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private ulong NextBits()
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    /// <summary>0 ≤ n &lt; <paramref name="count"/>.</summary>
    public int Next(int count) => (int)((NextBits() >> 33) % (ulong)count);

    /// <summary><paramref name="from"/> ≤ n ≤ <paramref name="to"/>.</summary>
    public int Between(int from, int to) => from + Next(to - from + 1);

    public double Fraction() => (NextBits() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double probability) => Fraction() < probability;

    /// <summary>A yuan amount between the bounds, to the cent.</summary>
    public decimal Money(decimal from, decimal to) => Math.Round(from + ((to - from) * (decimal)Fraction()), 2);

    /// <summary>A factor between the bounds, to four decimals.</summary>
    public decimal Factor(decimal from, decimal to) => Math.Round(from + ((to - from) * (decimal)Fraction()), 4);

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];
}
