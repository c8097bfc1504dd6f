using System.Text.Json;
using GraphQL.Types;
using Platform.Api.GraphQL;
using Platform.Api.Paging;
using Platform.Comparisons.Leads;

namespace Platform.Api.Leads;

public sealed class LeadGraphType : ObjectGraphType<Lead>
{
    public LeadGraphType()
    {
        Name = "Lead";
        Description = "A lead (线索): a rule found tax at risk for a subject and period; assigned to the tax office of its county, verified, closed.";
        Field(l => l.Id);
        Field(l => l.Rule);
        Field(l => l.RuleVersion);
        Field<NonNullGraphType<StringGraphType>>("parameters").Description("The rule's parameters when it raised the lead, as JSON.")
            .Resolve(c => c.Source.Parameters.GetRawText());
        Field(l => l.Subject).Description("The taxpayer's subject key, such as a unified social credit code.");
        Field(l => l.Period).Description("yyyy-MM");
        Field(l => l.AmountAtRisk).Description("Tax at risk in yuan (0 where the outcome is a registration).");
        Field(l => l.Base, nullable: true).Description("The estimated undeclared base, where the rule estimates one.");
        Field<NonNullGraphType<StringGraphType>>("status")
            .Description("raised, assigned, under-verification, confirmed, dismissed, collected or closed-as-corrected.")
            .Resolve(c => LeadStatuses.Name(c.Source.Status));
        Field(l => l.County).Description("The subject's six-digit GB/T 2260 division.");
        Field(l => l.Office, nullable: true).Description("The tax office the lead is assigned to.");
        Field<NonNullGraphType<EvidenceGraphType>>("evidence").Resolve(c => c.Source.Evidence);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<LeadHistoryGraphType>>>>("history")
            .Description("The lead's events, oldest first (loaded for a whole page at once).")
            .Resolve(c => c.RequestServices!.GetRequiredService<LeadHistoryLoader>().Load(c.Source.Id));
        Field<StringGraphType>("confirmation").Description("tax-assessed or taxpayer-registered, once confirmed.")
            .Resolve(c => c.Source.Confirmation is { } kind ? JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString()) : null);
        Field(l => l.Tax);
        Field(l => l.LateFee);
        Field(l => l.Penalty);
        Field(l => l.DismissedBecause, nullable: true);
        Field(l => l.TaxPaid);
        Field(l => l.LateFeePaid);
        Field(l => l.PenaltyPaid);
        Field<DateGraphType>("paidOn").Resolve(c => c.Source.PaidOn.AsDate());
        Field(l => l.RaisedAt);
        Field(l => l.UpdatedAt);
    }
}

public static class LeadStatuses
{
    public static string Name(LeadStatus status) => JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());

    public static LeadStatus? Parse(string? name) =>
        name is null ? null : Enum.GetValues<LeadStatus>().Cast<LeadStatus?>().FirstOrDefault(s => Name(s!.Value) == name);
}

public sealed class EvidenceGraphType : ObjectGraphType<Evidence>
{
    public EvidenceGraphType()
    {
        Name = "Evidence";
        Description = "The records behind a lead (so it can be explained to the taxpayer) and the rule's figures.";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CitedRecordGraphType>>>>("records").Resolve(c => c.Source.Records);
        Field<NonNullGraphType<StringGraphType>>("figures").Description("The rule's own figures, as JSON.").Resolve(c => c.Source.Figures.GetRawText());
    }
}

public sealed class CitedRecordGraphType : ObjectGraphType<CitedRecord>
{
    public CitedRecordGraphType()
    {
        Name = "CitedRecord";
        Field(r => r.Template);
        Field(r => r.SubmissionId).Description("Empty where the supplier is masked.");
        Field(r => r.RowNumber).Description("The row of the submitted file (the header is row 1); 0 where the supplier is masked.");
        Field(r => r.RecordKey);
        Field(r => r.Agency).Description("The supplying agency, or third-party where policy masks it.");
    }
}

public sealed class LeadHistoryGraphType : ObjectGraphType<LeadHistoryEntry>
{
    public LeadHistoryGraphType()
    {
        Name = "LeadHistoryEntry";
        Field(e => e.Event).Description("lead-raised, lead-assigned, lead-evidence-updated, verification-started, lead-confirmed, lead-dismissed, lead-collected, lead-closed-as-corrected.");
        Field(e => e.At);
        Field(e => e.By, nullable: true);
        Field(e => e.Summary);
    }
}

public sealed class LeadPageGraphType : ObjectGraphType<LeadPage>
{
    public LeadPageGraphType()
    {
        Name = "LeadPage";
        Field(p => p.TotalCount);
        Field<NonNullGraphType<PageInfoGraphType>>("pageInfo").Resolve(c => new PageInfo(c.Source.HasNextPage, c.Source.EndCursor));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<LeadGraphType>>>>("nodes").Resolve(c => c.Source.Nodes);
    }
}

/// <summary>The histories of a page of leads, fetched in one statement when the first is awaited (one per request).</summary>
public sealed class LeadHistoryLoader(LeadReader leads) : Api.GraphQL.BatchLoader<string, IReadOnlyList<LeadHistoryEntry>>(leads.HistoriesAsync, []);
