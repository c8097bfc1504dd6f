namespace Platform.Api.Auth;

/// <summary>
/// <c>dotnet Platform.Api.dll admin create --username NAME</c>: the first administrator of an install without demo
/// data. The password comes from <c>PLATFORM_ADMIN_PASSWORD</c>; without it one is generated and printed once.
/// </summary>
public static class CreateAdministrator
{
    public static readonly string[] Command = ["admin", "create"];

    public const string PasswordVariable = "PLATFORM_ADMIN_PASSWORD";

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, string? password, TextWriter output)
    {
        var at = args.ToList().IndexOf("--username");
        if (at < 0 || at + 1 >= args.Count || string.IsNullOrWhiteSpace(args[at + 1]))
        {
            await output.WriteLineAsync("usage: admin create --username NAME   (password from PLATFORM_ADMIN_PASSWORD, else generated)");
            return 2;
        }
        var people = services.GetRequiredService<People>();
        if (await people.FindAsync(args[at + 1], CancellationToken.None) is not null)
        {
            await output.WriteLineAsync($"'{People.Normalize(args[at + 1])}' exists already; nothing changed.");
            return 1;
        }
        var generated = string.IsNullOrEmpty(password);
        password = generated ? DemoClients.NewSecret() : password!;
        var user = await people.SetAsync(new NewPerson(args[at + 1], Roles.Admin), password, CancellationToken.None);
        await output.WriteLineAsync($"Administrator '{user.Username}' can sign in.");
        if (generated)
        {
            await output.WriteLineAsync($"Password (shown once, not stored): {password}");
        }
        return 0;
    }
}
