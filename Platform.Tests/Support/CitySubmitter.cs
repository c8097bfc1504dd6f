using Platform.Api.Auth;
using Platform.Api.Submissions;
using Platform.City;

namespace Platform.Tests.Support;

/// <summary>
/// Sends a generated city through the real upload path, as the agencies would: each file to POST /api/submissions
/// with a token of its template's agency (the demo clients), period by period in order (a period's files together,
/// all finished before the next period starts), and returns every receipt.
/// </summary>
public static class CitySubmitter
{
    public sealed record Sent(CityFile File, Receipt Receipt);

    public static async Task<IReadOnlyList<Sent>> SubmitCityAsync(this PlatformFactory platform, GeneratedCity city, int seconds = 120)
    {
        var clients = new Dictionary<string, HttpClient>();
        var sent = new List<Sent>();
        foreach (var period in city.ToCsv().GroupBy(f => f.File.Period))
        {
            var receipts = new List<(CityFile File, HttpClient Client, Receipt Receipt)>();
            foreach (var file in period)
            {
                if (!clients.TryGetValue(file.File.Agency, out var client))
                {
                    clients[file.File.Agency] = client = await platform.ClientForAsync(Roles.Agency, file.File.Agency);
                }
                var response = await client.SendAsync(file.Utf8(), file.File.Template, period: file.File.Period.ToString());
                receipts.Add((file.File, client, await SubmissionClient.ReceiptOf(response)));
            }
            foreach (var (file, client, receipt) in receipts)
            {
                sent.Add(new Sent(file, await client.FinishedAsync(receipt.Id, seconds)));
            }
        }
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
        return sent;
    }
}
