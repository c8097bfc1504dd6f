namespace Platform.Comparisons.Rules;

/// <summary>
/// Where a template's typed view of standing records is: <c>platform.standing_&lt;template with underscores&gt;</c>, the
/// contract of <c>IngestRecords.TypedView(templateId)</c>. Written here until the typed views are merged (PLAN.md step 1);
/// then this delegates to ingest's read layer, the one place that names its views.
/// </summary>
public static class TypedViews
{
    public static string Of(string templateId) => $"{Ingest.StoreSchema.Name}.standing_{templateId.Replace('-', '_')}";
}
