using System.Text.RegularExpressions;
using Aggregator.Core.Errors;

namespace Aggregator.Host.Bus;

/// <summary>
/// Who a broker user is: one user per role instance, named after its role (deploy/broker/permissions.sh):
/// <c>adapter[-NAME]</c>, <c>oracle[-NAME]</c>, <c>engine</c> or <c>engine-INDEX-of-COUNT</c> (named like
/// the partition's queue), <c>prover[-NAME]</c>, <c>operator[-NAME]</c> (the CLI), <c>api[-NAME]</c>, <c>risk[-NAME]</c>, <c>tree-worker[-NAME]</c> and <c>all[-NAME]</c>
/// (every role in one process). The broker validates the <c>user_id</c> of every message against the
/// connection's user, so a consumer learns from it who really sent a message.
/// </summary>
public sealed partial record BusIdentity
{
    public const string Adapter = "adapter";
    public const string Oracle = "oracle";
    public const string Engine = "engine";
    public const string Prover = "prover";
    public const string Operator = "operator";

    /// <summary>The HTTP front door: asks provers for inclusion proofs on callers' behalf.</summary>
    public const string Api = "api";

    /// <summary>The one owner of the insurance fund and the deficits, fed by every engine partition.</summary>
    public const string Risk = "risk";

    /// <summary>Takes jobs of the prover's distributed tree build; says nothing on the bus.</summary>
    public const string TreeWorker = "tree-worker";

    /// <summary>Every role in one process (the demo on RabbitMQ): may say what any role may.</summary>
    public const string All = "all";

    // Longest first: "tree-worker-2" is a tree worker, not a role "tree".
    private static readonly string[] Roles = [TreeWorker, Adapter, Oracle, Engine, Prover, Operator, Api, Risk, All];

    private BusIdentity(string user, string role) => (User, Role) = (user, role);

    /// <summary>The broker user.</summary>
    public string User { get; }

    /// <summary>The role the user is named for.</summary>
    public string Role { get; }

    /// <summary>The identity of a broker user, or null when its name names no role (a message from it is refused).</summary>
    public static BusIdentity? TryParse(string? user)
    {
        if (string.IsNullOrEmpty(user) || !UserName().IsMatch(user))
        {
            return null;
        }
        var role = Roles.FirstOrDefault(r => user == r || user.StartsWith(r + "-", StringComparison.Ordinal));
        if (role is null)
        {
            return null;
        }
        if (role == Engine && EnginePartition.FromQueue(user) is null)
        {
            return null;
        }
        return new BusIdentity(user, role);
    }

    /// <exception cref="InputException">The user names no role.</exception>
    public static BusIdentity Parse(string user, string field) => TryParse(user)
        ?? throw new InputException($"the broker user '{user}' names no role: adapter[-NAME], oracle[-NAME], engine or engine-INDEX-of-COUNT, prover[-NAME], operator[-NAME], api[-NAME], risk[-NAME], tree-worker[-NAME] or all[-NAME]", field: field);

    /// <summary>Whether this user may act as <paramref name="role"/>.</summary>
    public bool Is(string role) => Role == role || Role == All;

    /// <summary>A queue of this process's own (temporary: replay requests, replies), which only this user may read.</summary>
    public string OwnQueue(string purpose) => $"{User}.{purpose}.{Guid.NewGuid():N}";

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex UserName();
}
