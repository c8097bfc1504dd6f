namespace Platform.Api.Auth;

/// <summary>
/// The roles of DESIGN.md. Each is an OAuth scope and an authorization policy of the same name:
/// a client is permitted the scope of its role only, and an endpoint names the policies it admits.
/// </summary>
public static class Roles
{
    /// <summary>A partner agency's system or clerk: submits data, reads its own receipts, checks invoices.</summary>
    public const string Agency = "agency";

    /// <summary>A tax-bureau analyst: queries comparisons and leads, tunes rules, assigns leads.</summary>
    public const string Analyst = "analyst";

    /// <summary>A field officer of a county tax office: verifies leads and records outcomes.</summary>
    public const string Officer = "officer";

    /// <summary>Leadership: reads control results (控管成果).</summary>
    public const string Leader = "leader";

    /// <summary>Platform administrator: agencies, credentials, templates, schedules.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Agency, Analyst, Officer, Leader, Admin];

    /// <summary>The data roles another administrator may grant an administrator (<see cref="PlatformUser.Grants"/>).</summary>
    public static readonly IReadOnlyList<string> Grantable = [Analyst];
}

/// <summary>Claims the platform puts into its access tokens beside the standard ones.</summary>
public static class PlatformClaims
{
    /// <summary>The agency code an agency client acts for.</summary>
    public const string Agency = "agency";
}
