using Platform.Api.Hosting;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

public sealed class KeyFilesTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Fact]
    public void Keys_and_demo_credentials_are_readable_by_the_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        _ = platform.Server;
        var data = platform.DataDirectory;
        foreach (var file in new[] { Path.Combine(data, "keys", "signing.pem"), Path.Combine(data, "keys", "encryption.pem"), Path.Combine(data, "demo-credentials.json") })
        {
            Assert.Equal((file, OwnerOnly.FileMode), (file, File.GetUnixFileMode(file)));
        }
        foreach (var folder in new[] { Path.Combine(data, "keys"), Path.Combine(data, "keys", "data-protection") })
        {
            Assert.Equal((folder, OwnerOnly.DirectoryMode), (folder, File.GetUnixFileMode(folder)));
        }
        Assert.Empty(Directory.GetFiles(data, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_secret_file_is_replaced_whole_and_keeps_its_mode()
    {
        var folder = TestDirectories.New("owner-only");
        try
        {
            var path = Path.Combine(OwnerOnly.CreateDirectory(folder), "secret.json");
            Assert.True(OwnerOnly.WriteAllText(path, "first"));
            Assert.True(OwnerOnly.WriteAllText(path, "second"));
            Assert.False(OwnerOnly.WriteAllText(path, "third", replace: false));

            Assert.Equal("second", File.ReadAllText(path));
            Assert.Equal([path], Directory.GetFiles(folder));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(OwnerOnly.FileMode, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
