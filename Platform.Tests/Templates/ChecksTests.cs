using Platform.Templates.Checks;

namespace Platform.Tests.Templates;

public sealed class ChecksTests
{
    [Theory]
    [InlineData("914403001922038216")] // Huawei Technologies Co., Ltd.
    [InlineData("91440300708461136T")] // Shenzhen Tencent Computer Systems Co., Ltd.
    [InlineData("91330100716105852F")] // Alibaba (China) Co., Ltd.
    [InlineData("91110000802100433B")] // China Petroleum & Chemical Corporation (Sinopec)
    public void Real_unified_social_credit_codes_are_valid(string code) =>
        Assert.Equal(Uscc.Result.Valid, Uscc.Check(code));

    [Fact]
    public void A_wrong_check_character_is_told_apart_from_a_wrong_structure()
    {
        Assert.Equal(Uscc.Result.BadCheckCharacter, Uscc.Check("911100001011596950"));
        Assert.Equal('5', Uscc.CheckCharacter("91110000101159695"));
        Assert.Equal(Uscc.Result.BadStructure, Uscc.Check("91440300708461136"));   // 17 characters
        Assert.Equal(Uscc.Result.BadStructure, Uscc.Check("9144030070846113IT"));  // I is not in the alphabet
        Assert.Equal(Uscc.Result.BadStructure, Uscc.Check("9144A300708461136T"));  // division part must be digits
        Assert.Equal(Uscc.Result.BadStructure, Uscc.Check("91440300708461136t"));  // lower case
    }

    [Theory]
    [InlineData("11010519491231002X", ResidentId.Result.Valid)]      // GB 11643's own example
    [InlineData("440524188001010014", ResidentId.Result.Valid)]      // GB 11643's own example
    [InlineData("11010519491231002x", ResidentId.Result.Valid)]
    [InlineData("110105194912310021", ResidentId.Result.BadCheckCharacter)]
    [InlineData("110105194913310025", ResidentId.Result.BadBirthDate)]
    [InlineData("11010519491231002", ResidentId.Result.BadStructure)]
    [InlineData("1101051949123100AX", ResidentId.Result.BadStructure)]
    public void Resident_id_numbers_are_checked_by_mod_11_2_and_birth_date(string id, ResidentId.Result expected) =>
        Assert.Equal(expected, ResidentId.Check(id));

    [Fact]
    public void Division_codes_come_from_the_shipped_gb_t_2260_list()
    {
        Assert.True(Divisions.IsKnown("410102"));
        Assert.Equal("中原区", Divisions.Name("410102"));
        Assert.Equal("郑州市", Divisions.Name("410100"));
        Assert.Equal("河南省", Divisions.Name("410000"));
        Assert.False(Divisions.IsKnown("419999"));
        Assert.False(Divisions.IsKnown("41010"));
        Assert.False(Divisions.IsKnown("41010a"));
        Assert.True(Divisions.Count > 3000);
    }

    [Theory]
    [InlineData("3200191130", true, false)]
    [InlineData("032001900111", true, false)]
    [InlineData("12345678", false, true)]
    [InlineData("24322000000012345678", false, true)]
    [InlineData("123456789", false, false)]
    [InlineData("12345678a", false, false)]
    public void Invoice_codes_and_numbers_have_their_lengths(string text, bool isCode, bool isNumber)
    {
        Assert.Equal(isCode, InvoiceNumbers.IsInvoiceCode(text));
        Assert.Equal(isNumber, InvoiceNumbers.IsInvoiceNumber(text));
    }

    [Theory]
    [InlineData("91440300708461136T", "440300")] // a USCC: characters 3 to 8
    [InlineData("11010519491231002X", "110105")] // a resident ID: its address code
    [InlineData("91440300708461136A", null)]     // a wrong check character places nothing
    [InlineData("CN-0001", null)]
    public void A_subjects_division_comes_from_its_key(string key, string? division) =>
        Assert.Equal(division, SubjectDivision.FromKey(key));

    [Fact]
    public void A_jurisdiction_is_a_known_province_prefecture_or_county_prefix()
    {
        Assert.True(Divisions.IsKnownPrefix("51"));
        Assert.True(Divisions.IsKnownPrefix("5113"));
        Assert.True(Divisions.IsKnownPrefix("511302"));
        Assert.False(Divisions.IsKnownPrefix("511300")); // the city's own code holds none of its districts
        Assert.False(Divisions.IsKnownPrefix("511"));
        Assert.False(Divisions.IsKnownPrefix("5199"));
        Assert.True(SubjectDivision.IsWithin("511302", "5113"));
        Assert.False(SubjectDivision.IsWithin("511303", "511302"));
        Assert.False(SubjectDivision.IsWithin(null, "5113"));
    }
}
