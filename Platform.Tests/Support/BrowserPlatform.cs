using System.Net;

namespace Platform.Tests.Support;

/// <summary>
/// The platform served by Kestrel on a real loopback port, for a real browser: the issuer is that address, so the web
/// front's redirect URI (<c>/signed-in</c> under the issuer) and its sign-out address are this server's own.
/// </summary>
public sealed class BrowserPlatform : PlatformFactory
{
    public BrowserPlatform()
    {
        Port = FreePort.Pick();
        WithSetting("Tokens:Issuer", Address.AbsoluteUri);
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Port));
    }

    public int Port { get; }

    /// <summary>Where the platform serves, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        StartServer();
    }
}
