using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;
using Platform.Api.Hosting;

namespace Platform.Api.Auth;

/// <summary>
/// The authorization server's RSA keys, kept as PEM files under the data directory so that tokens issued
/// before a restart stay valid after it. Created on first use, readable by the owner only. In production the
/// signing key comes from certificates instead (<see cref="TokenOptions.SigningCertificates"/>).
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

    /// <summary>A certificate and its private key, from a PKCS#12 file or a PEM file holding both.</summary>
    public static X509Certificate2 LoadCertificate(string path, string? password)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var certificate = extension is ".pfx" or ".p12"
            ? X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet)
            : string.IsNullOrEmpty(password)
                ? X509Certificate2.CreateFromPemFile(path)
                : X509Certificate2.CreateFromEncryptedPemFile(path, password);
        return certificate.HasPrivateKey
            ? certificate
            : throw new InvalidOperationException($"The signing certificate {path} has no private key.");
    }

    /// <summary>A stable key id from the public key, so a restart publishes the same <c>kid</c>.</summary>
    private static string KeyId(RSA rsa) =>
        Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportRSAPublicKey()).AsSpan(0, 12).ToArray());
}
