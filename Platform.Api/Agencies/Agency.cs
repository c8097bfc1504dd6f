namespace Platform.Api.Agencies;

/// <summary>
/// A partner agency (协作部门) that sends data to the tax bureau. <paramref name="Id"/> is a short stable code used in
/// URLs, client credentials and templates, such as <c>market-regulator</c>.
/// </summary>
public sealed record Agency(string Id, string Name, string NameEn);
