namespace Platform.Api.Hosting;

/// <summary>The host's own settings, bound from the <c>Platform</c> section (env: <c>Platform__Name</c>).</summary>
public sealed class PlatformOptions
{
    public const string Section = "Platform";

    /// <summary>Where keys, uploads and demo credentials live; relative paths are taken from the working directory.</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>Create or update the database schema when the host starts (Development); otherwise run the <c>migrate</c> command.</summary>
    public bool ApplySchemaOnStart { get; set; }

    /// <summary>Seed demo agencies and one demo client per role on start, writing their secrets to the data directory.</summary>
    public bool SeedDemoData { get; set; }

    /// <summary>With the demo data, send a generated city through the upload path once the platform serves (ops/run; <see cref="DemoCity"/>).</summary>
    public bool SeedDemoCity { get; set; }

    public int DemoCityBusinesses { get; set; } = 2_000;

    public int DemoCityMonths { get; set; } = 12;

    /// <summary>
    /// The GB/T 2260 prefix of the city the platform serves (<c>5113</c>, Nanchong, the source text's pilot city and the
    /// demo's). A person's jurisdiction must lie within it or cover it, and only a person whose jurisdiction covers it
    /// reads a whole submission (its file and error report hold taxpayers of every county).
    /// </summary>
    public string Division { get; set; } = "5113";

    /// <summary>Accept plain HTTP for the token endpoint; only for loopback and tests, TLS terminates in front of the app otherwise.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Browser origins (<c>https://portal.example</c>) allowed to call the API from their pages; none by default.</summary>
    public IReadOnlyList<string> CorsOrigins { get; set; } = [];

    /// <summary>The options as configured, for wiring done before the container is built.</summary>
    public static PlatformOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<PlatformOptions>() ?? new PlatformOptions();

    public string DataPath(params string[] parts) =>
        Path.Combine([Path.GetFullPath(DataDirectory), .. parts]);
}
