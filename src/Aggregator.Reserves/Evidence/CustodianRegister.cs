using System.Globalization;
using Aggregator.Chains.Evm.Registry;

namespace Aggregator.Reserves.Evidence;

/// <summary>
/// The custodians the registry's owner registered, as they stood at one time (the window's end, or the
/// read for a point-in-time sweep): a custody statement counts only when its custodian was registered by
/// then and not revoked by then (docs/proofs.md, "Evidence tags").
/// </summary>
public sealed class CustodianRegister(IReadOnlyDictionary<string, RegisteredAttestor> known, DateTimeOffset at)
{
    private readonly Dictionary<string, RegisteredAttestor> _known = new(known, StringComparer.OrdinalIgnoreCase);

    /// <summary>The time the custodians are judged at.</summary>
    public DateTimeOffset At => at;

    /// <summary>Why <paramref name="custodian"/>'s statement does not count at <see cref="At"/>, or null when it does.</summary>
    public string? Refusal(string custodian)
    {
        ArgumentNullException.ThrowIfNull(custodian);
        if (!_known.TryGetValue(custodian, out var registered))
        {
            return $"custodian {custodian} is not registered on the registry";
        }
        if (registered.StandsAt(at))
        {
            return null;
        }
        return registered.RegisteredAt > at
            ? $"custodian {registered.Name} ({custodian}) was registered at {Time(registered.RegisteredAt)}, after {Time(at)}"
            : $"custodian {registered.Name} ({custodian}) was revoked at {Time(registered.RevokedAt!.Value)}, by {Time(at)}";
    }

    /// <summary>The registry's records of <paramref name="custodians"/>, judged at <paramref name="at"/>.</summary>
    public static async Task<CustodianRegister> ReadAsync(SolvencyRegistryClient registry, IEnumerable<string> custodians, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var known = new Dictionary<string, RegisteredAttestor>(StringComparer.OrdinalIgnoreCase);
        foreach (var custodian in custodians.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (await registry.CustodianOfAsync(custodian).ConfigureAwait(false) is { } registered)
            {
                known[custodian] = registered;
            }
        }
        return new CustodianRegister(known, at);
    }

    private static string Time(DateTimeOffset time) =>
        string.Create(CultureInfo.InvariantCulture, $"{time.ToUnixTimeSeconds()} ({time:u})");
}
