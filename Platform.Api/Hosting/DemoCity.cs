using System.Net.Http.Headers;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Platform.Api.Auth;
using Platform.City;
using Platform.Ingest.Submissions;
using Platform.Templates.Negotiation;
using Platform.Templates.Schema;

namespace Platform.Api.Hosting;

/// <summary>Where the demo city is sent from: the platform's own listening address (a test gives its in-memory server).</summary>
public class DemoCityChannel(IServer server)
{
    public virtual HttpClient CreateClient()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                      ?? throw new InvalidOperationException("The platform listens on no address; the demo city cannot be sent.");
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "localhost")
        {
            uri.Host = "127.0.0.1";
        }
        return new HttpClient { BaseAddress = uri.Uri };
    }
}

/// <summary>
/// The demo data's city (ops/run; <c>Platform:SeedDemoCity</c>): once the platform serves, a generated city of
/// <c>Platform:DemoCityBusinesses</c> businesses over the <c>Platform:DemoCityMonths</c> months before this one, with
/// discrepancies of every rule planted, is sent by the demo agencies' clients through <c>POST /api/submissions</c>,
/// period by period, as agencies would. Only into a platform that holds no submission yet, and in the background,
/// so start-up does not wait for it. The planted leads are written to <c>&lt;data&gt;/demo-city-ledger.csv</c>.
/// </summary>
internal sealed partial class DemoCity(IServiceProvider services, IOptions<PlatformOptions> options, IHostApplicationLifetime lifetime,
    DemoCityChannel channel, TimeProvider time, ILogger<DemoCity> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SeedDemoData || !options.Value.SeedDemoCity)
        {
            return;
        }
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
        try
        {
            await SendAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Failed(logger, e);
        }
    }

    private async Task SendAsync(CancellationToken ct)
    {
        await using var session = services.GetRequiredService<IDocumentStore>().QuerySession();
        if (await session.Query<Submission>().AnyAsync(ct))
        {
            return; // seeded before, or the platform is in use: never mix a demo city into real data
        }
        var settings = options.Value;
        var city = GeneratedCity.Generate(new CityOptions
        {
            Businesses = settings.DemoCityBusinesses,
            Months = settings.DemoCityMonths,
            LastPeriod = Period.Of(time.GetUtcNow()).AddMonths(-1),
        });
        var ledgerPath = settings.DataPath("demo-city-ledger.csv");
        await File.WriteAllTextAsync(ledgerPath, CsvText.Line(["rule", "subject", "period", "amount_at_risk", "why"]) + string.Concat(
            city.Ledger.Select(l => CsvText.Line([l.Rule, l.Subject, l.Period.ToString(), l.AmountAtRisk.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), l.Why]))), ct);
        Sending(logger, settings.DemoCityBusinesses, settings.DemoCityMonths, city.Ledger.Count, ledgerPath);

        var credentials = JsonSerializer.Deserialize<DemoCredentials>(await File.ReadAllTextAsync(settings.DataPath("demo-credentials.json"), ct),
            StartupTasks.CredentialsJson)!;
        using var http = channel.CreateClient();
        var tokens = new Dictionary<string, string>();
        var accepted = 0;
        var files = city.ToCsv();
        var versions = await ActiveVersionsAsync(session, files, ct);
        foreach (var period in files.Where(f => versions.ContainsKey(f.File.Template)).GroupBy(f => f.File.Period))
        {
            var sent = new List<(string Id, string Token)>();
            foreach (var file in period)
            {
                if (!tokens.TryGetValue(file.File.Agency, out var token))
                {
                    var client = credentials.Clients.First(c => c.Role == Roles.Agency && c.Agency == file.File.Agency);
                    tokens[file.File.Agency] = token = await TokenAsync(http, client, ct);
                }
                using var request = new HttpRequestMessage(HttpMethod.Post,
                    $"/api/submissions?template={file.File.Template}&version={versions[file.File.Template]}&period={file.File.Period}") { Content = new ByteArrayContent(file.Utf8()) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request, ct);
                response.EnsureSuccessStatusCode();
                sent.Add(((await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!, token));
            }
            foreach (var (id, token) in sent)
            {
                accepted += await FinishedAsync(http, id, token, ct) == "accepted" ? 1 : 0;
            }
        }
        Sent(logger, files.Count, accepted, files.Sum(f => f.File.Rows));
    }

    /// <summary>
    /// The active version of each template the city fills, when its fields are the ones the generator writes; a data
    /// directory seeded before a template changed keeps its old version 1, whose files are left out (start it afresh).
    /// </summary>
    private async Task<Dictionary<string, int>> ActiveVersionsAsync(IQuerySession session, IReadOnlyList<CityCsv> files, CancellationToken ct)
    {
        var versions = new Dictionary<string, int>();
        foreach (var file in files.DistinctBy(f => f.File.Template))
        {
            var active = (await session.LoadAsync<Template>(file.File.Template, ct))?.Active;
            var header = file.Text[..file.Text.IndexOf('\r', StringComparison.Ordinal)];
            if (active is not null && string.Join(",", active.Schema.Fields.Select(f => f.Name)) == header)
            {
                versions[file.File.Template] = active.Version;
            }
            else
            {
                TemplateDiffers(logger, file.File.Template);
            }
        }
        return versions;
    }

    private static async Task<string> TokenAsync(HttpClient http, DemoClient client, CancellationToken ct)
    {
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = client.ClientId, ["client_secret"] = client.ClientSecret,
        }), ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("access_token").GetString()!;
    }

    /// <summary>Polls a receipt until the worker has finished with it (the next period waits for this one), for ten minutes at most.</summary>
    private async Task<string> FinishedAsync(HttpClient http, string id, string token, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(10);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/submissions/{id}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            var status = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("status").GetString()!;
            if (status is not ("received" or "validating"))
            {
                return status;
            }
            if (time.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"Submission {id} was still {status} after ten minutes.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    [LoggerMessage(LogLevel.Information, "Demo city: sending {Businesses} businesses over {Months} months with {Planted} planted discrepancies (listed in {Ledger})")]
    private static partial void Sending(ILogger logger, int businesses, int months, int planted, string ledger);

    [LoggerMessage(LogLevel.Information, "Demo city: {Files} files sent, {Accepted} accepted, {Rows} rows")]
    private static partial void Sent(ILogger logger, int files, int accepted, int rows);

    [LoggerMessage(LogLevel.Warning, "Demo city: the active version of {Template} has other fields than the generator writes (a data directory seeded before the template changed); its files are not sent")]
    private static partial void TemplateDiffers(ILogger logger, string template);

    [LoggerMessage(LogLevel.Error, "Demo city: sending failed")]
    private static partial void Failed(ILogger logger, Exception exception);
}
