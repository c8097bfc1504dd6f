using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Auth;
using Platform.Ingest.Processing;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Submissions;

/// <summary>
/// A resend of the same request answers with the first receipt, and only then: same agency, template, version, period,
/// mode and bytes, while that receipt is live. Nothing answers for another agency or swallows a different request.
/// </summary>
public sealed class IdempotencyTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private Task<HttpClient> Regulator() => platform.ClientForAsync(Roles.Agency, "market-regulator");

    [Fact]
    public async Task Another_agency_sending_the_same_bytes_never_gets_the_first_agencys_receipt()
    {
        var file = Files.Registrations(2, "2020-01", first: 1100);
        var first = await (await Regulator()).SubmitAsync(file, period: "2020-01");
        Assert.Equal(SubmissionStatus.Accepted, first.Status);

        var finance = await platform.ClientForAsync(Roles.Agency, "finance");
        using var response = await finance.SendAsync(file, period: "2020-01");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(first.Id, body, StringComparison.Ordinal);
        var own = await SubmissionClient.ReceiptOf(response);
        Assert.Equal(("finance", SubmissionStatus.Rejected), (own.Agency, own.Status));
    }

    [Fact]
    public async Task Another_agency_sending_the_bytes_first_does_not_preempt_the_real_upload()
    {
        var file = Files.Registrations(2, "2020-02", first: 1200);
        var finance = await platform.ClientForAsync(Roles.Agency, "finance");
        Assert.Equal(SubmissionStatus.Rejected, (await finance.SubmitAsync(file, period: "2020-02")).Status);

        var regulator = await Regulator();
        using var response = await regulator.SendAsync(file, period: "2020-02");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = await regulator.FinishedAsync((await SubmissionClient.ReceiptOf(response)).Id);
        Assert.Equal(("market-regulator", SubmissionStatus.Accepted, 2), (receipt.Agency, receipt.Status, receipt.RowsAccepted));
    }

    [Fact]
    public async Task The_same_bytes_in_another_mode_are_a_new_submission()
    {
        var client = await Regulator();
        var file = Files.Registrations(2, "2020-03", first: 1300);
        var first = await client.SubmitAsync(file, period: "2020-03");
        using var replace = await client.SendAsync(file, period: "2020-03", mode: "replace");
        Assert.Equal(HttpStatusCode.Accepted, replace.StatusCode);
        var second = await client.FinishedAsync((await SubmissionClient.ReceiptOf(replace)).Id);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal((SubmissionMode.Replace, SubmissionStatus.Accepted, 2), (second.Mode, second.Status, second.RowsAccepted));
    }

    [Fact]
    public async Task A_refused_file_sent_again_is_processed_again()
    {
        var client = await Regulator();
        var file = Files.Utf8("uscc,name\r\n914101000000000011,x\r\n");
        var first = await client.SubmitAsync(file, period: "2020-04", idempotencyKey: "refused-once");
        Assert.Equal(SubmissionStatus.Rejected, first.Status);
        using var again = await client.SendAsync(file, period: "2020-04", idempotencyKey: "refused-once");
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var second = await client.FinishedAsync((await SubmissionClient.ReceiptOf(again)).Id);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(SubmissionStatus.Rejected, second.Status);
    }

    [Fact]
    public async Task A_failed_submission_resent_after_the_fault_is_processed()
    {
        await using var host = new PlatformFactory();
        host.WithSetting("Ingest:RunWorker", "false");
        await ((IAsyncLifetime)host).InitializeAsync();
        var client = await host.ClientForAsync(Roles.Agency, "market-regulator");
        var file = Files.Registrations(2, "2020-05", first: 1500);
        var first = await SubmissionClient.ReceiptOf(await client.SendAsync(file, period: "2020-05"));
        // A platform fault ends the first attempt, as the worker records one ("resend it later").
        await using (var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var submission = (await session.LoadAsync<Submission>(first.Id))!;
            await host.Services.GetRequiredService<SubmissionProcessor>().FinishAsync(submission,
                new SubmissionFailed(first.Id, "The platform could not process this file; resend it later.", DateTimeOffset.UtcNow), default);
        }

        using var again = await client.SendAsync(file, period: "2020-05");
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        await host.Services.GetRequiredService<IngestWorker>().RunOnceAsync(default);
        var second = await client.FinishedAsync((await SubmissionClient.ReceiptOf(again)).Id);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal((SubmissionStatus.Accepted, 2), (second.Status, second.RowsAccepted));
    }

    [Fact]
    public async Task An_idempotency_key_is_the_agencys_own()
    {
        var regulator = await Regulator();
        var first = await SubmissionClient.ReceiptOf(await regulator.SendAsync(Files.Registrations(1, "2020-06", first: 1600), period: "2020-06",
            idempotencyKey: "nightly-job"));
        var finance = await platform.ClientForAsync(Roles.Agency, "finance");
        using var other = await finance.SendAsync(Files.Registrations(1, "2020-06", first: 1601), period: "2020-06", idempotencyKey: "nightly-job");
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        Assert.DoesNotContain(first.Id, await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_idempotency_key_in_another_mode_is_refused_as_a_reused_key()
    {
        var client = await Regulator();
        var file = Files.Registrations(1, "2020-07", first: 1700);
        await client.SubmitAsync(file, period: "2020-07", idempotencyKey: "job-7");
        using var other = await client.SendAsync(file, period: "2020-07", mode: "correct", idempotencyKey: "job-7");
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
    }
}
