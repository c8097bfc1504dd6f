namespace Platform.Api.Auth;

/// <summary>The authorization server's settings, bound from the <c>Tokens</c> section (env: <c>Tokens__Issuer</c>).</summary>
public sealed class TokenOptions
{
    public const string Section = "Tokens";

    /// <summary>
    /// The issuer tokens carry and validation demands, and discovery publishes: the platform's public address, fixed
    /// here so that a request's Host header cannot change it.
    /// </summary>
    public Uri Issuer { get; set; } = new("http://127.0.0.1:5080/");

    /// <summary>How long an access token is valid.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a host trusts what it read of an access token's stored entry (valid, or revoked or gone) before reading it
    /// again (<see cref="TokenStatusCache"/>): a revocation made on this host is refused here at once, one made on another
    /// host as soon as its notification arrives (<see cref="TokenRevocations"/>), and within this bound when it cannot
    /// arrive (this host not listening). Zero reads the entry on every request.
    /// </summary>
    public TimeSpan StatusCacheFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether the host listens for revocations made on other hosts (<see cref="TokenRevocationListener"/>), refusing their
    /// tokens at once instead of within <see cref="StatusCacheFor"/>, which stays the fallback.
    /// </summary>
    public bool ListenForRevocations { get; set; } = true;

    /// <summary>How long a host waits before listening again when its listening connection failed.</summary>
    public TimeSpan ListenRetry { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many tokens' statuses a host remembers at most; beyond it further tokens are read on every request.</summary>
    public int StatusCacheEntries { get; set; } = 100_000;

    /// <summary>
    /// How many validated access tokens a host remembers at most with what they authenticate (<see cref="ValidatedTokens"/>),
    /// each a few kB; a full cache is emptied and refills with the tokens in use.
    /// </summary>
    public int ValidatedTokenEntries { get; set; } = 10_000;

    /// <summary>Stored tokens and authorizations created longer ago than this are deleted once expired, revoked or redeemed.</summary>
    public TimeSpan PruneAfter { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often the stored tokens are pruned.</summary>
    public TimeSpan PruneEvery { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Requests to the token endpoint (and any endpoint under <see cref="CredentialAttempts.Policy"/>) per client address per minute.</summary>
    public int CredentialAttemptsPerMinute { get; set; } = 30;

    /// <summary>
    /// Certificates (PKCS#12 <c>.pfx</c>/<c>.p12</c>, or PEM with the certificate and its private key) whose keys sign
    /// tokens instead of the key generated under the data directory. All of them validate; the one that expires last
    /// signs, so a new certificate is rotated in by listing it beside the old one (README: Tokens and keys).
    /// </summary>
    public IReadOnlyList<string> SigningCertificates { get; set; } = [];

    /// <summary>The password of the signing certificates' private keys, if any; from the environment, never appsettings.</summary>
    public string? SigningCertificatePassword { get; set; }

    /// <summary>An endpoint's public address: a relative one under the issuer (which is taken as a folder).</summary>
    public Uri Endpoint(Uri endpoint) =>
        endpoint.IsAbsoluteUri ? endpoint : new Uri(new Uri(Issuer.AbsoluteUri.TrimEnd('/') + "/"), endpoint);

    /// <summary>The options as configured, for wiring done before the container is built.</summary>
    public static TokenOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<TokenOptions>() ?? new TokenOptions();
}
