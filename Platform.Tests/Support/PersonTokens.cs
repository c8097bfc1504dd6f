using Platform.Api.Auth;

namespace Platform.Tests.Support;

/// <summary>A person's access token, got as the web front gets it (<see cref="WebFrontSignIn"/>): people carry office and jurisdiction claims, clients do not.</summary>
public static class PersonTokens
{
    public static async Task<HttpClient> ClientForPersonAsync(this PlatformFactory platform, NewPerson person)
    {
        var signIn = new WebFrontSignIn(platform);
        await signIn.PersonAsync(person);
        return await signIn.ClientAsync(person.Username);
    }
}
