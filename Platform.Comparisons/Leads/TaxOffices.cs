using Platform.Templates.Checks;

namespace Platform.Comparisons.Leads;

/// <summary>A tax office and its jurisdiction, a GB/T 2260 division prefix (<c>511302</c>: Shunqing district).</summary>
public sealed record TaxOffice(string Id, string Name, string Jurisdiction);

/// <summary>
/// The tax offices leads are assigned to (<c>Comparisons:Offices</c>): a lead goes to the office whose jurisdiction is
/// the longest prefix of its county. Without configuration, the demo city Nanchong (5113): its bureau and an office per
/// county-level division.
/// </summary>
public sealed class TaxOffices(IReadOnlyList<TaxOffice> offices)
{
    private static readonly (string Code, string Id)[] NanchongCounties =
    [
        ("511302", "shunqing"), ("511303", "gaoping"), ("511304", "jialing"), ("511321", "nanbu"), ("511322", "yingshan"),
        ("511323", "pengan"), ("511324", "yilong"), ("511325", "xichong"), ("511381", "langzhong"),
    ];

    public static readonly IReadOnlyList<TaxOffice> Demo =
    [
        new("nanchong-bureau", "国家税务总局南充市税务局", "5113"),
        .. NanchongCounties.Select(c => new TaxOffice($"{c.Id}-office", $"国家税务总局南充市{Divisions.Name(c.Code)}税务局", c.Code)),
    ];

    public IReadOnlyList<TaxOffice> All => offices;

    public TaxOffice? Find(string id) => offices.FirstOrDefault(o => o.Id == id);

    /// <summary>The office whose jurisdiction is the longest prefix of <paramref name="county"/>, or null outside every jurisdiction.</summary>
    public TaxOffice? For(string county) => offices
        .Where(o => SubjectDivision.IsWithin(county, o.Jurisdiction))
        .MaxBy(o => o.Jurisdiction.Length);
}
