using Npgsql;

namespace Platform.Api.Audit;

/// <summary>
/// <c>dotnet Platform.Api.dll audit verify</c> (what <c>ops/audit verify</c> runs): walks the chain of the configured
/// database, prints "audit chain intact: N entries" or the first broken entry, and exits 1 when broken.
/// </summary>
public static class VerifyAuditChain
{
    public static readonly string[] Command = ["audit", "verify"];

    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output)
    {
        var result = await AuditChain.VerifyAsync(services.GetRequiredService<NpgsqlDataSource>(), CancellationToken.None);
        await output.WriteLineAsync(result.ToString());
        return result.Intact ? 0 : 1;
    }
}
