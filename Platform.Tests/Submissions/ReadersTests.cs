using System.Text;
using Platform.Api.Auth;
using Platform.Api.Hosting;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Submissions;

/// <summary>
/// Malformed files and files built to exhaust the server end as a rejection that says what to fix, with memory
/// bounded; <c>failed</c> is kept for faults of the platform itself.
/// </summary>
public sealed class ReadersTests
{
    [Fact]
    public async Task The_example_workbook_is_accepted_by_a_fresh_host_that_has_read_no_other_file()
    {
        await using var fresh = new PlatformFactory();
        await ((IAsyncLifetime)fresh).InitializeAsync();
        var regulator = await fresh.ClientForAsync(Roles.Agency, "market-regulator");
        var workbook = await regulator.GetByteArrayAsync("/api/templates/business-registrations/versions/1/example.xlsx");

        var receipt = await regulator.SubmitAsync(workbook, period: "2024-03", mediaType: Spreadsheets.MediaType);
        Assert.Equal((SubmissionStatus.Accepted, 1), (receipt.Status, receipt.RowsAccepted));
    }

    /// <summary>
    /// The test process is shared: one test registering the code-page provider would make every later .xlsx test pass
    /// whether or not the platform registers it. So the tests take GB18030 from the platform and never register it.
    /// </summary>
    [Fact]
    public void No_test_registers_an_encoding_provider_that_would_hide_a_missing_registration_in_the_platform()
    {
        var registering = Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "Platform.Tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains(nameof(Encoding.RegisterProvider) + "(", StringComparison.Ordinal));
        Assert.Empty(registering);
    }
}
