using Marten;
using Microsoft.Extensions.DependencyInjection;
using Platform.Comparisons.Leads;
using Platform.Ingest.Submissions;
using Platform.Templates.Negotiation;
using Platform.Templates.Schema;
using Platform.Templates.Standard;
using Platform.Templates.Validation;
using Platform.Tests.Support;
using Snapshooter;
using Snapshooter.Xunit;

namespace Platform.Tests.Store;

/// <summary>
/// Events are stored forever: each event type's JSON, as the store writes it, is pinned by a snapshot, so a change that
/// would stop stored streams from replaying fails here first. Such a change needs an upcaster (README, "Evolving an event").
/// </summary>
public sealed class StoredEventTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 9, 30, 0, TimeSpan.Zero);

    private static readonly string Schema = TableSchemaJson.Write(new TemplateSchema
    {
        Fields = [new TemplateField { Name = "uscc", Title = "统一社会信用代码", TitleEn = "Unified social credit code", Type = FieldType.String, Format = DomainFormat.Uscc }],
        PrimaryKey = ["uscc"],
        SubjectKey = "uscc",
    });

    public static TheoryData<string> EventTypes() => [.. Examples.Keys];

    private static readonly Dictionary<string, object> Examples = new object[]
    {
        new TemplateDrafted("pharmacy-sales", "medical-insurance", "third-party", "药店刷卡", "Pharmacy card sales", Schema, "demo-analyst", At, "first draft"),
        new TemplateRevised("pharmacy-sales", 1, Schema, "a shorter template", "demo-agency", At),
        new TemplateProposed("pharmacy-sales", 1, "demo-analyst", At),
        new TemplateAgreedByAgency("pharmacy-sales", 1, "demo-agency", At),
        new TemplateAgreedByBureau("pharmacy-sales", 1, "demo-analyst", At),
        new TemplateDeclined("pharmacy-sales", 1, "too many fields", "demo-agency", At),
        new TemplateActivated("pharmacy-sales", 1, "demo-admin", At),
        new TemplateVersionOpened("pharmacy-sales", 2, Schema, "adds the county", "demo-analyst", At),
        new TemplateVersionRetired("pharmacy-sales", 1, "replaced by version 2", "demo-admin", At),
        new SubmissionReceived("0193a", "market-regulator", "business-registrations", 1, "2026-10", SubmissionMode.New, "登记.csv", "text/csv",
            "ab12", 2048, true, "uploads/2026/11/0193a", "nightly-1", "demo-agency", At),
        new SubmissionValidationStarted("0193a", "utf-8", At),
        new RowsChecked("0193a", 1, 2, 5002, 4990, 10, 12, 2, 12, At, 1),
        new SubmissionAccepted("0193a", 5000, 4990, 10, At),
        new SubmissionRejected("0193a", "表头与模板不符", "The header does not match the template",
            [new TemplateError("missing-label", 1, "uscc", null, "缺少列“统一社会信用代码”", "The column 'uscc' is missing")], At),
        new SubmissionFailed("0193a", "The platform could not process this file; resend it later.", At),
        new LeadRaised("01b2c", "surcharge-shortfall", 1, System.Text.Json.JsonDocument.Parse("""{"education":0.03,"tolerance":1.00}""").RootElement,
            "91511302MA6CJ8XK3L", "2026-10", 1234.56m, 24691.20m,
            new Evidence([new CitedRecord("vat-declarations", "0193a", 7, "91511302MA6CJ8XK3L|2026-10", "tax-bureau")],
                System.Text.Json.JsonDocument.Parse("""{"due":740.74,"collected":0}""").RootElement),
            "9e107d9d372bb6826bd81d3542a419d6", "511302", "01b2d", At),
        new LeadAssigned("01b2c", "shunqing-office", "rule:surcharge-shortfall", At),
        new LeadEvidenceUpdated("01b2c", 1300.00m, null, new Evidence([], System.Text.Json.JsonDocument.Parse("{}").RootElement), "e4d909c290d0fb1ca068ffaddf22cbd0",
            "01b2e", At),
        new VerificationStarted("01b2c", "demo-officer", At),
        new LeadConfirmed("01b2c", Confirmation.TaxAssessed, 1234.56m, 61.73m, 617.28m, "demo-officer", At, new DateOnly(2026, 4, 15)),
        new LeadDismissed("01b2c", "已在其他期间申报", "demo-officer", At),
        new LeadCollected("01b2c", 1234.56m, 61.73m, 617.28m, new DateOnly(2026, 11, 30), "demo-officer", At),
        new LeadClosedAsCorrected("01b2c", "01b2f", At),
    }.ToDictionary(e => e.GetType().Name);

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void Each_event_type_is_stored_as_its_snapshot_says(string type)
    {
        var json = platform.Services.GetRequiredService<IDocumentStore>().Options.Serializer().ToJson(Examples[type]);
        Snapshot.Match(json, SnapshotNameExtension.Create(type));
    }

    [Fact]
    public void Every_event_type_the_store_knows_has_an_example()
    {
        var registered = Template.EventTypes.Concat(Submission.EventTypes).Concat(Lead.EventTypes).Select(t => t.Name).Order();
        Assert.Equal(registered, Examples.Keys.Order());
    }

    [Fact]
    public void A_template_folded_from_its_events_has_the_schema_it_was_drafted_with()
    {
        foreach (var standard in StandardTemplates.All)
        {
            var text = TableSchemaJson.Write(standard.Schema);
            var drafted = Template.Fold(null, new TemplateDrafted(standard.Descriptor.Id, "agency", "kind", "标题", "Title", text, "by", At));
            Assert.Equal(text, TableSchemaJson.Write(drafted.Versions[0].Schema));
        }
    }
}
