using System.Text.RegularExpressions;
using Platform.Templates.Checks;
using Platform.Templates.Schema;

namespace Platform.Templates.Validation;

/// <summary>One field's checks, prepared once: parsed bounds, compiled pattern, enum set, domain format.</summary>
internal sealed class FieldValidator
{
    private readonly string[] missingValues;
    private readonly Cell? minimum;
    private readonly Cell? maximum;
    private readonly Regex? pattern;
    private readonly HashSet<string>? enumValues;
    private readonly (string Zh, string En) expected;

    public FieldValidator(TemplateField field, IReadOnlyList<string> missingValues)
    {
        Field = field;
        this.missingValues = [.. missingValues];
        minimum = Bound(field.Constraints.Minimum) ?? (field.Format == DomainFormat.Money ? new Cell { Kind = CellKind.Number } : null);
        maximum = Bound(field.Constraints.Maximum);
        pattern = field.Constraints.Pattern is { } p
            ? new Regex($"^(?:{p})$", RegexOptions.Compiled | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100))
            : null;
        enumValues = field.Constraints.Enum is { } values ? [.. values.Select(Canonical)] : null;
        expected = FieldParsers.Expected(field.Type);
    }

    public TemplateField Field { get; }

    public bool Matches(string label) =>
        label.Equals(Field.Name, StringComparison.OrdinalIgnoreCase) ||
        label.Equals(Field.Title, StringComparison.Ordinal) ||
        label.Equals(Field.TitleEn, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses and checks one cell; false when it has an error (a warning still returns true).</summary>
    public bool Validate(ReadOnlySpan<char> text, int row, ref Cell cell, List<TemplateError> errors)
    {
        if (IsMissing(text))
        {
            if (!Field.Constraints.Required)
            {
                return true;
            }
            errors.Add(new TemplateError(ErrorCodes.ConstraintError, row, Field.Name, TemplateError.Cut(text),
                $"第{row}行“{Field.Title}”不能为空。",
                $"Row {row}: '{Field.Name}' ({Field.TitleEn}) is required but empty.", Constraint: "required"));
            return false;
        }
        if (!FieldParsers.TryParse(Field.Type, text, ref cell))
        {
            return Fail(errors, ErrorCodes.TypeError, row, text,
                $"第{row}行“{Field.Title}”的值“{TemplateError.Cut(text)}”不是{expected.Zh}。",
                $"Row {row}: '{Field.Name}' ({Field.TitleEn}) is '{TemplateError.Cut(text)}', which is not {expected.En}.");
        }
        return CheckFormat(text, row, ref cell, errors) && CheckConstraints(text, row, in cell, errors);
    }

    private bool IsMissing(ReadOnlySpan<char> text)
    {
        foreach (var missing in missingValues)
        {
            if (text.SequenceEqual(missing))
            {
                return true;
            }
        }
        return false;
    }

    private bool CheckFormat(ReadOnlySpan<char> text, int row, ref Cell cell, List<TemplateError> errors)
    {
        switch (Field.Format)
        {
            case DomainFormat.Uscc:
                switch (Uscc.Check(text))
                {
                    case Uscc.Result.BadStructure:
                        return Fail(errors, ErrorCodes.TypeError, row, text,
                            $"第{row}行“{Field.Title}”的值“{TemplateError.Cut(text)}”不是18位统一社会信用代码（数字和大写字母，不含I、O、Z、S、V）。",
                            $"Row {row}: '{Field.Name}' is '{TemplateError.Cut(text)}', which is not an 18-character unified social credit code (digits and capitals except I, O, Z, S, V).");
                    case Uscc.Result.BadCheckCharacter:
                        var message = (
                            $"第{row}行“{Field.Title}”的值“{text}”校验码不符（应为{Uscc.CheckCharacter(text)}），请核对。",
                            $"Row {row}: '{Field.Name}' is '{text}', whose check character should be {Uscc.CheckCharacter(text)}; check the code.");
                        errors.Add(new TemplateError(ErrorCodes.ConstraintError, row, Field.Name, text.ToString(), message.Item1, message.Item2, Field.UsccCheck));
                        return Field.UsccCheck == Severity.Warning;
                    default:
                        return true;
                }
            case DomainFormat.CnId:
                return ResidentId.Check(text) switch
                {
                    ResidentId.Result.Valid => true,
                    ResidentId.Result.BadCheckCharacter => Fail(errors, ErrorCodes.ConstraintError, row, text,
                        $"第{row}行“{Field.Title}”的身份证号码校验码不符，请核对。",
                        $"Row {row}: '{Field.Name}' is a resident ID number whose check character is wrong; check the number."),
                    ResidentId.Result.BadBirthDate => Fail(errors, ErrorCodes.ConstraintError, row, text,
                        $"第{row}行“{Field.Title}”的身份证号码出生日期无效。",
                        $"Row {row}: '{Field.Name}' is a resident ID number with an impossible birth date."),
                    _ => Fail(errors, ErrorCodes.TypeError, row, text,
                        $"第{row}行“{Field.Title}”的值“{TemplateError.Cut(text)}”不是18位身份证号码。",
                        $"Row {row}: '{Field.Name}' is '{TemplateError.Cut(text)}', which is not an 18-character resident ID number."),
                };
            case DomainFormat.Division:
                return Divisions.IsKnown(text) || Fail(errors, ErrorCodes.ConstraintError, row, text,
                    $"第{row}行“{Field.Title}”的值“{TemplateError.Cut(text)}”不是有效的6位行政区划代码（GB/T 2260）。",
                    $"Row {row}: '{Field.Name}' is '{TemplateError.Cut(text)}', which is not a known 6-digit administrative division code (GB/T 2260).");
            case DomainFormat.Money:
                return cell.Number.Scale <= 2 || decimal.Round(cell.Number, 2) == cell.Number || Fail(errors, ErrorCodes.TypeError, row, text,
                    $"第{row}行“{Field.Title}”的金额“{TemplateError.Cut(text)}”最多保留两位小数。",
                    $"Row {row}: '{Field.Name}' is '{TemplateError.Cut(text)}'; amounts have at most two decimals.");
            case DomainFormat.InvoiceCode:
                return InvoiceNumbers.IsInvoiceCode(text) || Fail(errors, ErrorCodes.TypeError, row, text,
                    $"第{row}行“{Field.Title}”的值“{TemplateError.Cut(text)}”不是10位或12位发票代码。",
                    $"Row {row}: '{Field.Name}' is '{TemplateError.Cut(text)}', which is not a 10- or 12-digit invoice code.");
            case DomainFormat.InvoiceNumber:
                return InvoiceNumbers.IsInvoiceNumber(text) || Fail(errors, ErrorCodes.TypeError, row, text,
                    $"第{row}行“{Field.Title}”的值“{TemplateError.Cut(text)}”不是8位发票号码或20位全电发票号码。",
                    $"Row {row}: '{Field.Name}' is '{TemplateError.Cut(text)}', which is neither an 8-digit invoice number nor a 20-digit fully digital one.");
            default:
                return true;
        }
    }

    private bool CheckConstraints(ReadOnlySpan<char> text, int row, in Cell cell, List<TemplateError> errors)
    {
        var c = Field.Constraints;
        if (c.MinLength is { } minLength && text.Length < minLength)
        {
            return Fail(errors, ErrorCodes.ConstraintError, row, text,
                $"第{row}行“{Field.Title}”长度为{text.Length}，至少应为{minLength}。",
                $"Row {row}: '{Field.Name}' is {text.Length} characters long; at least {minLength} are needed.");
        }
        if (c.MaxLength is { } maxLength && text.Length > maxLength)
        {
            return Fail(errors, ErrorCodes.ConstraintError, row, text,
                $"第{row}行“{Field.Title}”长度为{text.Length}，最多为{maxLength}。",
                $"Row {row}: '{Field.Name}' is {text.Length} characters long; at most {maxLength} are allowed.");
        }
        if (pattern is not null && !pattern.IsMatch(text))
        {
            return Fail(errors, ErrorCodes.ConstraintError, row, text,
                $"第{row}行“{Field.Title}”的值“{TemplateError.Cut(text)}”不符合格式要求 {c.Pattern}。",
                $"Row {row}: '{Field.Name}' is '{TemplateError.Cut(text)}', which does not match the pattern {c.Pattern}.");
        }
        if (enumValues is not null && !enumValues.Contains(cell.ToString()))
        {
            return Fail(errors, ErrorCodes.ConstraintError, row, text,
                $"第{row}行“{Field.Title}”的值“{TemplateError.Cut(text)}”不在允许的取值中：{string.Join("、", c.Enum!)}。",
                $"Row {row}: '{Field.Name}' is '{TemplateError.Cut(text)}'; allowed values are {string.Join(", ", c.Enum!)}.");
        }
        if (minimum is { } min && Compare(cell, min) < 0)
        {
            return Fail(errors, ErrorCodes.ConstraintError, row, text,
                $"第{row}行“{Field.Title}”的值“{TemplateError.Cut(text)}”小于最小值{(c.Minimum ?? "0")}。",
                $"Row {row}: '{Field.Name}' is '{TemplateError.Cut(text)}', below the minimum {(c.Minimum ?? "0")}.");
        }
        if (maximum is { } max && Compare(cell, max) > 0)
        {
            return Fail(errors, ErrorCodes.ConstraintError, row, text,
                $"第{row}行“{Field.Title}”的值“{TemplateError.Cut(text)}”大于最大值{c.Maximum}。",
                $"Row {row}: '{Field.Name}' is '{TemplateError.Cut(text)}', above the maximum {c.Maximum}.");
        }
        return true;
    }

    private static int Compare(in Cell value, in Cell bound) => value.Kind is CellKind.Date or CellKind.Month
        ? value.Date.CompareTo(bound.Date)
        : value.Number.CompareTo(bound.Number);

    private Cell? Bound(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var cell = default(Cell);
        return FieldParsers.TryParse(Field.Type, text, ref cell) ? cell : null;
    }

    /// <summary>Enum values compare as the typed value's canonical text, so 1.50 matches 1.5 in a number field.</summary>
    private string Canonical(string value)
    {
        var cell = default(Cell);
        return FieldParsers.TryParse(Field.Type, value, ref cell) ? cell.ToString() : value;
    }

    private bool Fail(List<TemplateError> errors, string code, int row, ReadOnlySpan<char> value, string message, string messageEn)
    {
        errors.Add(new TemplateError(code, row, Field.Name, TemplateError.Cut(value), message, messageEn));
        return false;
    }
}

/// <summary>Checks one value against one field on its own, outside any file (examples, single look-ups).</summary>
public static class FieldCheck
{
    public static bool IsValid(TemplateField field, string value)
    {
        if (field.Constraints.Pattern is { } pattern && !IsRegex(pattern))
        {
            return false;
        }
        var cell = default(Cell);
        return new FieldValidator(field, [""]).Validate(value.AsSpan().Trim(), 0, ref cell, []);
    }

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
