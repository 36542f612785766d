using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Host.Bus;

namespace Aggregator.Prover;

/// <summary>
/// What the prover role closes epochs with: where the reserves configuration is (re-read at every close,
/// since ownership signatures name the epoch), where epoch directories go, the commitment's depth and
/// assets, every account with its deposit addresses (whose balances, read by the prover at the
/// liabilities' time, are what the institution owes it), the publisher's key, the registry to publish to
/// (none: the epoch is committed and proved, not published), and how often to close an epoch unasked
/// (never when null).
/// </summary>
public sealed record ProverSettings(
    string ReservesConfigPath,
    string Directory,
    CommitmentParameters Parameters,
    IReadOnlyList<ProverAccount> Accounts,
    string PublisherKeyFile,
    RegistryTarget? Registry,
    TimeSpan? CloseEvery)
{
    /// <summary>
    /// Where the native prover finds CIRCUIT.wasm, .zkey and .vkey.json; null for $AGGREGATOR_KEYS or the
    /// keys installed with the program.
    /// </summary>
    public string? KeysDirectory { get; init; }

    /// <summary>
    /// Whether the prover builds its circuits' window multiples once its keys are loaded (proofs 15 to
    /// 35% faster; for inclusion(20, 4) about 8 s of both cores once and 164 MiB kept).
    /// </summary>
    public bool PrecomputeBases { get; init; } = true;

    /// <summary>
    /// Whether a close proves every account's inclusion into the epoch's inclusion/ folder once published
    /// (about 0.25 s an account on 2 cores: hours for a large book, during which no other close runs).
    /// Off by default: proofs are made on demand, when an account or the api asks.
    /// </summary>
    public bool ProveAllAtClose { get; init; }

    /// <summary>Accounts per batch of the all-accounts proving, which the prover replicas share (docs/operations.md, "Proving every account").</summary>
    public int InclusionBatchAccounts { get; init; } = 256;

    /// <summary>
    /// The windows epochs end when no registry is configured (with one, the publisher's announced windows
    /// are used and these, when set, must equal them).
    /// </summary>
    public EpochWindows? Windows { get; init; }

    /// <summary>How often the registry's record of each published epoch (disputes, co-signatures, missed windows) is read again for the api.</summary>
    public TimeSpan RegistryStatusEvery { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Rows per job when the tree workers build the tree (docs/operations.md, "Tree workers"): a power of
    /// two; null when the prover builds it itself.
    /// </summary>
    public int? TreeJobAccounts { get; init; }

    /// <summary>How long a close waits for its window's end to be final on every chain (and the seed drawable) before giving up.</summary>
    public TimeSpan WindowWait { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The publisher's address, from its key.</summary>
    public string Publisher() => new Nethereum.Web3.Accounts.Account(PublisherKey.ReadKey(PublisherKeyFile)).Address;

    /// <summary>An epoch's directory under <see cref="Directory"/>.</summary>
    public string EpochDirectory(ulong epoch) => Path.Combine(Directory, epoch.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>An account of the institution and the addresses whose balances the institution owes it.</summary>
public sealed record ProverAccount(string Id, IReadOnlyList<(Core.Chains.ChainId Chain, string Address)> Deposits);

/// <summary>A SolvencyRegistry: the node to send through (never printed), the contract's address and its chain (where the seed is drawn).</summary>
public sealed record RegistryTarget(string RpcUrl, string Address, Core.Chains.ChainId Chain);

/// <summary>Windows of <paramref name="Seconds"/> ending at its multiples, each sampled at <paramref name="Samples"/> heights per EVM chain.</summary>
public sealed record EpochWindows(ulong Seconds, int Samples);
