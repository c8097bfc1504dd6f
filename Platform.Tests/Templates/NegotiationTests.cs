using Platform.Templates.Negotiation;
using Platform.Templates.Schema;
using Platform.Templates.Standard;

namespace Platform.Tests.Templates;

public sealed class NegotiationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Analyst = new("demo-analyst", Side.Bureau);
    private static readonly Actor Regulator = new("demo-agency-market-regulator", Side.Agency, "market-regulator");
    private static readonly Actor Finance = new("demo-agency-finance", Side.Agency, "finance");
    private static readonly TemplateSchema Schema = StandardTemplates.All.Single(t => t.Descriptor.Id == "business-registrations").Schema;
    private static readonly DraftTemplate Draft = new("business-registrations", "market-regulator", "business-registrations", "企业登记信息", "Business registrations", Schema);

    /// <summary>Applies each decision's events to the state, as the event store does, and fails on any refusal.</summary>
    private static Template Run(Template? state, params Func<Template?, Decision>[] steps)
    {
        foreach (var step in steps)
        {
            var decision = step(state);
            Assert.False(decision.Refused, decision.Refusal?.Message);
            state = decision.Events.Aggregate(state, Template.Fold);
        }
        return state!;
    }

    private static Template Active() => Run(null,
        s => Draft.Decide(s, Analyst, Now),
        s => new ProposeTemplate(1).Decide(s, Draft.TemplateId, Analyst, Now),
        s => new AgreeToTemplate(1).Decide(s, Draft.TemplateId, Regulator, Now),
        s => new AgreeToTemplate(1).Decide(s, Draft.TemplateId, Analyst, Now),
        s => new ActivateTemplate(1).Decide(s, Draft.TemplateId, Analyst, Now));

    [Fact]
    public void A_template_goes_from_draft_through_both_agreements_to_active_recording_who_and_when()
    {
        var template = Active();
        var version = template.Version(1)!;
        Assert.Equal(VersionStatus.Active, version.Status);
        Assert.True(version.AcceptsSubmissions);
        Assert.Equal(["drafted", "proposed", "agreed-by-agency", "agreed-by-bureau", "activated"], version.History.Select(h => h.Step));
        Assert.Equal(Regulator.Id, version.History[2].By);
        Assert.All(version.History, h => Assert.Equal(Now, h.At));
    }

    [Fact]
    public void Only_the_templates_own_agency_may_agree_to_it()
    {
        var proposed = Run(null, s => Draft.Decide(s, Analyst, Now), s => new ProposeTemplate(1).Decide(s, Draft.TemplateId, Analyst, Now));
        var refusal = new AgreeToTemplate(1).Decide(proposed, Draft.TemplateId, Finance, Now).Refusal!;
        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
        Assert.Contains("market-regulator", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_agency_may_not_draft_propose_or_activate()
    {
        Assert.Equal(RefusalKind.Forbidden, Draft.Decide(null, Regulator, Now).Refusal!.Kind);
        var drafted = Run(null, s => Draft.Decide(s, Analyst, Now));
        Assert.Equal(RefusalKind.Forbidden, new ProposeTemplate(1).Decide(drafted, Draft.TemplateId, Regulator, Now).Refusal!.Kind);
    }

    [Fact]
    public void Steps_out_of_order_are_refused_with_the_status_and_what_is_allowed()
    {
        var drafted = Run(null, s => Draft.Decide(s, Analyst, Now));
        var agree = new AgreeToTemplate(1).Decide(drafted, Draft.TemplateId, Regulator, Now).Refusal!;
        Assert.Equal(RefusalKind.Conflict, agree.Kind);
        Assert.Equal("Version 1 of 'business-registrations' is drafted; it can be agreed by the agency only when it is proposed.", agree.Message);

        var bureauFirst = Run(drafted, s => new ProposeTemplate(1).Decide(s, Draft.TemplateId, Analyst, Now));
        Assert.Equal(RefusalKind.Conflict, new AgreeToTemplate(1).Decide(bureauFirst, Draft.TemplateId, Analyst, Now).Refusal!.Kind);
        Assert.Equal(RefusalKind.Conflict, new ActivateTemplate(1).Decide(bureauFirst, Draft.TemplateId, Analyst, Now).Refusal!.Kind);
        Assert.Equal(RefusalKind.NotFound, new ProposeTemplate(2).Decide(drafted, Draft.TemplateId, Analyst, Now).Refusal!.Kind);
        Assert.Equal(RefusalKind.NotFound, new ProposeTemplate(1).Decide(null, "nothing", Analyst, Now).Refusal!.Kind);
        Assert.Equal(RefusalKind.Conflict, Draft.Decide(drafted, Analyst, Now).Refusal!.Kind);
    }

    [Fact]
    public void A_revision_needs_a_comment_and_voids_agreement_so_far()
    {
        var agreed = Run(null, s => Draft.Decide(s, Analyst, Now), s => new ProposeTemplate(1).Decide(s, Draft.TemplateId, Analyst, Now),
            s => new AgreeToTemplate(1).Decide(s, Draft.TemplateId, Regulator, Now));
        var shorter = Schema with { Fields = [.. Schema.Fields.Where(f => f.Name != "legal_rep_id")] };
        Assert.Equal(RefusalKind.Invalid, new ReviseTemplate(1, shorter, " ").Decide(agreed, Draft.TemplateId, Regulator, Now).Refusal!.Kind);

        var revised = Run(agreed, s => new ReviseTemplate(1, shorter, "法定代表人身份证号码无法提供").Decide(s, Draft.TemplateId, Regulator, Now));
        var version = revised.Version(1)!;
        Assert.Equal(VersionStatus.Drafted, version.Status);
        Assert.Null(version.Schema.Field("legal_rep_id"));
        Assert.Equal("法定代表人身份证号码无法提供", version.History[^1].Comment);
    }

    [Fact]
    public void A_declined_version_returns_to_draft_with_the_reason()
    {
        var declined = Run(null, s => Draft.Decide(s, Analyst, Now), s => new ProposeTemplate(1).Decide(s, Draft.TemplateId, Analyst, Now),
            s => new DeclineTemplate(1, "注册资本字段无法按月提供").Decide(s, Draft.TemplateId, Regulator, Now));
        Assert.Equal(VersionStatus.Drafted, declined.Version(1)!.Status);
        Assert.Equal("注册资本字段无法按月提供", declined.Version(1)!.History[^1].Comment);
    }

    [Fact]
    public void An_active_version_never_changes_a_change_is_a_new_version_and_activating_it_supersedes_the_old()
    {
        var active = Active();
        var changed = Schema with { Fields = [.. Schema.Fields.Take(Schema.Fields.Count - 1), Schema.Fields[^1] with { Title = "数据期间" }] };
        Assert.Equal(RefusalKind.Conflict, new ReviseTemplate(1, changed, "rename").Decide(active, Draft.TemplateId, Analyst, Now).Refusal!.Kind);

        var two = Run(active, s => new OpenTemplateVersion(changed, "所属期改名").Decide(s, Draft.TemplateId, Analyst, Now));
        Assert.Equal(VersionStatus.Drafted, two.Version(2)!.Status);
        Assert.Equal(TableSchemaJson.Write(Schema), TableSchemaJson.Write(two.Version(1)!.Schema));
        Assert.True(two.Version(1)!.AcceptsSubmissions);
        Assert.Equal(RefusalKind.Conflict, new OpenTemplateVersion(changed, "again").Decide(two, Draft.TemplateId, Analyst, Now).Refusal!.Kind);

        var switched = Run(two,
            s => new ProposeTemplate(2).Decide(s, Draft.TemplateId, Analyst, Now),
            s => new AgreeToTemplate(2).Decide(s, Draft.TemplateId, Regulator, Now),
            s => new AgreeToTemplate(2).Decide(s, Draft.TemplateId, Analyst, Now),
            s => new ActivateTemplate(2).Decide(s, Draft.TemplateId, Analyst, Now));
        Assert.Equal(VersionStatus.Superseded, switched.Version(1)!.Status);
        Assert.False(switched.Version(1)!.AcceptsSubmissions);
        Assert.Equal(2, switched.Active!.Version);
    }

    [Fact]
    public void A_retired_version_accepts_nothing_but_stays_readable()
    {
        var retired = Run(Active(), s => new RetireTemplateVersion(1, "数据改由省级平台交换").Decide(s, Draft.TemplateId, Analyst, Now));
        var version = retired.Version(1)!;
        Assert.Equal(VersionStatus.Retired, version.Status);
        Assert.False(version.AcceptsSubmissions);
        Assert.Equal(TableSchemaJson.Write(Schema), TableSchemaJson.Write(version.Schema));
        Assert.Equal(RefusalKind.Conflict,
            new RetireTemplateVersion(1, "again").Decide(retired, Draft.TemplateId, Analyst, Now).Refusal!.Kind);
    }

    [Fact]
    public void A_draft_with_schema_problems_is_refused_with_them()
    {
        var broken = Draft with { Schema = Schema with { SubjectKey = "nobody" } };
        var refusal = broken.Decide(null, Analyst, Now).Refusal!;
        Assert.Equal(RefusalKind.Invalid, refusal.Kind);
        Assert.Contains("nobody", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_diff_between_versions_lists_added_removed_and_changed_fields()
    {
        var next = Schema with
        {
            Fields = [.. Schema.Fields.Where(f => f.Name != "address").Select(f => f.Name == "name" ? f with { Constraints = f.Constraints with { MaxLength = 100 } } : f),
                new TemplateField { Name = "phone", Title = "联系电话", TitleEn = "Phone" }],
            Schedule = new Schedule(ScheduleKind.Monthly, 20),
        };
        var diff = TemplateDiff.Between(Schema, next);
        Assert.Equal(["phone"], diff.Added);
        Assert.Equal(["address"], diff.Removed);
        var change = Assert.Single(diff.Changed);
        Assert.Equal("name", change.Field);
        Assert.Equal(["maxLength: 200 → 100"], change.Changes);
        Assert.Equal(["schedule: monthly by day 10 → monthly by day 20"], diff.TemplateChanges);
        Assert.True(TemplateDiff.Between(Schema, Schema).IsEmpty);
    }
}
