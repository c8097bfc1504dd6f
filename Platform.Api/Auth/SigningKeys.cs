using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Platform.Api.Hosting;

namespace Platform.Api.Auth;

/// <summary>
/// The authorization server's RSA keys, kept as PEM files under the data directory so that tokens issued
/// before a restart stay valid after it. Created on first use, readable by the owner only.
/// </summary>
public static class SigningKeys
{
    public static RsaSecurityKey LoadOrCreate(string path)
    {
        var rsa = RSA.Create();
        if (!File.Exists(path))
        {
            rsa.KeySize = 2048;
            OwnerOnly.CreateDirectory(Path.GetDirectoryName(path)!);
            if (OwnerOnly.WriteAllText(path, rsa.ExportRSAPrivateKeyPem(), replace: false))
            {
                return new RsaSecurityKey(rsa) { KeyId = KeyId(rsa) };
            }
        }
        // Also when another host on the same data directory wrote the key first: both must use that one.
        rsa.ImportFromPem(File.ReadAllText(path));
        return new RsaSecurityKey(rsa) { KeyId = KeyId(rsa) };
    }

    /// <summary>A stable key id from the public key, so a restart publishes the same <c>kid</c>.</summary>
    private static string KeyId(RSA rsa) =>
        Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportRSAPublicKey()).AsSpan(0, 12).ToArray());
}
