using System.Security.Cryptography;
using System.Text;
using Platform.City;
using Platform.Templates.Checks;
using Platform.Templates.Schema;
using Platform.Templates.Standard;
using Platform.Templates.Validation;
using Platform.Tests.Templates;

namespace Platform.Tests.City;

/// <summary>
/// The city generator (issue 11) without a platform: its rows as the templates' own validator sees them, its
/// registrations as monthly increments, its ledger, its determinism and its memory.
/// </summary>
public sealed class CityGeneratorTests
{
    private static readonly CityOptions Options = new() { Businesses = 3_000, LastPeriod = Period.Parse("2026-06"), Months = 12 };

    private static readonly Lazy<(GeneratedCity City, IReadOnlyList<CityCsv> Files)> Planted = new(() =>
    {
        var city = GeneratedCity.Generate(Options);
        return (city, city.ToCsv());
    });

    private static readonly string[] InvoiceStatuses = ["正常", "作废", "红冲"];

    private static IEnumerable<Dictionary<string, string>> Records(IEnumerable<CityCsv> files, string template) =>
        files.Where(f => f.File.Template == template).SelectMany(f => CsvFile.Parse(f.Text).Records);

    [Fact]
    public void Every_generated_row_passes_its_templates_validator_without_a_warning()
    {
        foreach (var file in Planted.Value.Files)
        {
            var schema = StandardTemplates.All.Single(t => t.Descriptor.Id == file.File.Template).Schema;
            var csv = CsvFile.Parse(file.Text);
            var validation = CompiledTemplate.Compile(schema).Begin(csv.Header);
            Assert.True(validation.HeaderAccepted, $"{file.File.RelativePath}: {string.Join(" ", validation.HeaderErrors.Select(e => e.MessageEn))}");
            var values = new Cell[schema.Fields.Count];
            var errors = new List<TemplateError>();
            for (var row = 0; row < csv.Rows.Count; row++)
            {
                validation.ValidateRow(row + 2, new Rows([.. csv.Rows[row]]), values, errors);
                Assert.True(errors.Count == 0, $"{file.File.RelativePath} row {row + 2}: {string.Join(" ", errors.Select(e => e.MessageEn))}");
                Assert.Equal(file.File.Period.ToString(), csv.Rows[row][schema.Fields.ToList().FindIndex(f => f.Name == schema.PeriodField)]);
            }
            Assert.Equal(file.File.Rows, csv.Rows.Count);
        }
    }

    [Fact]
    public void Every_template_is_filled_and_record_keys_are_unique_across_periods()
    {
        var files = Planted.Value.Files;
        Assert.Equal(StandardTemplates.All.Select(t => t.Descriptor.Id).Order(), files.Select(f => f.File.Template).Distinct().Order());
        foreach (var template in StandardTemplates.All.Where(t => !t.Schema.PrimaryKey.Contains(t.Schema.PeriodField!)))
        {
            var keys = Records(files, template.Descriptor.Id).Select(r => string.Join("|", template.Schema.PrimaryKey.Select(k => r[k]))).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
        }
        var land = Records(files, "land-transfers").ToList();
        Assert.Contains(land, r => r["transferor_uscc"] == "");
        Assert.Contains(land, r => r["transferor_uscc"] != "");
        var sellers = Records(files, "property-transactions").Select(r => r["seller_id"]).ToList();
        Assert.Contains(sellers, s => Uscc.Check(s) == Uscc.Result.Valid);
        Assert.Contains(sellers, s => ResidentId.Check(s) == ResidentId.Result.Valid && Uscc.Check(s) != Uscc.Result.Valid);
        Assert.Equal(InvoiceStatuses.Order(), Records(files, "invoices-issued").Select(r => r["status"]).Distinct().Order());
        Assert.All(Records(files, "pharmacy-card-sales"), r => Assert.StartsWith("F525", Records(files, "business-registrations")
            .First(b => b["uscc"] == r["uscc"])["industry"], StringComparison.Ordinal));
    }

