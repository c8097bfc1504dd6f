using Platform.Api.Accounts;
using Platform.Api.Agencies;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Api.GraphQL;
using Platform.Api.Hosting;
using Platform.Api.Invoices;
using Platform.Api.Leads;
using Platform.Api.Pages;
using Platform.Api.Quality;
using Platform.Api.Reporting;
using Platform.Api.Store;
using Platform.Api.Submissions;
using Platform.Api.Taxpayers;
using Platform.Api.Templates;

var builder = WebApplication.CreateBuilder(args);

builder.AddPlatformHosting();
builder.AddBrowserSecurity();
builder.AddPlatformStore();
builder.AddAuth();
builder.Services.AddPlatformGraphQL(builder.Configuration);
builder.Services.AddApiDocumentation();
builder.Services.AddAgencies();
builder.Services.AddTemplates();
builder.AddSubmissions();
builder.Services.AddQuality(builder.Configuration);
builder.Services.AddTaxpayers(builder.Configuration);
builder.Services.AddAudit(builder.Configuration);
builder.Services.AddLeads(builder.Configuration);
builder.Services.AddControlResults();
builder.Services.AddInvoices(builder.Configuration);

var app = builder.Build();

if (args is [SchemaCommand.Name, ..])
{
    await SchemaCommand.RunAsync(app.Services);
    return;
}
if (args.Take(2).SequenceEqual(CreateAdministrator.Command))
{
    Environment.ExitCode = await CreateAdministrator.RunAsync(
        app.Services, args, Environment.GetEnvironmentVariable(CreateAdministrator.PasswordVariable), Console.Out);
    return;
}
if (args.Take(2).SequenceEqual(VerifyAuditChain.Command))
{
    Environment.ExitCode = await VerifyAuditChain.RunAsync(app.Services, Console.Out);
    return;
}
if (args.Take(2).SequenceEqual(RebuildLeadsCommand.Command))
{
    Environment.ExitCode = await RebuildLeadsCommand.RunAsync(app.Services, Console.Out);
    return;
}

app.UseKnownProxies();
app.UseBrowserSecurity();
app.UseProblemDetailsForErrors();
app.UseApiDocumentation();
app.UsePages();
app.UseAuth();
app.MapHealth();
app.MapAuth();
app.MapPlatformGraphQL();
app.MapAgencies();
app.MapTemplates();
app.MapSubmissions();
app.MapQuality();
app.MapTaxpayers();
app.MapAudit();
app.MapAccounts();
app.MapPages();
app.MapInvoices();

await app.RunAsync();

/// <summary>Entry point; public so that WebApplicationFactory can host it in tests.</summary>
public partial class Program;
