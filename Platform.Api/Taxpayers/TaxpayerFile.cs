using System.Security.Claims;
using System.Text.Json;
using Marten;
using Npgsql;
using Platform.Api.Auth;

namespace Platform.Api.Taxpayers;

/// <summary>
/// One record about a taxpayer as the one-household file (一户式档案) lists it: which agency sent it, for which
/// template and period, from which submission and row, its state, and its values. The state is <c>current</c>,
/// <c>superseded</c> (a later correction or replacement took its place), <c>voided</c> (withdrawn), or
/// <c>withdrawal</c> (the row of a void submission that withdrew it). The period is written <c>yyyy-MM</c>, as it was sent.
/// </summary>
public sealed record TaxpayerRecord(
    string Agency,
    string TemplateId,
    int TemplateVersion,
    string? Period,
    string SubmissionId,
    int Row,
    string RecordKey,
    string State,
    JsonElement Values);

/// <summary>
/// Everything the platform holds about one taxpayer (by the subject key, such as a credit code), across agencies
/// and time, newest period first: only rows of accepted submissions, with corrected and voided versions marked.
/// </summary>
public static class TaxpayerFile
{
    public static async Task<IReadOnlyList<TaxpayerRecord>> QueryAsync(NpgsqlDataSource database, string subject, CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            """
            select a.agency, r.template_id, a.template_version, to_char(r.period, 'YYYY-MM'), r.submission_id, r.row_number, r.record_key,
                   case when a.mode = 'void' then 'withdrawal'
                        when not r.current then 'superseded'
                        when r.voided then 'voided'
                        else 'current' end,
                   platform.record_object(a.fields, r.values)::text
              from platform.ingest_record r
              join platform.ingest_accepted a on a.submission_id = r.submission_id
             where r.subject_key = $1
             order by r.period desc nulls last, r.template_id, r.submission_id desc, r.row_number
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = subject });
        var records = new List<TaxpayerRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            records.Add(new TaxpayerRecord(reader.GetString(0), reader.GetString(1), reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetInt32(5), reader.GetString(6),
                reader.GetString(7), JsonDocument.Parse(reader.GetString(8)).RootElement));
        }
        return records;
    }

    public static void MapTaxpayerFile(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/taxpayers/{subject}/records", async (string subject, NpgsqlDataSource database, IDocumentStore store,
                ClaimsPrincipal user, TimeProvider time, CancellationToken ct) =>
            {
                await AccessAudit.RecordAsync(store, user, time, subject, "records", ct);
                return Results.Ok(await QueryAsync(database, subject, ct));
            })
            .RequireAnyRole(Roles.Analyst, Roles.Officer, Roles.Admin)
            .WithTags("Taxpayers")
            .WithSummary("The one-household file: every accepted record about a taxpayer, across agencies and periods (access is audited)")
            .Produces<List<TaxpayerRecord>>();
}
