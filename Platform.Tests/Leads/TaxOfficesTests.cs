using Platform.Comparisons.Leads;

namespace Platform.Tests.Leads;

public sealed class TaxOfficesTests
{
    private static readonly TaxOffices Demo = new(TaxOffices.Demo);

    [Fact]
    public void A_lead_goes_to_the_office_whose_jurisdiction_is_the_longest_prefix_of_its_county()
    {
        Assert.Equal("shunqing-office", Demo.For("511302")?.Id);
        Assert.Equal("langzhong-office", Demo.For("511381")?.Id);
        Assert.Equal("nanchong-bureau", Demo.For("511399")?.Id);
        Assert.Null(Demo.For("510104"));
    }

    [Fact]
    public void The_demo_city_has_its_bureau_and_an_office_per_county_named_from_the_division_list()
    {
        Assert.Equal(10, Demo.All.Count);
        Assert.Equal("国家税务总局南充市顺庆区税务局", Demo.Find("shunqing-office")?.Name);
        Assert.All(Demo.All, o => Assert.StartsWith("5113", o.Jurisdiction, StringComparison.Ordinal));
    }
}
