using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Platform.Api.Hosting;

/// <summary>JSON as the platform writes it everywhere (REST and GraphQL).</summary>
public static class PlatformJson
{
    /// <summary>Chinese names and messages stay readable instead of becoming \u escapes.</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);

    /// <summary>Readable Chinese, and enums as kebab-case words (<c>agreed-by-agency</c>) rather than numbers.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.Encoder = Encoder;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
    }
}
