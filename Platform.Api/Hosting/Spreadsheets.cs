using SpreadCheetah;

namespace Platform.Api.Hosting;

/// <summary>
/// .xlsx downloads for clerks, every cell as text: Excel then shows an 18-digit credit code or ID number as written
/// rather than as a rounded number, and a value starting with "=" stays text, never a formula.
/// </summary>
public static class Spreadsheets
{
    public const string MediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static IResult Xlsx(string sheet, IEnumerable<IReadOnlyList<string?>> rows, string fileName) =>
        Results.Stream(async body =>
        {
            // SpreadCheetah streams; a memory copy first keeps the response whole or absent, never a torn file.
            using var file = new MemoryStream();
            await using (var spreadsheet = await Spreadsheet.CreateNewAsync(file, null, CancellationToken.None))
            {
                await spreadsheet.StartWorksheetAsync(sheet, null, CancellationToken.None);
                foreach (var row in rows)
                {
                    await spreadsheet.AddRowAsync([.. row.Select(value => new DataCell(value))], CancellationToken.None);
                }
                await spreadsheet.FinishAsync(CancellationToken.None);
            }
            file.Position = 0;
            await file.CopyToAsync(body);
        }, MediaType, fileName);
}
