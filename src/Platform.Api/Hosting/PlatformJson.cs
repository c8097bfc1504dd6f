using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Platform.Api.Hosting;

/// <summary>JSON as the platform writes it everywhere (REST and GraphQL).</summary>
public static class PlatformJson
{
    /// <summary>Chinese names and messages stay readable instead of becoming \u escapes.</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
}
