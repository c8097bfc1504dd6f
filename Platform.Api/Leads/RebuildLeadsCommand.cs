using Platform.Comparisons.Leads;

namespace Platform.Api.Leads;

/// <summary>
/// <c>dotnet Platform.Api.dll leads rebuild</c> (what <c>ops/leads rebuild</c> runs): rebuilds the lead table from the lead
/// streams (<see cref="RebuildLeadTable"/>), prints what it did, and exits 1 when a rule's run under way refused it.
/// </summary>
public static class RebuildLeadsCommand
{
    public static readonly string[] Command = ["leads", "rebuild"];

    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output)
    {
        var rebuilt = await services.GetRequiredService<RebuildLeadTable>().RunAsync(CancellationToken.None);
        await output.WriteLineAsync(rebuilt.Message);
        return rebuilt.Done ? 0 : 1;
    }
}