    [Fact]
    public void Businesses_are_on_the_citys_real_county_codes_with_valid_usccs()
    {
        var registrations = Records(Planted.Value.Files, "business-registrations").ToList();
        Assert.Equal(Options.Businesses, registrations.Select(r => r["uscc"]).Distinct().Count());
        foreach (var r in registrations)
        {
            Assert.Equal(Uscc.Result.Valid, Uscc.Check(r["uscc"]));
            foreach (var division in new[] { r["uscc"][2..8], r["address_division"] })
            {
                Assert.True(division.StartsWith("5113", StringComparison.Ordinal) && !division.EndsWith("00", StringComparison.Ordinal) &&
                            Divisions.IsKnown(division), division);
            }
            Assert.Equal(ResidentId.Result.Valid, ResidentId.Check(r["legal_rep_id"]));
        }
        Assert.Equal(Divisions.Under("5113").Count - 1, registrations.Select(r => r["address_division"]).Distinct().Count());
    }

    [Fact]
    public void Registrations_are_monthly_increments_a_business_appears_when_established_changed_or_ended()
    {
        var first = Options.FirstPeriod;
        var changes = 0;
        var ends = 0;
        foreach (var business in Records(Planted.Value.Files, "business-registrations").GroupBy(r => r["uscc"]))
        {
            var rows = business.OrderBy(r => r["period"], StringComparer.Ordinal).ToList();
            var established = Period.Of(DateOnly.Parse(rows[0]["established"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal((established < first ? first : established).ToString(), rows[0]["period"]);
            foreach (var row in rows.Skip(1))
            {
                var changed = row["changed"].Length > 0 && row["changed"].StartsWith(row["period"], StringComparison.Ordinal);
                var ended = row["status"] == "吊销" || (row["status"] == "注销" && row["deregistered"].StartsWith(row["period"], StringComparison.Ordinal));
                Assert.True(changed || ended, $"{business.Key} appears in {row["period"]}, neither changed nor ended then");
                changes += changed ? 1 : 0;
                ends += ended ? 1 : 0;
            }
        }
        Assert.True(changes > 20 && ends > 20, $"{changes} changes, {ends} ends");

        foreach (var taxpayer in Records(Planted.Value.Files, "tax-registrations").GroupBy(r => r["uscc"]))
        {
            var rows = taxpayer.OrderBy(r => r["period"], StringComparer.Ordinal).ToList();
            foreach (var (before, row) in rows.Zip(rows.Skip(1)))
            {
                Assert.True(row["status"] != "正常" || (row["name"], row["legal_rep"], row["division"]) != (before["name"], before["legal_rep"], before["division"]),
                    $"{taxpayer.Key} appears at the bureau in {row["period"]} with nothing changed");
            }
        }
    }

    [Fact]
    public void The_ledger_plants_every_rule_at_least_twice_on_subjects_of_their_own()
    {
        var ledger = Planted.Value.City.Ledger;
        Assert.Equal(RuleIds.All.Count * Options.PlantedPerRule, ledger.Count);
        Assert.All(RuleIds.All, rule => Assert.True(ledger.Count(l => l.Rule == rule) >= 2, rule));
        Assert.Equal(ledger.Count, ledger.Select(l => l.Subject).Distinct().Count());
        Assert.All(ledger.Where(l => l.Rule.StartsWith("registry-", StringComparison.Ordinal)), l => Assert.Equal(0m, l.AmountAtRisk));
        Assert.All(ledger.Where(l => !l.Rule.StartsWith("registry-", StringComparison.Ordinal)), l => Assert.True(l.AmountAtRisk > 0, l.ToString()));
        Assert.All(ledger.Where(l => l.Rule == RuleIds.IndustryBurden), l => Assert.Equal(12, l.Period.Month));
        Assert.All(ledger.Where(l => l.Rule == RuleIds.TaxSourceDrop), l => Assert.Equal(Options.LastPeriod, l.Period));
        var registered = Records(Planted.Value.Files, "business-registrations").Select(r => r["uscc"]).ToHashSet();
        Assert.All(ledger, l => Assert.Contains(l.Subject, registered));
    }

    [Fact]
    public void A_planted_unregistered_business_has_no_tax_data_at_all()
    {
        var files = Planted.Value.Files;
        foreach (var lead in Planted.Value.City.Ledger.Where(l => l.Rule == RuleIds.Unregistered && l.Why.StartsWith("registered by", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain(Records(files, "tax-registrations"), r => r["uscc"] == lead.Subject);
            Assert.DoesNotContain(Records(files, "vat-declarations"), r => r["uscc"] == lead.Subject);
            Assert.DoesNotContain(Records(files, "pharmacy-card-sales"), r => r["uscc"] == lead.Subject);
            Assert.DoesNotContain(Records(files, "invoices-issued"), r => r["seller_uscc"] == lead.Subject);
        }
    }

    [Fact]
    public void A_clean_city_plants_nothing_and_pays_surcharges_to_the_cent()
    {
        var city = GeneratedCity.Generate(Options with { PlantDiscrepancies = false, Businesses = 1_000 });
        Assert.Empty(city.Ledger);
        var files = city.ToCsv();
        var registered = Records(files, "tax-registrations").Select(r => r["uscc"]).ToHashSet();
        Assert.All(Records(files, "business-registrations"), r => Assert.Contains(r["uscc"], registered));
        var surcharges = Records(files, "surcharge-collections").ToDictionary(r => (r["uscc"], r["period"]));
        foreach (var vat in Records(files, "vat-declarations"))
        {
            var basis = Money(vat["vat_paid"]) + (vat["consumption_tax_paid"].Length > 0 ? Money(vat["consumption_tax_paid"]) : 0);
            var sur = surcharges[(vat["uscc"], vat["period"])];
            var rate = sur["location"] switch { "市区" => 0.07m, "县城镇" => 0.05m, _ => 0.01m };
            Assert.Equal(Math.Round(basis * rate, 2, MidpointRounding.AwayFromZero), Money(sur["urban_maintenance_tax"]));
            Assert.Equal(Math.Round(basis * 0.03m, 2, MidpointRounding.AwayFromZero), Money(sur["education_surcharge"]));
            Assert.Equal(Math.Round(basis * 0.02m, 2, MidpointRounding.AwayFromZero), Money(sur["local_education_surcharge"]));
        }
    }

    [Fact]
    public void Planting_needs_six_months_and_enough_businesses()
    {
        Assert.Throws<ArgumentException>(() => GeneratedCity.Generate(Options with { Months = 5 }));
        Assert.Throws<ArgumentException>(() => GeneratedCity.Generate(Options with { Businesses = 50 }));
        Assert.Empty(GeneratedCity.Generate(Options with { Months = 1, PlantDiscrepancies = false }).Ledger);
    }

    [Fact]
    public void The_same_seed_gives_the_same_city_and_another_seed_another()
    {
        var options = Options with { Businesses = 500, Months = 6, PlantedPerRule = 2 };
        var once = Digest(GeneratedCity.Generate(options));
        Assert.Equal(once, Digest(GeneratedCity.Generate(options)));
        Assert.NotEqual(once, Digest(GeneratedCity.Generate(options with { Seed = 12 })));
    }

    private static string Digest(GeneratedCity city) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join("\n", city.ToCsv().Select(f => f.File + f.Text)) + string.Join("\n", city.Ledger))));

    [Fact]
    public void Files_are_in_sending_order_each_with_its_templates_agency()
    {
        var files = Planted.Value.Files.Select(f => f.File).ToList();
        Assert.Equal(files.OrderBy(f => f.Period).ToList(), files);
        Assert.All(files, f => Assert.Equal(StandardTemplates.All.Single(t => t.Descriptor.Id == f.Template).Descriptor.Agency, f.Agency));
        Assert.All(files.GroupBy(f => f.Period), month => Assert.Equal(["business-registrations", "tax-registrations"], month.Take(2).Select(f => f.Template)));
    }

    private static decimal Money(string text) => decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A generated CSV file split into its header and rows (the generator quotes nothing it writes).</summary>
internal sealed record CsvFile(IReadOnlyList<string> Header, IReadOnlyList<string[]> Rows)
{
    public IEnumerable<Dictionary<string, string>> Records =>
        Rows.Select(r => Header.Zip(r).ToDictionary(p => p.First, p => p.Second));

    public static CsvFile Parse(string text)
    {
        Assert.DoesNotContain('"', text);
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        return new CsvFile(lines[0].Split(','), [.. lines.Skip(1).Select(l => l.Split(','))]);
    }
}
