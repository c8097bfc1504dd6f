using SpreadCheetah;

namespace Platform.Api.Hosting;

/// <summary>
/// .xlsx downloads for clerks, every cell as text: Excel then shows an 18-digit credit code or ID number as written
/// rather than as a rounded number, and a value starting with "=" stays text, never a formula.
/// </summary>
public static class Spreadsheets
{
    public const string MediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>
    /// A one-sheet workbook written as its rows arrive, to a temporary file that is then sent: memory stays flat however
    /// many rows there are, the response is whole or absent (never a torn workbook), and the zip writer's synchronous
    /// writes go to the file, not to the response.
    /// </summary>
    public static IResult Xlsx(string sheet, IAsyncEnumerable<IReadOnlyList<string?>> rows, string fileName) =>
        Results.Stream(async body =>
        {
            await using var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await using (var spreadsheet = await Spreadsheet.CreateNewAsync(file, null, CancellationToken.None))
            {
                await spreadsheet.StartWorksheetAsync(sheet, null, CancellationToken.None);
                await foreach (var row in rows)
                {
                    await spreadsheet.AddRowAsync([.. row.Select(value => new DataCell(value))], CancellationToken.None);
                }
                await spreadsheet.FinishAsync(CancellationToken.None);
            }
            file.Position = 0;
            await file.CopyToAsync(body);
        }, MediaType, fileName);

    public static IResult Xlsx(string sheet, IEnumerable<IReadOnlyList<string?>> rows, string fileName) => Xlsx(sheet, rows.ToAsyncEnumerable(), fileName);
}
