using System.Net.Http.Json;
using Npgsql;
using Platform.Api.Auth;
using Platform.Api.Taxpayers;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Submissions;

public sealed class SubmissionModesTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private const string Period = "2020-01";

    private async Task<(string? Name, bool Voided)?> Current(int serial)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select record->>'name', voided from platform.standing_record
             where template_id = 'business-registrations' and record_key = $1
            """, connection)
        {
            Parameters = { new() { Value = $"{Files.Uscc(serial)}|{Period}" } }, // the key holds the yearmonth as sent
        };
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.GetBoolean(1)) : null;
    }

    [Fact]
    public async Task New_correct_void_and_replace_change_the_held_records_as_the_crs_model_says()
    {
        var client = await platform.ClientForAsync(Roles.Agency, "market-regulator");

        var created = await client.SubmitAsync(Files.Registrations(3, Period, first: 1), period: Period);
        Assert.Equal(SubmissionStatus.Accepted, created.Status);

        // A held key between two new ones: the batch is refused as a whole, then checked key by key.
        var resent = await client.SubmitAsync(
            Files.Utf8(Files.Csv([Files.Registration(7, Period), Files.Registration(1, Period, name: "重复"), Files.Registration(4, Period)])),
            period: Period);
        Assert.Equal((2, 1), (resent.RowsAccepted, resent.RowsRejected));
        Assert.Equal(("郑州测试商贸有限公司7", false), await Current(7));
        Assert.Equal(("郑州测试商贸有限公司4", false), await Current(4));
        var held = Assert.Single(await client.ErrorsAsync(resent.Id));
        Assert.Contains("mode=correct", held.MessageEn, StringComparison.Ordinal);

        var corrected = await client.SubmitAsync(
            Files.Utf8(Files.Csv([Files.Registration(1, Period, name: "更正后名称"), Files.Registration(99, Period)])), period: Period, mode: "correct");
        Assert.Equal((1, 1), (corrected.RowsAccepted, corrected.RowsRejected));
        Assert.Contains("80002", Assert.Single(await client.ErrorsAsync(corrected.Id)).MessageEn, StringComparison.Ordinal);
        Assert.Equal(("更正后名称1", false), await Current(1));

        var voided = await client.SubmitAsync(Files.Utf8($"uscc,period\r\n{Files.Uscc(2)},{Period}\r\n"), period: Period, mode: "void");
        Assert.Equal(SubmissionStatus.Accepted, voided.Status);
        Assert.True((await Current(2))!.Value.Voided);

        var replaced = await client.SubmitAsync(
            Files.Utf8(Files.Csv([Files.Registration(1, Period, name: "替换"), Files.Registration(5, Period)])), period: Period, mode: "replace");
        Assert.Equal(SubmissionStatus.Accepted, replaced.Status);
        Assert.Equal(("替换1", false), await Current(1));
        Assert.False((await Current(5))!.Value.Voided);
        Assert.True((await Current(3))!.Value.Voided);
        Assert.True((await Current(4))!.Value.Voided);

        var revived = await client.SubmitAsync(Files.Utf8(Files.Csv([Files.Registration(2, Period, name: "恢复"), Files.Registration(6, Period)])),
            period: Period);
        Assert.Equal(SubmissionStatus.Accepted, revived.Status);
        Assert.Equal(("恢复2", false), await Current(2));
        Assert.Equal(false, (await Current(6))?.Voided);

        // The one-household file keeps every version, each in its state.
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        async Task<string[]> States(int serial) =>
            [.. (await analyst.GetFromJsonAsync<TaxpayerRecordPage>($"/api/taxpayers/{Files.Uscc(serial)}/records"))!.Records.Select(r => r.State).Order()];
        Assert.Equal(["current", "superseded", "superseded"], await States(1));
        Assert.Equal(["current", "superseded", "withdrawal"], await States(2));
        Assert.Equal(["voided"], await States(3));
    }
}
