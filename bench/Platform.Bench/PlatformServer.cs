using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Api.Auth;

namespace Platform.Bench;

/// <summary>
/// The platform as deployed: its own process (Platform.Api.dll beside this bench) on a free loopback port, with a data
/// directory of its own, and a client holding the market regulator's token.
/// </summary>
public sealed class PlatformServer : IAsyncDisposable
{
    private readonly DirectoryInfo data;

    private PlatformServer(Process process, DirectoryInfo data, HttpClient client)
    {
        Process = process;
        this.data = data;
        Client = client;
    }

    public Process Process { get; }

    public HttpClient Client { get; }

    /// <summary>The demo credentials the server wrote on its first start (clients and people, with their secrets).</summary>
    public string DemoCredentialsPath => Path.Combine(data.FullName, "demo-credentials.json");

    public static async Task<PlatformServer> StartAsync(string connectionString)
    {
        var data = Directory.CreateTempSubdirectory("platform-bench-data-");
        var process = Start(connectionString, data.FullName, out var baseAddress);
        var server = new PlatformServer(process, data, new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromHours(1) });
        try
        {
            await server.WaitUntilReady();
            server.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.TokenAsync("agency", "market-regulator"));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Sends a file of <paramref name="template"/> (business registrations by default, as the market regulator) for
    /// <paramref name="period"/> with <paramref name="client"/>'s token; returns the submission's id once it is stored.
    /// </summary>
    public async Task<string> UploadAsync(string path, string period, string template = "business-registrations", HttpClient? client = null)
    {
        await using var file = File.OpenRead(path);
        using var content = new StreamContent(file, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var sent = await (client ?? Client).PostAsync($"/api/submissions?template={template}&version=1&period={period}", content);
        sent.EnsureSuccessStatusCode();
        return (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The receipt once the submission is finished (neither received nor validating), read with the sender's <paramref name="client"/>.</summary>
    public async Task<JsonElement> FinalReceiptAsync(string id, int pollMilliseconds = 50, HttpClient? client = null)
    {
        while (true)
        {
            var receipt = await (client ?? Client).GetFromJsonAsync<JsonElement>($"/api/submissions/{id}");
            if (receipt.GetProperty("status").GetString() is not ("received" or "validating"))
            {
                return receipt;
            }
            await Task.Delay(pollMilliseconds);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }
        await Process.WaitForExitAsync();
        Process.Dispose();
        data.Delete(recursive: true);
    }

    private static Process Start(string connectionString, string dataDirectory, out Uri baseAddress)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        baseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Platform.Api.dll"), "--urls", baseAddress.ToString()])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["PLATFORM_DB"] = connectionString,
                ["Platform__DataDirectory"] = dataDirectory,
                ["Platform__ApplySchemaOnStart"] = "true",
                ["Platform__SeedDemoData"] = "true",
                ["Platform__AllowHttp"] = "true",
                // Its own address, so that a browser signs in to pages served here (the web front returns to the issuer).
                ["Tokens__Issuer"] = baseAddress.AbsoluteUri,
                ["Logging__LogLevel__Default"] = "Error",
                ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "None",
                ["Ingest__PollInterval"] = "00:00:00.100",
                // The benchmarks time ingest and runs on their own; rule runs after each acceptance would share the machine with them.
                ["Comparisons__RunAfterAcceptance"] = "false",
            },
        };
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("PLATFORM_SERVER_", StringComparison.Ordinal)))
        {
            start.Environment[name["PLATFORM_SERVER_".Length..]] = Environment.GetEnvironmentVariable(name);
        }
        var server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        return server;
    }

    private async Task WaitUntilReady()
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException("The platform exited during start-up.");
            }
            try
            {
                if ((await Client.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The platform did not become ready in a minute.");
    }

    /// <summary>A client of the same server holding the token of the demo client of <paramref name="role"/> (and <paramref name="agency"/> for the agency role).</summary>
    public async Task<HttpClient> ClientForAsync(string role, string? agency = null)
    {
        var client = new HttpClient { BaseAddress = Client.BaseAddress, Timeout = Client.Timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(role, agency));
        return client;
    }

    /// <summary>An access token of the demo client of <paramref name="role"/> (and <paramref name="agencyId"/> for the agency role).</summary>
    public async Task<string> TokenAsync(string role, string? agencyId)
    {
        var credentials = JsonSerializer.Deserialize<DemoCredentials>(
            await File.ReadAllTextAsync(Path.Combine(data.FullName, "demo-credentials.json")), JsonSerializerOptions.Web)!;
        var agency = credentials.Clients.First(c => c.Role == role && c.Agency == agencyId);
        using var response = await Client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = agency.ClientId,
            ["client_secret"] = agency.ClientSecret,
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }
}
