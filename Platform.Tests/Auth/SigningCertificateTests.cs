using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

public sealed class SigningCertificateTests : IAsyncLifetime
{
    private const string Password = "test-only";
    private readonly string folder = TestDirectories.New("certificates");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_certificate_signs_instead_of_the_generated_key_and_a_second_one_rotates_in_as_the_readme_says()
    {
        var old = WriteCertificate("old.pfx", TimeSpan.FromDays(30));
        var next = WriteCertificate("next.pfx", TimeSpan.FromDays(365));

        await using var before = new PlatformFactory();
        await ((IAsyncLifetime)before).InitializeAsync();
        var signedByOld = await UsingCertificates(before, old.Path).AccessTokenAsync(Roles.Analyst);
        Assert.Equal([old.Certificate], await PublishedAsync(before));
        Assert.False(File.Exists(Path.Combine(before.DataDirectory, "keys", "signing.pem")));

        await using var during = UsingCertificates(before.Restarted(), old.Path, next.Path);
        Assert.Equal(new[] { old.Certificate, next.Certificate }.Order(), (await PublishedAsync(during)).Order());
        Assert.Equal(HttpStatusCode.OK, await MeAsync(during, signedByOld));
        var signedDuring = await during.AccessTokenAsync(Roles.Analyst);

        await using var after = UsingCertificates(before.Restarted(), next.Path);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(after, signedDuring));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(after, signedByOld));
    }

    private static PlatformFactory UsingCertificates(PlatformFactory platform, params string[] paths)
    {
        for (var i = 0; i < paths.Length; i++)
        {
            platform.WithSetting($"Tokens:SigningCertificates:{i}", paths[i]);
        }
        return platform.WithSetting("Tokens:SigningCertificatePassword", Password);
    }

    /// <summary>The certificates of the keys discovery publishes, as base64 DER.</summary>
    private static async Task<List<string>> PublishedAsync(PlatformFactory platform)
    {
        var keys = await platform.CreateClient().GetFromJsonAsync<JsonElement>("/.well-known/jwks");
        return [.. keys.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("x5c")[0].GetString()!)];
    }

    private static async Task<HttpStatusCode> MeAsync(PlatformFactory platform, string token)
    {
        using var response = await platform.ClientWithToken(token).GetAsync("/api/me");
        return response.StatusCode;
    }

    private (string Path, string Certificate) WriteCertificate(string name, TimeSpan validFor)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=platform token signing {name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.Add(validFor));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        return (path, Convert.ToBase64String(certificate.RawData));
    }
}
