using System.Buffers.Binary;
using System.Text;
using Platform.Ingest.Processing;
using Platform.Ingest.Submissions;
using Platform.Templates.Schema;
using Platform.Templates.Validation;

namespace Platform.Tests.Submissions;

/// <summary>A validated row as its <c>ingest_record</c> row in binary COPY format, read back without a database.</summary>
public sealed class RecordEncoderTests
{
    private const string Uscc = "91410100MA44LEEX3C";

    private static readonly TemplateSchema Schema = new()
    {
        Fields =
        [
            Field("uscc", "统一社会信用代码"), Field("period", "所属期", FieldType.YearMonth), Field("name", "名称"),
            Field("capital", "注册资本", FieldType.Number), Field("active", "存续", FieldType.Boolean), Field("established", "成立日期", FieldType.Date),
        ],
        PrimaryKey = ["uscc", "period"],
        SubjectKey = "uscc",
        PeriodField = "period",
    };

    private static TemplateField Field(string name, string title, FieldType type = FieldType.String) =>
        new() { Name = name, Title = title, TitleEn = name, Type = type };

    private static Submission Received() => Submission.Fold(null, new SubmissionReceived("s1", "market-regulator",
        "business-registrations", 1, "2020-01", SubmissionMode.New, "f.csv", "text/csv", "ab", 10, true, "uploads/s1.upload", null, "demo-agency",
        DateTimeOffset.UnixEpoch));

    private static Cell Text(string text) => new() { Kind = CellKind.Text, Text = text };

    private static Cell Month(int year, int month) => new() { Kind = CellKind.Month, Date = new DateTime(year, month, 1) };

    private static Cell[] Registration(Cell period) =>
    [
        Text(Uscc), period, Text("郑州\"测试\"商贸"), new() { Kind = CellKind.Number, Number = 12.50m }, new() { Kind = CellKind.Boolean, Boolean = true },
        new() { Kind = CellKind.Date, Date = new DateTime(2015, 6, 1) },
    ];

    /// <summary>The fields of one encoded row (null for SQL NULL), after checking its field count.</summary>
    private static byte[]?[] Fields(CopyRows rows, RecordRow record)
    {
        var bytes = rows.Slice(record.Start, record.Length).ToArray();
        Assert.Equal(RecordTables.RecordColumns, BinaryPrimitives.ReadInt16BigEndian(bytes));
        var fields = new byte[]?[RecordTables.RecordColumns];
        var at = 2;
        for (var i = 0; i < fields.Length; i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            at += 4;
            fields[i] = length < 0 ? null : bytes[at..(at += length)];
        }
        Assert.Equal(bytes.Length, at);
        return fields;
    }

    private static string? Utf8(byte[]? field) => field is null ? null : Encoding.UTF8.GetString(field);

    private static byte[]?[] Encode(TemplateSchema schema, Cell[] values, int row = 7)
    {
        using var encoder = new RecordEncoder(schema, Received());
        using var rows = new CopyRows();
        using var typed = new CopyRows();
        return Fields(rows, encoder.Row(row, values, rows, typed));
    }

    [Fact]
    public void A_row_is_its_submission_row_template_period_key_subject_values_and_current_flag()
    {
        var fields = Encode(Schema, Registration(Month(2020, 1)));
        Assert.Equal("s1", Utf8(fields[0]));
        Assert.Equal(7, BinaryPrimitives.ReadInt32BigEndian(fields[1]));
        Assert.Equal("business-registrations", Utf8(fields[2]));
        Assert.Equal(new DateOnly(2020, 1, 1), new DateOnly(2000, 1, 1).AddDays(BinaryPrimitives.ReadInt32BigEndian(fields[3])));
        Assert.Equal(Uscc, Utf8(fields[5]));
        Assert.Equal([1], fields[7]);
    }

    [Fact]
    public void The_record_key_of_a_composite_primary_key_is_its_cells_as_sent_joined_by_a_bar()
    {
        using var encoder = new RecordEncoder(Schema, Received());
        using var rows = new CopyRows();
        using var typed = new CopyRows();
        var record = encoder.Row(7, Registration(Month(2020, 1)), rows, typed);
        Assert.Equal($"{Uscc}|2020-01", record.Key);
        Assert.Equal(record.Key, Utf8(Fields(rows, record)[4]));
    }

    [Fact]
    public void A_template_without_a_primary_key_keys_each_record_by_its_submission_and_row()
    {
        var fields = Encode(Schema with { PrimaryKey = [] }, Registration(Month(2020, 1)), row: 12);
        Assert.Equal("s1:12", Utf8(fields[4]));
    }

    [Fact]
    public void Values_are_a_json_array_in_field_order_with_null_for_missing_cells_and_months_as_yyyy_mm()
    {
        var values = Registration(Month(2020, 1));
        Assert.Equal("""["91410100MA44LEEX3C","2020-01","郑州\"测试\"商贸",12.50,true,"2015-06-01"]""", Utf8(Encode(Schema, values)[6]));

        values[2] = default;
        values[4] = default;
        Assert.Equal("""["91410100MA44LEEX3C","2020-01",null,12.50,null,"2015-06-01"]""", Utf8(Encode(Schema, values)[6]));
    }

    [Fact]
    public void A_row_without_a_period_or_subject_takes_the_submissions_period_and_has_no_subject()
    {
        var values = Registration(default);
        values[0] = default;
        var fields = Encode(Schema with { PrimaryKey = [] }, values);
        Assert.Equal(new DateOnly(2020, 1, 1), new DateOnly(2000, 1, 1).AddDays(BinaryPrimitives.ReadInt32BigEndian(fields[3])));
        Assert.Null(fields[5]);
    }

    [Fact]
    public void Rows_of_a_batch_lie_one_after_another_in_the_buffer()
    {
        using var encoder = new RecordEncoder(Schema, Received());
        using var rows = new CopyRows();
        using var typed = new CopyRows();
        var first = encoder.Row(2, Registration(Month(2020, 1)), rows, typed);
        var second = encoder.Row(3, Registration(Month(2020, 1)), rows, typed);
        Assert.Equal((0, first.End, rows.Position), (first.Start, second.Start, second.End));
        Assert.Equal((0, first.TypedStart + first.TypedLength, typed.Position), (first.TypedStart, second.TypedStart, second.TypedStart + second.TypedLength));
    }

    [Fact]
    public void A_period_cell_of_the_submissions_month_or_an_empty_one_passes_the_period_check()
    {
        using var encoder = new RecordEncoder(Schema, Received());
        var errors = new List<TemplateError>();
        Assert.True(encoder.CheckPeriod(2, Registration(Month(2020, 1)), errors));
        Assert.True(encoder.CheckPeriod(3, Registration(default), errors));
        using var withoutPeriod = new RecordEncoder(Schema with { PeriodField = null }, Received());
        Assert.True(withoutPeriod.CheckPeriod(4, Registration(Month(2019, 12)), errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void A_period_cell_of_another_month_is_a_constraint_error_naming_both_months()
    {
        using var encoder = new RecordEncoder(Schema, Received());
        var errors = new List<TemplateError>();
        Assert.False(encoder.CheckPeriod(5, Registration(Month(2019, 12)), errors));
        var error = Assert.Single(errors);
        Assert.Equal((ErrorCodes.ConstraintError, 5, "period", "2019-12", "period"), (error.Code, error.Row, error.Field, error.Value, error.Constraint));
        Assert.Equal("第5行“所属期”为2019-12，与本次报送的所属期2020-01不一致。", error.Message);
        Assert.Equal("Row 5: 'period' is 2019-12, but this submission is for 2020-01.", error.MessageEn);
    }
}
