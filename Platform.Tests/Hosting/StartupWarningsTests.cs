using Platform.Tests.Support;

namespace Platform.Tests.Hosting;

/// <summary>What a host warns of as it starts, so a site's mistake shows in its log before in refusals.</summary>
public sealed class StartupWarningsTests
{
    private const string Category = "Platform.Api.Hosting.StartupTasks";

    [Fact]
    public async Task A_city_that_none_of_the_tax_offices_serves_is_warned_of_at_start()
    {
        await using var chengdu = new PlatformFactory().WithSetting("Platform:Division", "5101");
        await chengdu.InitializeAsync();
        await using var nanchong = new PlatformFactory();
        await nanchong.InitializeAsync();
        _ = (chengdu.Server, nanchong.Server); // the host started: its start-up tasks have run

        Assert.Contains("No tax office serves within the city 5101", chengdu.Logs.Warnings(Category), StringComparison.Ordinal);
        Assert.Contains("shunqing-office (511302)", chengdu.Logs.Warnings(Category), StringComparison.Ordinal);
        Assert.DoesNotContain("No tax office", nanchong.Logs.Warnings(Category), StringComparison.Ordinal);
    }
}
