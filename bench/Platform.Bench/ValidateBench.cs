using System.Diagnostics;
using System.Globalization;
using System.Text;
using Platform.Ingest.Reading;
using Platform.Templates.Schema;
using Platform.Templates.Validation;
using Sylvan.Data.Csv;

namespace Platform.Bench;

/// <summary>
/// The compiled validator on a generated 20-field file, against the physical reference measured in the same run on
/// the same file: reading every cell with the same CSV reader and doing nothing with it.
/// </summary>
public static class ValidateBench
{
    public static readonly TemplateSchema Schema = new()
    {
        Fields =
        [
            Field("uscc", FieldType.String, DomainFormat.Uscc, required: true),
            Field("name", FieldType.String, maxLength: 100, required: true),
            Field("division", FieldType.String, DomainFormat.Division),
            Field("person", FieldType.String, DomainFormat.CnId),
            Field("period", FieldType.YearMonth, required: true),
            Field("revenue", FieldType.Number, DomainFormat.Money),
            Field("vat", FieldType.Number, DomainFormat.Money),
            Field("surcharge", FieldType.Number, DomainFormat.Money),
            Field("price", FieldType.Number, DomainFormat.Money),
            Field("count", FieldType.Integer),
            Field("staff", FieldType.Integer),
            Field("established", FieldType.Date),
            Field("paid_on", FieldType.Date),
            Field("status", FieldType.String, enumValues: ["存续", "在业", "注销"]),
            Field("active", FieldType.Boolean),
            Field("invoice_code", FieldType.String, DomainFormat.InvoiceCode),
            Field("invoice_number", FieldType.String, DomainFormat.InvoiceNumber),
            Field("address", FieldType.String, maxLength: 200),
            Field("industry", FieldType.String, pattern: "[A-T]?[0-9]{2,4}"),
            Field("remark", FieldType.String),
        ],
        PrimaryKey = ["uscc", "period"],
        SubjectKey = "uscc",
        PeriodField = "period",
    };

    private static TemplateField Field(string name, FieldType type, DomainFormat format = DomainFormat.None, bool required = false,
        int? maxLength = null, string[]? enumValues = null, string? pattern = null) => new()
    {
        Name = name,
        Title = name,
        TitleEn = name,
        Type = type,
        Format = format,
        Example = pattern is null ? null : "F5211",
        Constraints = new FieldConstraints { Required = required, MaxLength = maxLength, Enum = enumValues, Pattern = pattern },
    };

    public static async Task<int> RunAsync(int rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"platform-bench-validate-{rows}.csv");
        if (!File.Exists(path))
        {
            Console.WriteLine($"generating {rows:N0} rows of 20 fields into {path} ...");
            await Generate(path, rows);
        }
        Console.WriteLine($"file: {new FileInfo(path).Length / 1024.0 / 1024.0:F1} MB, {rows:N0} rows, 20 fields");

        ReadOnly(path); // warm both paths once on the same file
        Validate(path, out _);

        var reference = Time(() => ReadOnly(path));
        var accepted = 0;
        var validator = Time(() => Validate(path, out accepted));
        var referenceRate = rows / reference.TotalSeconds;
        var validatorRate = rows / validator.TotalSeconds;
        var peak = Options.PeakRssMb();

        Console.WriteLine($"read every cell (reference): {referenceRate,12:N0} rows/s  ({reference.TotalSeconds:F2} s)");
        Console.WriteLine($"compiled validator:         {validatorRate,12:N0} rows/s  ({validator.TotalSeconds:F2} s, {accepted:N0} accepted)");
        Console.WriteLine($"ratio validator/reference:  {validatorRate / referenceRate:F2}");
        Console.WriteLine($"peak RSS:                   {peak:F0} MB");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"validate\",\"rows\":{rows},\"rowsPerSec\":{validatorRate:F0},\"readRowsPerSec\":{referenceRate:F0},\"ratio\":{validatorRate / referenceRate:F3},\"peakRssMb\":{peak:F0}}}"));
        return 0;
    }

    private static TimeSpan Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }

    private static void ReadOnly(string path)
    {
        using var reader = CsvDataReader.Create(path);
        var sum = 0;
        while (reader.Read())
        {
            for (var i = 0; i < reader.RowFieldCount; i++)
            {
                sum += reader.GetFieldSpan(i).Length;
            }
        }
        GC.KeepAlive(sum);
    }

    private static void Validate(string path, out int accepted)
    {
        using var reader = CsvDataReader.Create(path);
        var labels = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var validation = CompiledTemplate.Compile(Schema).Begin(labels);
        var rows = new CsvRows(reader);
        var values = new Cell[Schema.Fields.Count];
        var errors = new List<TemplateError>();
        accepted = 0;
        var row = 1;
        while (reader.Read())
        {
            row++;
            if (validation.ValidateRow(row, rows, values, errors))
            {
                accepted++;
            }
            errors.Clear();
        }
    }

    /// <summary>A distinct valid credit code per row: the registering division, a serial number, the check character.</summary>
    private static string Uscc(int serial)
    {
        var first17 = string.Create(CultureInfo.InvariantCulture, $"91410100{serial:D9}");
        return first17 + Platform.Templates.Checks.Uscc.CheckCharacter(first17);
    }

    /// <summary>Plausible rows: valid codes, amounts and dates, with about one row in a hundred carrying an error.</summary>
    private static async Task Generate(string path, int rows)
    {
        string[] divisions = ["410102", "410103", "440300", "110105"];
        var random = new Random(20261130);
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        await writer.WriteLineAsync(string.Join(",", Schema.Fields.Select(f => f.Name)));
        var line = new StringBuilder(256);
        for (var i = 0; i < rows; i++)
        {
            var broken = i % 100 == 99;
            line.Clear()
                .Append(Uscc(i)).Append(',')
                .Append("测试企业").Append(i).Append(',')
                .Append(divisions[i % 4]).Append(',')
                .Append("11010519491231002X").Append(',')
                .Append(2000 + (i / 48 % 25)).Append('-').Append((i / 4 % 12 + 1).ToString("00", CultureInfo.InvariantCulture)).Append(',')
                .Append(random.Next(0, 10_000_000) / 100m).Append(',')
                .Append(random.Next(0, 1_000_000) / 100m).Append(',')
                .Append(broken ? "12.345" : (random.Next(0, 100_000) / 100m).ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(random.Next(0, 100_000_000) / 100m).Append(',')
                .Append(random.Next(0, 1000)).Append(',')
                .Append(random.Next(1, 500)).Append(',')
                .Append("2015-06-").Append((i % 28 + 1).ToString("00", CultureInfo.InvariantCulture)).Append(',')
                .Append("2024-03-15").Append(',')
                .Append(i % 3 == 0 ? "存续" : "在业").Append(',')
                .Append(i % 2 == 0 ? "true" : "false").Append(',')
                .Append("4100191130").Append(',')
                .Append((10_000_000 + i % 90_000_000).ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append("河南省郑州市中原区建设路").Append(i % 1000).Append('号').Append(',')
                .Append("F5211").Append(',')
                .Append(i % 5 == 0 ? "" : "备注");
            await writer.WriteLineAsync(line);
        }
    }
}
