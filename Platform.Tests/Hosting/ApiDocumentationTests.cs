using System.Net;
using System.Text.Json;
using Platform.Tests.Support;
using Snapshooter.Xunit;

namespace Platform.Tests.Hosting;

public sealed class ApiDocumentationTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Fact]
    public async Task OpenApi_document_is_served_without_a_token_and_matches_its_snapshot()
    {
        using var response = await platform.CreateClient().GetAsync("/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("paths").TryGetProperty("/api/agencies", out _));
        Snapshot.Match(text);
    }

    [Fact]
    public async Task Swagger_ui_is_served_without_a_token()
    {
        using var response = await platform.CreateClient().GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
