using System.Text;
using Platform.City;
using Platform.Templates.Schema;

namespace Platform.Tests.City;

/// <summary>Run alone, so that the managed heap it watches is the generator's.</summary>
[CollectionDefinition(nameof(CityMemoryTests), DisableParallelization = true)]
public sealed class CityMemoryRunsAlone;

/// <summary>
/// A city of 200,000 businesses (about six million rows) written to writers that discard it: the heap stays flat,
/// because the generator holds one business at a time. README gives the figures for a million, from ops/bench city.
/// </summary>
[Collection(nameof(CityMemoryTests))]
public sealed class CityMemoryTests
{
    [Fact]
    public void A_large_city_streams_to_its_writers_within_bounded_memory()
    {
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var peak = 0L;
        var city = GeneratedCity.Generate(new CityOptions { Businesses = 200_000, LastPeriod = Period.Parse("2026-06") });
        var files = city.Write((_, _) => new Sampling(() => peak = Math.Max(peak, GC.GetTotalMemory(false))));
        Assert.True(files.Sum(f => (long)f.Rows) > 5_000_000);
        Assert.True(peak - before < 150 * 1024 * 1024, $"the managed heap grew by {(peak - before) / 1024 / 1024} MB");
    }

    /// <summary>Discards what is written, looking at the managed heap every 64k characters.</summary>
    private sealed class Sampling(Action sample) : TextWriter
    {
        private int written;

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => Count(1);

        public override void Write(ReadOnlySpan<char> buffer) => Count(buffer.Length);

        public override void Write(string? value) => Count(value?.Length ?? 0);

        private void Count(int chars)
        {
            written += chars;
            if (written > 65_536)
            {
                written = 0;
                sample();
            }
        }
    }

}
