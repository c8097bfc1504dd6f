using Platform.City;
using Platform.Ingest.Submissions;
using Platform.Templates.Schema;
using Platform.Tests.Support;

namespace Platform.Tests.City;

/// <summary>A generated city sent through the platform's HTTP API by its agencies: every file is accepted whole.</summary>
public sealed class CitySubmissionTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Fact]
    public async Task A_small_city_is_accepted_file_by_file_with_no_row_errors()
    {
        var city = GeneratedCity.Generate(new CityOptions
        {
            Businesses = 300, Months = 6, PlantedPerRule = 2, LastPeriod = Period.Of(DateTimeOffset.UtcNow).AddMonths(-1),
        });

        var sent = await platform.SubmitCityAsync(city);

        Assert.Equal(6, sent.Select(s => s.File.Period).Distinct().Count());
        Assert.Equal(8, sent.Select(s => s.File.Template).Distinct().Count());
        Assert.All(sent, s =>
        {
            Assert.True(s.Receipt.Status == SubmissionStatus.Accepted, $"{s.File.RelativePath}: {s.Receipt.Status} {s.Receipt.ReasonEn}");
            Assert.Equal((s.File.Rows, s.File.Rows, 0, 0L), (s.Receipt.RowsRead, s.Receipt.RowsAccepted, s.Receipt.RowsRejected, s.Receipt.Problems));
            Assert.Equal(s.File.Agency, s.Receipt.Agency);
        });
    }
}
