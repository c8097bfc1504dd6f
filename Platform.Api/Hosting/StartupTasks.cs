using System.Text.Json;
using Marten;
using Microsoft.Extensions.Options;
using Platform.Api.Agencies;
using Platform.Api.Auth;
using Platform.Api.Templates;
using Platform.Comparisons.Leads;
using Platform.Templates.Checks;

namespace Platform.Api.Hosting;

/// <summary>Runs before the server listens: the schema (when configured) and then the demo data (when configured).</summary>
internal sealed partial class StartupTasks(IServiceProvider services, IOptions<PlatformOptions> options, ILogger<StartupTasks> logger)
    : IHostedService
{
    public static readonly JsonSerializerOptions CredentialsJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Said at every start: a site of another city that left the default would otherwise learn it from refusals.
        ServingCity(logger, options.Value.Division, Divisions.NameOfPrefix(options.Value.Division) ?? "");
        var offices = services.GetRequiredService<TaxOffices>().All;
        if (!offices.Any(o => SubjectDivision.IsWithin(o.Jurisdiction, options.Value.Division) || SubjectDivision.IsWithin(options.Value.Division, o.Jurisdiction)))
        {
            NoOfficeInCity(logger, options.Value.Division, string.Join(", ", offices.Select(o => $"{o.Id} ({o.Jurisdiction})")));
        }
        if (options.Value.ApplySchemaOnStart)
        {
            await DatabaseSchema.ApplyAsync(services, cancellationToken);
        }
        if (options.Value.SeedDemoData)
        {
            await SeedDemoDataAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SeedDemoDataAsync(CancellationToken ct)
    {
        await AgencyDirectory.SeedDemoAsync(services.GetRequiredService<IDocumentStore>(), ct);
        await TemplateSeed.SeedStandardAsync(services.GetRequiredService<IDocumentStore>(), services.GetRequiredService<TimeProvider>(), ct);

        var path = options.Value.DataPath("demo-credentials.json");
        var known = File.Exists(path)
            ? JsonSerializer.Deserialize<DemoCredentials>(await File.ReadAllTextAsync(path, ct), CredentialsJson)
            : null;
        await using var scope = services.CreateAsyncScope();
        var clients = await scope.ServiceProvider.GetRequiredService<DemoClients>().EnsureAsync(WantedClients(), known, ct);
        var users = await scope.ServiceProvider.GetRequiredService<DemoPeople>().EnsureAsync(known?.Users, ct);
        var credentials = clients with { Users = users };

        OwnerOnly.WriteAllText(path, JsonSerializer.Serialize(credentials, CredentialsJson));
        DemoClientsReady(logger, path);
    }

    [LoggerMessage(LogLevel.Information, "Serving the city {Division} {Name} (Platform:Division): whole files and people's jurisdictions are decided against it")]
    private static partial void ServingCity(ILogger logger, string division, string name);

    [LoggerMessage(LogLevel.Warning, "No tax office serves within the city {Division} (Comparisons:Offices: {Offices}): no one of the bureau can be " +
                                     "added and leads are assigned to no office; configure the city's offices")]
    private static partial void NoOfficeInCity(ILogger logger, string division, string offices);

    [LoggerMessage(LogLevel.Information, "Demo clients and people ready; credentials in {Path}")]
    private static partial void DemoClientsReady(ILogger logger, string path);

    private static IEnumerable<DemoClients.Wanted> WantedClients()
    {
        foreach (var agency in AgencyDirectory.Demo)
        {
            yield return new(Roles.Agency, $"demo-agency-{agency.Id}", $"{agency.NameEn} (demo)", agency.Id);
        }
        yield return new(Roles.Analyst, "demo-analyst", "Tax bureau analyst (demo)", null);
        yield return new(Roles.Officer, "demo-officer", "County tax office officer (demo)", null);
        yield return new(Roles.Leader, "demo-leader", "Leadership (demo)", null);
        yield return new(Roles.Admin, "demo-admin", "Platform administrator (demo)", null);
    }
}
