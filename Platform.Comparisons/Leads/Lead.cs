using System.Text.Json;

namespace Platform.Comparisons.Leads;

public sealed record LeadRaised(
    string LeadId, string Rule, int RuleVersion, JsonElement Parameters, string Subject, string Period, decimal AmountAtRisk,
    decimal? Base, Evidence Evidence, string Digest, string County, string RunId, DateTimeOffset At);

public sealed record LeadAssigned(string LeadId, string Office, string By, DateTimeOffset At);

/// <summary>A re-run found the open lead's candidate citing other records or another amount: the evidence joins the lead.</summary>
public sealed record LeadEvidenceUpdated(string LeadId, decimal AmountAtRisk, decimal? Base, Evidence Evidence, string Digest, string RunId,
    DateTimeOffset At);

public sealed record VerificationStarted(string LeadId, string By, DateTimeOffset At);

public enum Confirmation
{
    /// <summary>Tax assessed, with the late fee and penalty.</summary>
    TaxAssessed,

    /// <summary>The taxpayer registered for tax (漏征漏管户 brought under management).</summary>
    TaxpayerRegistered,
}

public sealed record LeadConfirmed(string LeadId, Confirmation Kind, decimal Tax, decimal LateFee, decimal Penalty, string By, DateTimeOffset At,
    DateOnly? Deadline = null);

public sealed record LeadDismissed(string LeadId, string Reason, string By, DateTimeOffset At);

public sealed record LeadCollected(string LeadId, decimal TaxPaid, decimal LateFeePaid, decimal PenaltyPaid, DateOnly PaidOn, string By, DateTimeOffset At);

/// <summary>A re-run no longer finds the candidate of an open lead: the data it stood on was corrected away.</summary>
public sealed record LeadClosedAsCorrected(string LeadId, string RunId, DateTimeOffset At);

public enum LeadStatus
{
    Raised,
    Assigned,
    UnderVerification,
    Confirmed,
    Dismissed,
    Collected,
    ClosedAsCorrected,
}

/// <summary>
/// A lead (线索) as it stands: its stream folded by <see cref="Fold"/>, which the decisions and the inline projection
/// (<see cref="LeadProjection"/> into <see cref="LeadTable"/>) share. Its creation and evolution are named <c>Of</c>
/// and <c>With</c>, not Create and Apply, which Marten takes for conventional projection methods.
/// </summary>
public sealed record Lead(
    string Id,
    string Rule,
    int RuleVersion,
    JsonElement Parameters,
    string Subject,
    string Period,
    decimal AmountAtRisk,
    decimal? Base,
    Evidence Evidence,
    string Digest,
    string County,
    LeadStatus Status,
    DateTimeOffset RaisedAt,
    DateTimeOffset UpdatedAt,
    string? Office = null,
    Confirmation? Confirmation = null,
    decimal Tax = 0,
    decimal LateFee = 0,
    decimal Penalty = 0,
    string? DismissedBecause = null,
    decimal TaxPaid = 0,
    decimal LateFeePaid = 0,
    decimal PenaltyPaid = 0,
    DateOnly? PaidOn = null,
    DateOnly? Deadline = null)
{
    /// <summary>Open: a re-run may update its evidence or close it as corrected.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsOpen => Status is LeadStatus.Raised or LeadStatus.Assigned or LeadStatus.UnderVerification;

    /// <summary><see cref="IsOpen"/> as SQL over the document table's duplicated status column.</summary>
    public const string OpenPredicate = "status in ('Raised', 'Assigned', 'UnderVerification')";

    /// <summary>Worked to an end by an officer: not raised again for the same evidence.</summary>
    public const string WorkedPredicate = "status in ('Dismissed', 'Confirmed', 'Collected')";

    public static readonly IReadOnlyList<Type> EventTypes =
    [
        typeof(LeadRaised), typeof(LeadAssigned), typeof(LeadEvidenceUpdated), typeof(VerificationStarted), typeof(LeadConfirmed),
        typeof(LeadDismissed), typeof(LeadCollected), typeof(LeadClosedAsCorrected),
    ];

    public static Lead Of(LeadRaised r) => new(r.LeadId, r.Rule, r.RuleVersion, r.Parameters, r.Subject, r.Period, r.AmountAtRisk, r.Base,
        r.Evidence, r.Digest, r.County, LeadStatus.Raised, r.At, r.At);

    public Lead With(object e) => e switch
    {
        LeadAssigned a => this with { Office = a.Office, Status = Status == LeadStatus.Raised ? LeadStatus.Assigned : Status, UpdatedAt = a.At },
        LeadEvidenceUpdated u => this with { AmountAtRisk = u.AmountAtRisk, Base = u.Base, Evidence = u.Evidence, Digest = u.Digest, UpdatedAt = u.At },
        VerificationStarted v => this with { Status = LeadStatus.UnderVerification, UpdatedAt = v.At },
        LeadConfirmed c => this with
        {
            Status = LeadStatus.Confirmed, Confirmation = c.Kind, Tax = c.Tax, LateFee = c.LateFee, Penalty = c.Penalty, Deadline = c.Deadline,
            UpdatedAt = c.At,
        },
        LeadDismissed d => this with { Status = LeadStatus.Dismissed, DismissedBecause = d.Reason, UpdatedAt = d.At },
        LeadCollected c => this with
        {
            Status = LeadStatus.Collected, TaxPaid = c.TaxPaid, LateFeePaid = c.LateFeePaid, PenaltyPaid = c.PenaltyPaid, PaidOn = c.PaidOn,
            UpdatedAt = c.At,
        },
        LeadClosedAsCorrected c => this with { Status = LeadStatus.ClosedAsCorrected, UpdatedAt = c.At },
        _ => throw new ArgumentException($"{e.GetType().Name} is not a lead event.", nameof(e)),
    };

    /// <summary>The one fold of a lead's events, used by the store's projection and by the decisions.</summary>
    public static Lead Fold(Lead? state, object e) => e is LeadRaised raised ? Of(raised) : state!.With(e);
}
