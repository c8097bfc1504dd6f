using Platform.Ingest;

namespace Platform.Tests.Store;

/// <summary>How a fault is told apart wherever it is wrapped: the answers over REST and GraphQL depend on it.</summary>
public sealed class DatabaseFaultsTests
{
    [Fact]
    public void A_lost_race_for_a_stream_is_a_concurrent_change_however_deeply_wrapped()
    {
        var lost = new JasperFx.ConcurrencyException("stream L1 moved on", null!);

        Assert.True(DatabaseFaults.IsConcurrentChange(lost));
        Assert.True(DatabaseFaults.IsConcurrentChange(new InvalidOperationException("saving", new AggregateException(lost))));
        Assert.False(DatabaseFaults.IsConcurrentChange(new InvalidOperationException("saving")));
        Assert.False(DatabaseFaults.IsUnstorableText(lost));
    }
}
