using System.Security.Claims;
using System.Text.Json;
using Marten;
using Npgsql;
using Platform.Api.Auth;

namespace Platform.Api.Taxpayers;

/// <summary>
/// One record about a taxpayer as the one-household file (一户式档案) lists it: which agency sent it, for which
/// template and period, from which submission and row, whether it is the record's current version, and its values.
/// </summary>
public sealed record TaxpayerRecord(
    string Agency,
    string TemplateId,
    int TemplateVersion,
    DateOnly? Period,
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
            select r.agency, r.template_id, r.template_version, r.period, r.submission_id, r.row_number, r.record_key,
                   case when c.submission_id = r.submission_id and c.row_number = r.row_number
                        then case when c.voided then 'voided' else 'current' end
                        else 'superseded' end,
                   r.values::text
              from platform.ingest_record r
              join platform.mt_doc_submission s on s.id = r.submission_id and s.status in ('Accepted', 'AcceptedWithErrors')
              left join platform.ingest_current c on c.template_id = r.template_id and c.record_key = r.record_key
             where r.subject_key = $1
             order by r.period desc nulls last, r.template_id, r.submission_id desc, r.row_number
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = subject });
        var records = new List<TaxpayerRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            records.Add(new TaxpayerRecord(reader.GetString(0), reader.GetString(1), reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3), reader.GetString(4), reader.GetInt32(5), reader.GetString(6),
                reader.GetString(7), JsonDocument.Parse(reader.GetString(8)).RootElement));
        }
        return records;
    }

    public static void MapTaxpayerFile(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/taxpayers/{subject}/records", async (string subject, NpgsqlDataSource database, IDocumentSession session,
                ClaimsPrincipal user, TimeProvider time, CancellationToken ct) =>
            {
                await AccessAudit.RecordAsync(session, user, time, subject, "records", ct);
                return Results.Ok(await QueryAsync(database, subject, ct));
            })
            .RequireAnyRole(Roles.Analyst, Roles.Officer, Roles.Admin)
            .WithTags("Taxpayers")
            .WithSummary("The one-household file: every accepted record about a taxpayer, across agencies and periods (access is audited)")
            .Produces<List<TaxpayerRecord>>();
}
