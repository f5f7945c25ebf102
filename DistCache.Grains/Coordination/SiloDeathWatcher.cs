using Microsoft.Extensions.Logging;

namespace DistCache.Coordination;

/// <summary>
/// Forwards Orleans membership's verdicts to the coordinator: when a silo is declared dead its
/// nodes are Failed at once, instead of after the heartbeat timeout. Every silo runs one; the
/// coordinator takes the first report and ignores the rest.
/// </summary>
internal sealed class SiloDeathWatcher(IClusterMembershipService membership, IGrainFactory grains, ILogger<SiloDeathWatcher> logger)
    : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<SiloAddress> _reported = [];
    private Task _watching = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloDeathWatcher), ServiceLifecycleStage.Active, Start, StopAsync);

    public void Dispose() => _stopping.Dispose();

    private Task Start(CancellationToken cancellationToken)
    {
        _watching = Task.Run(() => WatchAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _watching;
    }

    private async Task WatchAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stopping))
            {
                await ReportDeadAsync(snapshot, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task ReportDeadAsync(ClusterMembershipSnapshot snapshot, CancellationToken stopping)
    {
        var coordinator = grains.GetGrain<ICoordinatorGrain>(ICoordinatorGrain.SingletonKey);
        foreach (var member in snapshot.Members.Values)
        {
            if (member.Status != SiloStatus.Dead || _reported.Contains(member.SiloAddress))
            {
                continue;
            }

            // Retry until the coordinator hears it: it may itself be re-activating after that very death.
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    await coordinator.SiloDeadAsync(member.SiloAddress.ToParsableString());
                    _reported.Add(member.SiloAddress);
                    DistCacheLog.SiloDeclaredDead(logger, member.SiloAddress.ToString());
                    break;
                }
                catch (Exception error) when (!stopping.IsCancellationRequested)
                {
                    DistCacheLog.SiloDeathReportFailed(logger, member.SiloAddress.ToString(), error);
                    await Task.Delay(TimeSpan.FromMilliseconds(200), stopping);
                }
            }
        }
    }
}
