namespace Platform.Templates.Checks;

/// <summary>
/// Unified Social Credit Code (统一社会信用代码), GB 32100-2015: 18 characters from a 31-letter alphabet (no I, O, Z,
/// S, V); characters 3 to 8 are the registering division's code; the last is a check character computed mod 31.
/// </summary>
public static class Uscc
{
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    public enum Result
    {
        Valid,
        BadStructure,
        BadCheckCharacter,
    }

    public static Result Check(ReadOnlySpan<char> code)
    {
        if (code.Length != 18)
        {
            return Result.BadStructure;
        }
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var value = Alphabet.IndexOf(code[i]);
            if (value < 0 || (i is >= 2 and <= 7 && !char.IsAsciiDigit(code[i])))
            {
                return Result.BadStructure;
            }
            sum += value * Weights[i];
        }
        if (Alphabet.IndexOf(code[17]) < 0)
        {
            return Result.BadStructure;
        }
        return code[17] == CheckCharacter(sum) ? Result.Valid : Result.BadCheckCharacter;
    }

    /// <summary>The check character for the first 17 characters (which must already be valid).</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += Alphabet.IndexOf(first17[i]) * Weights[i];
        }
        return CheckCharacter(sum);
    }

    private static char CheckCharacter(int sum) => Alphabet[(31 - (sum % 31)) % 31];
}
