using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Auth;
using Platform.Api.Hosting;
using Platform.Api.Submissions;
using Platform.City;
using Platform.Ingest.Submissions;
using Platform.Templates.Schema;
using Platform.Tests.Support;

namespace Platform.Tests.City;

/// <summary>The platform with the demo city on (as ops/run has it), a small one, sent to the in-memory server.</summary>
public sealed class DemoCityPlatform : PlatformFactory
{
    public const int Businesses = 120, Months = 6;

    public DemoCityPlatform()
    {
        WithSetting("Platform:SeedDemoCity", "true");
        WithSetting("Platform:DemoCityBusinesses", Businesses.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WithSetting("Platform:DemoCityMonths", Months.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<DemoCityChannel, InMemoryChannel>());
    }

    private sealed class InMemoryChannel : DemoCityChannel
    {
        private readonly IServer server;

        public InMemoryChannel(IServer server) : base(server) => this.server = server;

        public override HttpClient CreateClient() => ((TestServer)server).CreateClient();
    }
}

public sealed class DemoCityTests(DemoCityPlatform platform) : IClassFixture<DemoCityPlatform>
{
    [Fact]
    public async Task The_demo_data_sends_a_city_with_every_rule_planted_through_the_upload_path_once_the_platform_serves()
    {
        var expected = GeneratedCity.Generate(new CityOptions
        {
            Businesses = DemoCityPlatform.Businesses, Months = DemoCityPlatform.Months, LastPeriod = Period.Of(DateTimeOffset.UtcNow).AddMonths(-1),
        });
        var files = expected.Write((_, _) => TextWriter.Null);
        using var analyst = await platform.ClientForAsync(Roles.Analyst);

        var receipts = await Eventually.Until(
            async () => (await analyst.GetFromJsonAsync<List<Receipt>>("/api/submissions?limit=500", SubmissionClient.Json))!,
            r => r.Count == files.Count && r.All(s => s.Status is not (SubmissionStatus.Received or SubmissionStatus.Validating)),
            "the demo city's files to be sent and checked", TimeSpan.FromMinutes(3),
            r => $"{r.Count} of {files.Count} receipts, {r.Count(s => s.Status == SubmissionStatus.Accepted)} accepted");

        Assert.All(receipts, r => Assert.Equal((SubmissionStatus.Accepted, 0), (r.Status, r.RowsRejected)));
        Assert.Equal(files.Select(f => (f.Template, f.Period.ToString(), f.Agency, f.Rows)).Order(),
            receipts.Select(r => (r.TemplateId, r.Period, r.Agency, r.RowsAccepted)).Order());
        var ledger = await File.ReadAllLinesAsync(Path.Combine(platform.DataDirectory, "demo-city-ledger.csv"));
        Assert.Equal(expected.Ledger.Count + 1, ledger.Length);
    }
}
