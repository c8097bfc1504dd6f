using Platform.Templates.Schema;

namespace Platform.Templates.Standard;

/// <summary>One shipped template: its identity and its first version's schema.</summary>
public sealed record StandardTemplate(TemplateDescriptor Descriptor, TemplateSchema Schema);

/// <summary>
/// The templates shipped as seed data for the data sets of DESIGN.md, kept small enough for an agency to really
/// provide (the source's first lesson). Each is a Table Schema JSON file beside this class.
/// </summary>
public static class StandardTemplates
{
    private static readonly Lazy<IReadOnlyList<StandardTemplate>> Loaded = new(Load);

    public static IReadOnlyList<StandardTemplate> All => Loaded.Value;

    private static List<StandardTemplate> Load()
    {
        var assembly = typeof(StandardTemplates).Assembly;
        return
        [
            .. assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith("standard/", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(name =>
                {
                    using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                    var (schema, descriptor) = TableSchemaJson.ReadWithDescriptor(reader.ReadToEnd());
                    return new StandardTemplate(descriptor ?? throw new TableSchemaException($"{name} names no template."), schema);
                }),
        ];
    }
}
