using Npgsql;
using Platform.Comparisons.Rules;
using Platform.Templates.Checks;
using Platform.Tests.Support;

namespace Platform.Tests.Rules;

/// <summary>The rules' SQL functions agree with the C# checks they stand for.</summary>
public sealed class RuleFunctionsTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Theory]
    [InlineData("91511302MA6AXXXX0Y")]
    [InlineData("511302199001011234")]
    [InlineData("11010519491231002X")]
    [InlineData("91410100000000001")]
    [InlineData("")]
    [InlineData("91410100000000001I")]
    public async Task Sql_is_uscc_agrees_with_the_csharp_check(string code)
    {
        _ = platform.Server;
        var keys = new[] { code, Files.Uscc(7), Files.Uscc(123_456) };
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        foreach (var key in keys)
        {
            await using var command = new NpgsqlCommand($"select {RuleFunctions.IsUscc}($1)", connection) { Parameters = { new() { Value = key } } };
            Assert.Equal(Uscc.Check(key) == Uscc.Result.Valid, (bool)(await command.ExecuteScalarAsync())!);
        }
    }
}
