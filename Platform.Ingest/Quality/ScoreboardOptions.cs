namespace Platform.Ingest.Quality;

/// <summary>Bounds of a scoreboard request, from the <c>Scoreboard</c> configuration section.</summary>
public sealed class ScoreboardOptions
{
    public const string Section = "Scoreboard";

    /// <summary>The most periods (months) one request may span.</summary>
    public int MaxMonths { get; set; } = 120;

    /// <summary>The earliest year a request may ask for.</summary>
    public int FirstYear { get; set; } = 2000;

    /// <summary>The latest year a request may ask for.</summary>
    public int LastYear { get; set; } = 2100;
}
