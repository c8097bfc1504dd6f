using Platform.Templates.Schema;

namespace Platform.Templates.Negotiation;

public enum VersionStatus
{
    Drafted,
    Proposed,
    AgreedByAgency,
    AgreedByBureau,
    Active,

    /// <summary>A later version became active; this one no longer accepts submissions but stays readable.</summary>
    Superseded,
    Retired,
}

/// <summary>One step of a version's negotiation: what happened, who did it, when, and why where a reason is given.</summary>
public sealed record NegotiationStep(string Step, string By, DateTimeOffset At, string? Comment = null);

public sealed record TemplateVersion(int Version, VersionStatus Status, TemplateSchema Schema, IReadOnlyList<NegotiationStep> History)
{
    public bool AcceptsSubmissions => Status == VersionStatus.Active;

    /// <summary>Still being negotiated: not yet active, superseded or retired.</summary>
    public bool IsPending => Status is VersionStatus.Drafted or VersionStatus.Proposed or VersionStatus.AgreedByAgency or VersionStatus.AgreedByBureau;

    public TemplateVersion Then(VersionStatus status, string step, string by, DateTimeOffset at, string? comment = null) =>
        this with { Status = status, History = [.. History, new NegotiationStep(step, by, at, comment)] };
}

/// <summary>
/// A collection template (采集模板): what one agency agreed to send, as a series of versions, each negotiated from
/// draft to active. Built from its event stream; the id is a short code such as <c>business-registrations</c>.
/// </summary>
public sealed record Template(
    string Id,
    string Agency,
    string Kind,
    string Title,
    string TitleEn,
    IReadOnlyList<TemplateVersion> Versions)
{
    public TemplateVersion? Version(int version) => Versions.FirstOrDefault(v => v.Version == version);

    public TemplateVersion? Pending => Versions.FirstOrDefault(v => v.IsPending);

    public TemplateVersion? Active => Versions.FirstOrDefault(v => v.Status == VersionStatus.Active);

    private static Template Drafted(TemplateDrafted e) => new(e.TemplateId, e.Agency, e.Kind, e.Title, e.TitleEn,
        [new TemplateVersion(1, VersionStatus.Drafted, TableSchemaJson.Read(e.TableSchema), [new NegotiationStep("drafted", e.By, e.At, e.Comment)])]);

    private Template On(TemplateRevised e) =>
        With(e.Version, v => (v with { Schema = TableSchemaJson.Read(e.TableSchema) }).Then(VersionStatus.Drafted, "revised", e.By, e.At, e.Comment));

    private Template On(TemplateProposed e) => With(e.Version, v => v.Then(VersionStatus.Proposed, "proposed", e.By, e.At));

    private Template On(TemplateAgreedByAgency e) =>
        With(e.Version, v => v.Then(VersionStatus.AgreedByAgency, "agreed-by-agency", e.By, e.At));

    private Template On(TemplateAgreedByBureau e) =>
        With(e.Version, v => v.Then(VersionStatus.AgreedByBureau, "agreed-by-bureau", e.By, e.At));

    private Template On(TemplateDeclined e) => With(e.Version, v => v.Then(VersionStatus.Drafted, "declined", e.By, e.At, e.Reason));

    private Template On(TemplateActivated e) => this with
    {
        Versions = [.. Versions.Select(v => v.Version == e.Version
            ? v.Then(VersionStatus.Active, "activated", e.By, e.At)
            : v.Status == VersionStatus.Active ? v.Then(VersionStatus.Superseded, "superseded", e.By, e.At) : v)],
    };

    private Template On(TemplateVersionOpened e) => this with
    {
        Versions = [.. Versions, new TemplateVersion(e.Version, VersionStatus.Drafted, TableSchemaJson.Read(e.TableSchema),
            [new NegotiationStep("drafted", e.By, e.At, e.Comment)])],
    };

    private Template On(TemplateVersionRetired e) => With(e.Version, v => v.Then(VersionStatus.Retired, "retired", e.By, e.At, e.Reason));

    /// <summary>Every event of a template's stream, for the store to register and its projection to subscribe to.</summary>
    public static readonly IReadOnlyList<Type> EventTypes =
    [
        typeof(TemplateDrafted), typeof(TemplateRevised), typeof(TemplateProposed), typeof(TemplateAgreedByAgency), typeof(TemplateAgreedByBureau),
        typeof(TemplateDeclined), typeof(TemplateActivated), typeof(TemplateVersionOpened), typeof(TemplateVersionRetired),
    ];

    /// <summary>
    /// The state after one more event: the one fold that both the pure decisions and the Marten projection use.
    /// (Marten 9 runs conventional Create/Apply methods only through a source generator in assemblies that reference
    /// it; this library stays free of Marten, so its folding is explicit.)
    /// </summary>
    public static Template Fold(Template? state, object e) => e switch
    {
        TemplateDrafted d => Drafted(d),
        TemplateRevised r => state!.On(r),
        TemplateProposed p => state!.On(p),
        TemplateAgreedByAgency a => state!.On(a),
        TemplateAgreedByBureau b => state!.On(b),
        TemplateDeclined d => state!.On(d),
        TemplateActivated a => state!.On(a),
        TemplateVersionOpened o => state!.On(o),
        TemplateVersionRetired r => state!.On(r),
        _ => throw new ArgumentException($"{e.GetType().Name} is not a template event.", nameof(e)),
    };

    private Template With(int version, Func<TemplateVersion, TemplateVersion> change) =>
        this with { Versions = [.. Versions.Select(v => v.Version == version ? change(v) : v)] };
}
