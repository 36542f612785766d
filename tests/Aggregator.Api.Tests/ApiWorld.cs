using System.Text.Json;
using Aggregator.Api.Access;
using Aggregator.Commitment;
using Aggregator.Composition;
using Aggregator.Host.Bus;
using Aggregator.Prover;
using Aggregator.Testing;

namespace Aggregator.Api.Tests;

/// <summary>
/// An epochs directory as a prover leaves it: the proven epoch published (its manifest records the
/// publication), a later epoch published with other reserves, and one closed but never published; a
/// credential store with alice's, bob's, an expired and a revoked credential; two protocol keys.
/// </summary>
public sealed class ApiWorld : IDisposable
{
    public const ulong Later = ProvenEpochFixture.Epoch + 3600;
    public const ulong Unpublished = ProvenEpochFixture.Epoch + 7200;

    public ApiWorld(ProvenEpochFixture proven)
    {
        ArgumentNullException.ThrowIfNull(proven);
        Workspace = Directory.CreateTempSubdirectory("aggregator-api-").FullName;
        Epochs = Path.Combine(Workspace, "epochs");
        Directory.CreateDirectory(Epochs);
        proven.CopyOfEpoch(EpochDirectory(ProvenEpochFixture.Epoch));
        Published(ProvenEpochFixture.Epoch, block: 12, reserves: null);
        // Two more epochs of the same tree, bound to their own epochs: one published with other reserves,
        // one closed but never published.
        foreach (var epoch in new[] { Later, Unpublished })
        {
            Commitment.EpochDirectory.Write(EpochDirectory(epoch), proven.Tree, EpochSecret.ParseHex(ProvenEpochFixture.SecretHex), epoch,
                PublisherAddress.Parse(ProvenEpochFixture.Publisher), DateTimeOffset.UnixEpoch);
            var manifest = Commitment.EpochDirectory.ReadManifest(EpochDirectory(epoch));
            Commitment.EpochDirectory.UpdateManifest(EpochDirectory(epoch), manifest with
            {
                Reserves = LaterReserves,
                ReservesByEvidence = new(StringComparer.Ordinal)
                {
                    ["key-proven"] = new(StringComparer.Ordinal) { ["BTC"] = "12" },
                    ["custodian-attested"] = new(StringComparer.Ordinal) { ["BTC"] = "0.5" },
                    ["self-declared"] = new(StringComparer.Ordinal) { ["BTC"] = "7" },
                },
            });
        }
        Published(Later, block: 40, reserves: LaterReserves);
        Credentials = Path.Combine(Workspace, "credentials.json");
        var now = DateTimeOffset.UtcNow;
        (Alice, _) = CredentialStore.Change(Credentials, s => s.Issue(ProvenEpochFixture.Account, now, TimeSpan.FromDays(1)));
        (Bob, _) = CredentialStore.Change(Credentials, s => s.Issue("bob@example.com", now, null));
        (Expired, _) = CredentialStore.Change(Credentials, s => s.Issue(ProvenEpochFixture.Account, now - TimeSpan.FromDays(2), TimeSpan.FromDays(1)));
        var (revoked, record) = CredentialStore.Change(Credentials, s => s.Issue(ProvenEpochFixture.Account, now, null));
        Revoked = revoked;
        CredentialStore.Change(Credentials, s => s.Revoke(record.Id, null, now));
        (LenderKey, var lenderHash) = ProtocolKey.Generate();
        (OperatorKey, var operatorHash) = ProtocolKey.Generate();
        Settings = new ApiSettings(new Uri("http://127.0.0.1:0"), Epochs, Path.Combine(Workspace, "cache"), Credentials)
        {
            ProtocolKeys =
            [
                new ProtocolKey("lender", Convert.FromHexString(lenderHash), new HashSet<string> { ProvenEpochFixture.Account }),
                new ProtocolKey("operators", Convert.FromHexString(operatorHash), null),
            ],
        };
    }

    public string Workspace { get; }

    public string Epochs { get; }

    public string Credentials { get; }

    public string Alice { get; }

    public string Bob { get; }

    public string Expired { get; }

    public string Revoked { get; }

    public string LenderKey { get; }

    public string OperatorKey { get; }

    public ApiSettings Settings { get; }

    public string EpochDirectory(ulong epoch) => Path.Combine(Epochs, epoch.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The api alone (no prover: inclusion requests go unanswered).</summary>
    public HostPlan ApiOnly(Func<ApiSettings, ApiSettings>? change = null) =>
        new(BusTransport.InMemory) { Api = change is null ? Settings : change(Settings) };

    /// <summary>The api and a prover on one in-memory bus.</summary>
    public HostPlan WithProver() => new(BusTransport.InMemory)
    {
        Api = Settings,
        Prover = new ProverSettings(Path.Combine(Workspace, "unused-reserves.json"), Epochs,
            new CommitmentParameters(20, [new(new("BTC"), 8), new(new("ETH"), 8), new(new("SOL"), 6), new(new("USDC"), 6)]),
            [], Path.Combine(Workspace, "unused-key"), null, null) { PrecomputeBases = false },
    };

    /// <summary>The later epoch's reserves: 12.5 BTC (proof units 1,250,000,000), 300 ETH, 2,000 SOL, 3,000,000.123456 USDC.</summary>
    public static IReadOnlyList<EpochManifest.ReserveEntry> LaterReserves { get; } =
    [
        new("BTC", "12.5", "1250000000", 10_500), new("ETH", "300", "30000000000", 10_000), new("SOL", "2000", "2000000000", 10_000), new("USDC", "3000000.123456", "3000000123456", 12_000),
    ];

    private void Published(ulong epoch, ulong block, IReadOnlyList<EpochManifest.ReserveEntry>? reserves)
    {
        var target = EpochDirectory(epoch);
        var manifest = Commitment.EpochDirectory.ReadManifest(target);
        Commitment.EpochDirectory.UpdateManifest(target, manifest with
        {
            Reserves = reserves ?? manifest.Reserves,
            Publication = new EpochManifest.PublicationEntry("eip155:31337", "0x5fbdb2315678afecb367f032d93f642f64180aa3", ProvenEpochFixture.Publisher, "0x" + new string('a', 64))
            {
                Block = block,
                BlockTime = DateTimeOffset.FromUnixTimeSeconds((long)epoch + 12),
            },
        });
    }

    public void Dispose() => Directory.Delete(Workspace, recursive: true);

    internal static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
