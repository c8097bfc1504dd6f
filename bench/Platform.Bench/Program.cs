namespace Platform.Bench;

public static class BenchProgram
{
    public static async Task<int> Main(string[] args) => args switch
    {
        ["validate", .. var rest] => await ValidateBench.RunAsync(Options.Rows(rest, 1_000_000)),
        ["ingest", .. var rest] => await IngestBench.RunAsync(Options.Rows(rest, 100_000)),
        ["hostile", .. var rest] => await HostileFilesBench.RunAsync(Options.Rows(rest, 200_000)),
        ["city", .. var rest] => CityBench.Run(rest),
        ["compare", .. var rest] => await CompareBench.RunAsync(rest),
        ["auth", .. var rest] => await AuthBench.RunAsync(rest),
        ["dashboard", .. var rest] => await DashboardBench.RunAsync(rest),
        ["invoices", .. var rest] => await InvoiceBench.RunAsync(rest),
        ["audit", .. var rest] => await AuditBench.RunAsync(rest),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine("usage: ops/bench validate [--rows N] | ingest [--rows N] | hostile [--rows N] | city [--businesses N] [--months N] [--seed N] [--clean] [--out DIR] | compare [--businesses N] [--surcharge-taxpayers N] | auth [--seconds N] | dashboard [--businesses N] [--every N] | invoices [--invoices N] [--seconds N] | audit [--entries N] [--batch N]");
        return 2;
    }
}
