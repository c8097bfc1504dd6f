using Platform.Bench;

return args switch
{
    ["validate", .. var rest] => await ValidateBench.RunAsync(Options.Rows(rest, 1_000_000)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ops/bench validate [--rows N]");
    return 2;
}
