using DistCache.Hosting;

namespace DistCache.Tests.Unit;

public sealed class InputRulesTests
{
    [Fact]
    public void KeysUpTo1024Utf8BytesAreAccepted()
    {
        CacheLimits.ValidateKey(new string('a', 1024));
        CacheLimits.ValidateKey(new string('€', 341)); // 3 bytes each: 1023
    }

    [Theory]
    [InlineData(1025, 'a', 1025)]
    [InlineData(342, '€', 1026)]
    public void KeysOver1024Utf8BytesAreRejectedWithTheirSize(int length, char c, int bytes)
    {
        var error = Assert.Throws<ArgumentException>(() => CacheLimits.ValidateKey(new string(c, length)));
        Assert.Equal("key", error.ParamName);
        Assert.Contains($"{bytes} bytes", error.Message);
    }

    [Fact]
    public void EmptyAndNullKeysAreRejected()
    {
        Assert.Equal("key", Assert.Throws<ArgumentException>(() => CacheLimits.ValidateKey("")).ParamName);
        Assert.Throws<ArgumentNullException>(() => CacheLimits.ValidateKey(null));
    }

    [Fact]
    public void ValuesOverTheLimitAreRejectedWithTheirSize()
    {
        CacheLimits.ValidateValue("k", new byte[100], 100);
        var error = Assert.Throws<ArgumentException>(() => CacheLimits.ValidateValue("k", new byte[101], 100));
        Assert.Contains("101 bytes", error.Message);
        Assert.Contains("limit is 100", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NonPositiveTimeToLiveIsRejected(int seconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CacheLimits.ValidateTimeToLive(TimeSpan.FromSeconds(seconds)));
        Assert.Equal(TimeSpan.FromSeconds(seconds), error.ActualValue);
    }

    [Fact]
    public void UnknownConsistencyLevelsAreRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CacheLimits.ValidateConsistency((ConsistencyLevel)7));

    [Fact]
    public void DefaultOptionsAreValid() =>
        Assert.True(new DistCacheOptionsValidator().Validate(null, new DistCacheOptions()).Succeeded);

    [Fact]
    public void EveryBadSettingIsReportedByName()
    {
        var result = new DistCacheOptionsValidator().Validate(null, new DistCacheOptions
        {
            ReplicationFactor = 0,
            HeartbeatTimeout = TimeSpan.FromSeconds(1),
            HeartbeatInterval = TimeSpan.FromSeconds(2),
            NodeCapacityBytes = 10,
            DataPort = 70000,
        });

        Assert.True(result.Failed);
        Assert.Contains("DistCache:ReplicationFactor is 0", result.FailureMessage);
        Assert.Contains("DistCache:HeartbeatTimeout is 00:00:01", result.FailureMessage);
        Assert.Contains("DistCache:NodeCapacityBytes is 10", result.FailureMessage);
        Assert.Contains("DistCache:DataPort is 70000", result.FailureMessage);
    }
}
