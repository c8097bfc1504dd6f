using System.Globalization;

namespace Platform.Templates.Checks;

/// <summary>
/// Resident identity number (公民身份号码), GB 11643-1999: 6-digit address code, 8-digit birth date, 3-digit order
/// code and a check character (ISO 7064 MOD 11-2, where 10 is written X).
/// </summary>
public static class ResidentId
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    public enum Result
    {
        Valid,
        BadStructure,
        BadBirthDate,
        BadCheckCharacter,
    }

    public static Result Check(ReadOnlySpan<char> id)
    {
        if (id.Length != 18)
        {
            return Result.BadStructure;
        }
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(id[i]))
            {
                return Result.BadStructure;
            }
            sum += (id[i] - '0') * Weights[i];
        }
        if (!char.IsAsciiDigit(id[17]) && id[17] is not ('X' or 'x'))
        {
            return Result.BadStructure;
        }
        if (!DateOnly.TryParseExact(id.Slice(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return Result.BadBirthDate;
        }
        return char.ToUpperInvariant(id[17]) == CheckCharacters[sum % 11] ? Result.Valid : Result.BadCheckCharacter;
    }

    /// <summary>The check character for the first 17 digits (which must already be digits).</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }
        return CheckCharacters[sum % 11];
    }
}
