using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Tests.Support;

/// <summary>The system clock moved by a shift the test sets; it keeps running from wherever it is put.</summary>
public sealed class TestClock : TimeProvider
{
    private TimeSpan shift;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;

    public void MoveTo(DateTimeOffset now) => shift = now - System.GetUtcNow();
}

/// <summary>The platform with a <see cref="TestClock"/> as its time, for behaviour that depends on the date.</summary>
public class ClockedPlatformFactory : PlatformFactory
{
    public ClockedPlatformFactory()
    {
    }

    private ClockedPlatformFactory(ClockedPlatformFactory other)
        : base(other)
    {
    }

    public TestClock Clock { get; } = new();

    /// <summary>Another host on the same database and data directory, with a clock of its own.</summary>
    public ClockedPlatformFactory SecondHost() => new(this);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}
