using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Api.Auth;
using Platform.Api.Hosting;
using Platform.Api.Templates;
using Platform.Ingest.Submissions;
using Platform.Templates.Negotiation;
using Platform.Templates.Schema;
using Platform.Templates.Standard;
using Platform.Tests.Support;

namespace Platform.Tests.Templates;

public sealed class TemplatesApiTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private static async Task<JsonElement> Body(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static JsonObject TableSchema(string id) =>
        TableSchemaJson.ToJson(StandardTemplates.All.Single(t => t.Descriptor.Id == id).Schema);

    [Fact]
    public async Task The_standard_templates_are_listed_active_at_version_1()
    {
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var templates = await analyst.GetFromJsonAsync<List<TemplateView>>("/api/templates", Json);
        Assert.Equal(StandardTemplates.All.Select(t => t.Descriptor.Id).Order(), templates!.Select(t => t.Id).Where(id => StandardTemplates.All.Any(s => s.Descriptor.Id == id)));
        Assert.All(templates!.Where(t => StandardTemplates.All.Any(s => s.Descriptor.Id == t.Id)),
            t => Assert.Equal(VersionStatus.Active, Assert.Single(t.Versions).Status));
    }

    [Fact]
    public async Task A_template_reads_as_json_with_id_kind_agency_title_and_versions()
    {
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        using var response = await analyst.GetAsync("/api/templates/business-registrations");
        var template = await Body(response);
        Assert.Equal("business-registrations", template.GetProperty("id").GetString());
        Assert.Equal("business-registrations", template.GetProperty("kind").GetString());
        Assert.Equal("market-regulator", template.GetProperty("agency").GetString());
        Assert.Equal("企业登记信息", template.GetProperty("title").GetString());
        var version = template.GetProperty("versions")[0];
        Assert.Equal(1, version.GetProperty("version").GetInt32());
        Assert.Equal("active", version.GetProperty("status").GetString());
        Assert.Equal("agreed-by-agency", version.GetProperty("history")[2].GetProperty("step").GetString());
    }

    [Fact]
    public async Task An_agency_sees_only_its_own_templates()
    {
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var templates = await regulator.GetFromJsonAsync<List<TemplateView>>("/api/templates", Json);
        Assert.Equal(["business-registrations"], templates!.Select(t => t.Id));
        using var other = await regulator.GetAsync("/api/templates/vat-declarations");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_version_downloads_as_table_schema_json_header_csv_and_a_valid_example_csv()
    {
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var standard = StandardTemplates.All.Single(t => t.Descriptor.Id == "business-registrations");

        var tableSchema = await regulator.GetStringAsync("/api/templates/business-registrations/versions/1/table-schema");
        var (schema, descriptor) = TableSchemaJson.ReadWithDescriptor(tableSchema);
        Assert.Equal(TableSchemaJson.Write(standard.Schema), TableSchemaJson.Write(schema));
        Assert.Equal(standard.Descriptor, descriptor);

        using var header = await regulator.GetAsync("/api/templates/business-registrations/versions/1/header.csv");
        Assert.Equal("text/csv", header.Content.Headers.ContentType?.MediaType);
        var headerBytes = await header.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), headerBytes[..3]);
        Assert.StartsWith("uscc,name,", Encoding.UTF8.GetString(headerBytes[3..]), StringComparison.Ordinal);

        var example = Encoding.UTF8.GetString((await regulator.GetByteArrayAsync("/api/templates/business-registrations/versions/1/example.csv"))[3..]);
        var lines = example.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var validation = Platform.Templates.Validation.CompiledTemplate.Compile(schema).Begin(lines[0].Split(','));
        Assert.True(validation.ValidateRow(2, new Rows(lines[1].Split(',')), new Platform.Templates.Validation.Cell[schema.Fields.Count], []));

        using var missing = await regulator.GetAsync("/api/templates/business-registrations/versions/9/table-schema");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    public static TheoryData<string> StandardIds => [.. StandardTemplates.All.Select(t => t.Descriptor.Id)];

    [Fact]
    public async Task The_example_workbook_has_chinese_titles_and_keeps_codes_as_text()
    {
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        using var download = await regulator.GetAsync("/api/templates/business-registrations/versions/1/example.xlsx");
        Assert.Equal(Spreadsheets.MediaType, download.Content.Headers.ContentType?.MediaType);
        var sheet = await Files.XlsxCellsAsync(await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("统一社会信用代码", sheet[0][0]);
        Assert.Equal("914403001922038216", sheet[1][0]);
    }

    [Theory]
    [MemberData(nameof(StandardIds))]
    public async Task The_example_workbook_sent_back_for_last_month_is_accepted_without_errors(string id)
    {
        var agency = StandardTemplates.All.Single(t => t.Descriptor.Id == id).Descriptor.Agency;
        var client = await platform.ClientForAsync(Roles.Agency, agency);
        var workbook = await client.GetByteArrayAsync($"/api/templates/{id}/versions/1/example.xlsx");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);

        var receipt = await client.SubmitAsync(workbook, template: id, period: lastMonth, mediaType: Spreadsheets.MediaType);
        Assert.True(receipt.Status == SubmissionStatus.Accepted,
            string.Join("; ", (await client.ErrorsAsync(receipt.Id)).Select(e => e.MessageEn)) + receipt.ReasonEn);
        Assert.Equal((1, 0), (receipt.RowsAccepted, receipt.RowsRejected));
    }

    [Fact]
    public async Task The_example_file_describes_one_coherent_record_of_last_month()
    {
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var example = Encoding.UTF8.GetString((await regulator.GetByteArrayAsync("/api/templates/business-registrations/versions/1/example.csv"))[3..]);
        var lines = example.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var row = lines[0].Split(',').Zip(lines[1].Split(',')).ToDictionary(p => p.First, p => p.Second);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);

        Assert.Equal("存续", row["status"]);
        Assert.Equal("", row["deregistered"]); // a business still in existence has no deregistration date
        Assert.Equal(lastMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture), row["period"]);
        var established = DateOnly.ParseExact(row["established"], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal((lastMonth.Year, lastMonth.Month), (established.Year, established.Month));
        Assert.True(DateOnly.ParseExact(row["changed"], "yyyy-MM-dd", CultureInfo.InvariantCulture) >= established);
    }

    [Fact]
    public async Task A_clerk_checks_a_file_before_sending_it_and_nothing_is_kept()
    {
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var before = await Kept.ByAsync(platform);
        var rows = new[] { Files.Registration(900), Files.Registration(901), Files.Registration(902) };
        rows[1][4] = "2015/06/01";
        using var content = new ByteArrayContent(Files.Gb18030(Files.Csv(rows)));
        content.Headers.ContentType = new("text/csv");
        using var checkedFile = await regulator.PostAsync("/api/templates/business-registrations/versions/1/check", content);
        var report = (await checkedFile.Content.ReadFromJsonAsync<CheckReport>(SubmissionClient.Json))!;
        Assert.Equal((true, 3, 2, 1, false), (report.HeaderAccepted, report.RowsRead, report.RowsValid, report.Problems, report.Truncated));
        Assert.Equal((3, "established", "type-error"), (report.Lines[0].Row, report.Lines[0].Field, report.Lines[0].Code));

        using var wrongHeader = new ByteArrayContent(Files.Utf8("uscc,名称\r\n91350100M000100Y43,x\r\n"));
        wrongHeader.Headers.ContentType = new("text/csv");
        var refused = (await (await regulator.PostAsync("/api/templates/business-registrations/versions/1/check", wrongHeader))
            .Content.ReadFromJsonAsync<CheckReport>(SubmissionClient.Json))!;
        Assert.False(refused.HeaderAccepted);
        Assert.Contains(refused.Lines, l => l.Code == "missing-label");

        using var empty = new ByteArrayContent([]);
        empty.Headers.ContentType = new("text/csv");
        Assert.Equal(HttpStatusCode.UnprocessableEntity,
            (await regulator.PostAsync("/api/templates/business-registrations/versions/1/check", empty)).StatusCode);
        var finance = await platform.ClientForAsync(Roles.Agency, "finance");
        Assert.Equal(HttpStatusCode.NotFound, (await finance.PostAsync("/api/templates/business-registrations/versions/1/check", content)).StatusCode);
        Assert.Equal(before, await Kept.ByAsync(platform));
    }

    [Fact]
    public async Task A_template_is_negotiated_over_rest_from_draft_to_active_and_then_to_a_second_version()
    {
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var admin = await platform.ClientForAsync(Roles.Admin);
        var finance = await platform.ClientForAsync(Roles.Agency, "finance");
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var schema = TableSchema("pharmacy-card-sales");

        using var drafted = await analyst.PostAsJsonAsync("/api/templates",
            new DraftTemplateRequest("supplier-payments", "finance", "supplier-payments", "政府采购支付信息", "Government payments to suppliers", schema, "首次起草"));
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        Assert.Equal("/api/templates/supplier-payments", drafted.Headers.Location?.OriginalString);

        Assert.Equal(HttpStatusCode.OK, (await analyst.PostAsync("/api/templates/supplier-payments/versions/1/propose", null)).StatusCode);
        using var wrongAgency = await regulator.PostAsync("/api/templates/supplier-payments/versions/1/agree", null);
        Assert.Equal(HttpStatusCode.NotFound, wrongAgency.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await finance.PostAsync("/api/templates/supplier-payments/versions/1/agree", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await analyst.PostAsync("/api/templates/supplier-payments/versions/1/agree", null)).StatusCode);
        using var activated = await admin.PostAsync("/api/templates/supplier-payments/versions/1/activate", null);
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        var view = await activated.Content.ReadFromJsonAsync<TemplateView>(Json);
        Assert.Equal(VersionStatus.Active, view!.Versions[0].Status);
        Assert.Equal(["demo-analyst", "demo-analyst", "demo-agency-finance", "demo-analyst", "demo-admin"], view.Versions[0].History.Select(h => h.By));

        var changed = TableSchema("pharmacy-card-sales");
        changed["fields"]!.AsArray().RemoveAt(4);
        using var opened = await analyst.PostAsJsonAsync("/api/templates/supplier-payments/versions", new SchemaChangeRequest(changed, "刷卡笔数无法提供"));
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var diff = await analyst.GetFromJsonAsync<TemplateDiff>("/api/templates/supplier-payments/versions/2/diff?from=1", Json);
        Assert.Equal(["transactions"], diff!.Removed);
        Assert.Empty(diff.Added);

        var graph = await analyst.PostAsJsonAsync("/graphql", new { query = "{ template(id: \"supplier-payments\") { agency versions { version status acceptsSubmissions history { step by } } } }" });
        var versions = (await Body(graph)).GetProperty("data").GetProperty("template").GetProperty("versions");
        Assert.Equal("ACTIVE", versions[0].GetProperty("status").GetString());
        Assert.Equal("DRAFTED", versions[1].GetProperty("status").GetString());
        Assert.True(versions[0].GetProperty("acceptsSubmissions").GetBoolean());
    }

    [Fact]
    public async Task An_illegal_step_is_refused_with_a_problem_detail_that_says_why()
    {
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        using var response = await analyst.PostAsync("/api/templates/vat-declarations/versions/1/propose", null);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await Body(response);
        Assert.Equal("Version 1 of 'vat-declarations' is active; it can be proposed only when it is drafted.", problem.GetProperty("detail").GetString());

        using var revise = await analyst.PostAsJsonAsync("/api/templates/vat-declarations/versions/1/revise",
            new SchemaChangeRequest(TableSchema("vat-declarations"), "tighten"));
        Assert.Equal(HttpStatusCode.Conflict, revise.StatusCode);
    }

    [Fact]
    public async Task Another_agency_s_template_is_answered_as_one_that_does_not_exist()
    {
        var housing = await platform.ClientForAsync(Roles.Agency, "housing-registry");
        using var others = await housing.PostAsJsonAsync("/api/templates/business-registrations/versions/1/revise",
            new SchemaChangeRequest(TableSchema("business-registrations"), "x"));
        using var none = await housing.PostAsJsonAsync("/api/templates/no-such-registrations/versions/1/revise",
            new SchemaChangeRequest(TableSchema("business-registrations"), "x"));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (others.StatusCode, none.StatusCode));
        Assert.Equal((await Body(others)).GetProperty("detail").GetString()!.Replace("business-registrations", "?", StringComparison.Ordinal),
            (await Body(none)).GetProperty("detail").GetString()!.Replace("no-such-registrations", "?", StringComparison.Ordinal));

        // The same with a schema that does not parse: nothing of the request is looked at before the template.
        var broken = TableSchema("business-registrations");
        broken["x-platform"]!["subjectKey"] = "nobody";
        using var othersBroken = await housing.PostAsJsonAsync("/api/templates/business-registrations/versions/1/revise", new SchemaChangeRequest(broken, "x"));
        using var noneBroken = await housing.PostAsJsonAsync("/api/templates/no-such-registrations/versions/1/revise", new SchemaChangeRequest(broken, "x"));
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (othersBroken.StatusCode, noneBroken.StatusCode));
    }

    [Fact]
    public async Task A_draft_with_a_bad_schema_or_an_unknown_agency_is_a_400_saying_what_to_fix()
    {
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var schema = TableSchema("land-transfers");
        schema["x-platform"]!["subjectKey"] = "nobody";
        using var bad = await analyst.PostAsJsonAsync("/api/templates",
            new DraftTemplateRequest("land-v2", "natural-resources", "land", "土地", "Land", schema, null));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("nobody", (await Body(bad)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var unknown = await analyst.PostAsJsonAsync("/api/templates",
            new DraftTemplateRequest("land-v3", "no-such-agency", "land", "土地", "Land", TableSchema("land-transfers"), null));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("no-such-agency", (await Body(unknown)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Fields left out are named, not a 500 from deep inside (attacker review); a nullable one (comment) may be left out.
        using var empty = await analyst.PostAsJsonAsync("/api/templates", new { });
        using var noReason = await analyst.PostAsJsonAsync("/api/templates/land-transfers/versions/1/revise", new { comment = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(["agency", "id", "kind", "tableSchema", "title", "titleEn"],
            (await Body(empty)).GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(["tableSchema"], (await Body(noReason)).GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task Officers_and_leaders_may_read_but_not_negotiate_and_agencies_may_not_draft()
    {
        var officer = await platform.ClientForAsync(Roles.Officer);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/api/templates/land-transfers")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.PostAsync("/api/templates/land-transfers/versions/1/agree", null)).StatusCode);

        var agency = await platform.ClientForAsync(Roles.Agency, "natural-resources");
        using var draft = await agency.PostAsJsonAsync("/api/templates",
            new DraftTemplateRequest("land-v4", "natural-resources", "land", "土地", "Land", TableSchema("land-transfers"), null));
        Assert.Equal(HttpStatusCode.Forbidden, draft.StatusCode);
    }
}
