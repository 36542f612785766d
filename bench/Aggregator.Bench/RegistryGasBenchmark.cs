using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Crypto.Groth16;
using Aggregator.Proving;
using Nethereum.Hex.HexTypes;
using Nethereum.Web3;

namespace Aggregator.Bench;

/// <summary>
/// The gas of every SolvencyRegistry transaction, on anvil, with real proofs of a 1,000-account epoch
/// (D = 20, K = 4): announce, publish (first window; then one after a missed window), markMissed, disputes, auditors'
/// co-signatures, a double-claim challenge, and the inclusion check run as a transaction. Gas is deterministic: one run is the figure.
/// </summary>
internal static class RegistryGasBenchmark
{
    private const string Key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    private const string Publisher = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
    // anvil's development account 1: a second institution, which counts the same address as the first.
    private const string RivalKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    private const ulong Window = 3_600;
    private const ulong Delay = 86_400;
    private static readonly HttpClient Http = new();

    public static async Task Run()
    {
        var root = Testing.RepositoryPaths.Root;
        var keys = Path.Combine(root, "circuits", "keys");
        Console.WriteLine("# Gas of the SolvencyRegistry (issue 23)");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine();
        var workspace = Directory.CreateTempSubdirectory("aggregator-bench-gas-").FullName;
        await using var anvil = await LocalAnvil.StartAsync(root, 18646);
        try
        {
            var web3 = new Web3(new Nethereum.Web3.Accounts.Account(Key, 31337), anvil.Url);
            var registry = await RegistryDeployment.DeployAsync(web3, Path.Combine(root, "contracts", "artifacts"), Delay);
            var client = new SolvencyRegistryClient(web3, registry, Publisher);
            await client.SetPublisherAsync(Publisher, true);
            var now = (ulong)(await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest())).Timestamp.Value;
            var first = ((now / Window) + 2) * Window;
            var announce = await client.AnnounceAsync("Example Custody Ltd", Window, first, 8);
            // Its coverage ratios, before its first window: the circuit proves 105% of every asset.
            var (coverage, _) = await client.SetCoverageAsync([10_500, 10_500, 10_500, 10_500]);
            var rivalWeb3 = new Web3(new Nethereum.Web3.Accounts.Account(RivalKey, 31337), anvil.Url);
            var rival = new SolvencyRegistryClient(rivalWeb3, registry, rivalWeb3.TransactionManager.Account.Address);
            await client.SetPublisherAsync(rivalWeb3.TransactionManager.Account.Address, true);
            await rival.AnnounceAsync("Rival Custody Ltd", Window, first, 8);
            // One address both count, with 255 others each: a claims tree of 256 leaves, a path of 8.
            var shared = new Nethereum.Signer.EthECKey(Key);
            var chain = Core.Chains.ChainId.Evm(31337);
            var others = Enumerable.Range(0, 510).Select(_ => Nethereum.Signer.EthECKey.GenerateKey().GetPublicAddress()).ToArray();
            var claims = (First: Reserves.Claims.ClaimsTree.Of([(chain, shared.GetPublicAddress()), .. others[..255].Select(a => (chain, a))]),
                Second: Reserves.Claims.ClaimsTree.Of([(chain, shared.GetPublicAddress()), .. others[255..].Select(a => (chain, a))]));

            using var prover = new NativeProver(ProvingKeys.At(keys, "bench"), VerificationKeys.At(keys), null);
            var tree = MerkleSumTree.Build(SyntheticBook.Parameters, SyntheticBook.Rows(1000, seed: 3), EpochSecret.Generate());
            async Task<(BigInteger Gas, string Directory)> PublishAt(ulong epoch, SolvencyRegistryClient? by = null, Reserves.Claims.ClaimsTree? claimed = null)
            {
                by ??= client;
                await Demo.AnvilClock.MinePastAsync(Http, anvil.Url, epoch, oneBlock: true);
                var publisher = by == client ? Publisher : rivalWeb3.TransactionManager.Account.Address.ToLowerInvariant();
                var directory = Path.Combine(workspace, $"{epoch}-{publisher}");
                EpochDirectory.Write(directory, tree, EpochSecret.Generate(), epoch, PublisherAddress.Parse(publisher), DateTimeOffset.UtcNow);
                var reserves = Path.Combine(workspace, "reserves.json");
                await File.WriteAllTextAsync(reserves, """{ "reserves": { "BTC": "100000000", "ETH": "100000000", "SOL": "1000000000", "USDC": "1000000000" } }""");
                await new EpochProofs(prover).ProveSolvencyAsync(directory, reserves, await by.CoverageAtAsync(publisher, epoch));
                var solvency = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory, EpochProofs.SolvencyProofFile)))!;
                // [commitment, paramsHash, epoch, publisher, reserves[4], ratios[4]]: the registry supplies epoch, publisher and ratios.
                var signals = solvency["publicSignals"]!.AsArray().Select(s => BigInteger.Parse(s!.GetValue<string>(), CultureInfo.InvariantCulture)).ToArray();
                var receipt = await by.PublishAsync(epoch, signals[0], signals[1], signals[4..8], SnarkjsJson.ReadProof(solvency["proof"]!.ToJsonString()).ToEvmWords(),
                    new PublicationLinks(claimed?.Root ?? new byte[32]));
                return (receipt.GasUsed.Value, directory);
            }

            var (publish, directory) = await PublishAt(first, claimed: claims.First);
            await PublishAt(first, rival, claims.Second);
            string Signed(string institution) =>
                new Nethereum.Signer.EthereumMessageSigner().EncodeUTF8AndSign(new Core.Ownership.OwnershipMessage(institution, chain, shared.GetPublicAddress(), first).Text, shared);
            var challenge = await client.ChallengeAsync(
                new DoubleClaimSide(Publisher, first, claims.First.ProofOf(chain, shared.GetPublicAddress())!, Signed("Example Custody Ltd")),
                new DoubleClaimSide(rivalWeb3.TransactionManager.Account.Address, first, claims.Second.ProofOf(chain, shared.GetPublicAddress())!, Signed("Rival Custody Ltd")),
                chain.ToString(), shared.GetPublicAddress());
            var inclusionFile = await new EpochProofs(prover).ProveInclusionAsync(directory, SyntheticBook.Rows(1, seed: 3)[0].AccountId, Path.Combine(workspace, "inclusion.json"));
            var inclusion = JsonNode.Parse(await File.ReadAllTextAsync(inclusionFile))!;
            var inclusionGas = await client.MeasureInclusionGasAsync(Publisher, first, BigInteger.Parse(inclusion["leafHash"]!.GetValue<string>(), CultureInfo.InvariantCulture), SnarkjsJson.ReadProof(inclusion["proof"]!.ToJsonString()).ToEvmWords());
            var dispute = await rival.DisputeAsync(Publisher, first, FiledDispute.Hash(new byte[32], "my inclusion proof does not verify"));
            var answer = await client.AnswerDisputeAsync(first, 0, FiledDispute.Hash(new byte[32], "re-sent on request"));
            // Two auditors co-sign the first publication: one with its key, one a contract account (ERC-1271).
            var auditorKey = Nethereum.Signer.EthECKey.GenerateKey();
            var wallet = await Chains.Evm.ContractArtifact.DeployAsync(web3, Path.Combine(root, "contracts", "artifacts"), "TestWallet", [auditorKey.GetPublicAddress()]);
            var register = await client.RegisterAuditorAsync(auditorKey.GetPublicAddress(), "Example Audit LLP");
            await client.RegisterAuditorAsync(wallet, "Wallet Audit AG");
            var report = new Nethereum.Util.Sha3Keccack().CalculateHash("the auditor's report"u8.ToArray());
            var digest = await client.CoSignDigestAsync(Publisher, first, report);
            var coSign = await rival.CoSignAsync(Publisher, first, auditorKey.GetPublicAddress(), report, CoSignStatement.Sign(digest, auditorKey));
            var coSignWallet = await rival.CoSignAsync(Publisher, first, wallet, report, CoSignStatement.Sign(digest, auditorKey));
            var revoke = await client.RevokeAuditorAsync(wallet);
            var custodian = Nethereum.Signer.EthECKey.GenerateKey().GetPublicAddress();
            var registerCustodian = await client.RegisterCustodianAsync(custodian, "Example Vault Trust");
            var revokeCustodian = await client.RevokeCustodianAsync(custodian);
            // The next window is missed (its deadline passes), recorded by anyone; the one after is published.
            await Demo.AnvilClock.MinePastAsync(Http, anvil.Url, first + Window + Delay, oneBlock: true);
            var missed = await client.MarkMissedAsync(Publisher, first + Window);
            var (afterMissed, lastDirectory) = await PublishAt(first + (2 * Window));
            // A collateral attestation of that last epoch (the first was proven to double-claim, which the view refuses), checked by the view beside the registry.
            var attestations = await CollateralAttestationsClient.DeployAsync(web3, Path.Combine(root, "contracts", "artifacts"), registry);
            var lastManifest = EpochDirectory.ReadManifest(lastDirectory);
            var terms = new CollateralTerms([6_000_000_000_000, 300_000_000_000, 15_000_000_000, 100_000_000], [9_000, 8_500, 7_500, 10_000], 1, PublisherAddress.Parse(Publisher).ToField(),
                Crypto.Field.Fr.Parse(CollateralAttestationsClient.ScopeOf(31337, attestations).ToString(CultureInfo.InvariantCulture))); // a full-width scope, as a protocol's is
            var attestation = await new CollateralAttestations(prover).AttestAsync(lastManifest, EpochDirectory.ReadTree(lastDirectory), SyntheticBook.Rows(1, seed: 3)[0].AccountId, terms);
            var (attestationSignals, attestationProof) = CollateralAttestations.ContractArguments(attestation.Document ?? throw new InvalidOperationException(attestation.Shortfall));
            var view = new CollateralAttestationsClient(web3, attestations, Publisher);
            if (!await view.VerifyAsync(Publisher, lastManifest.Epoch, attestationSignals, attestationProof))
            {
                throw new InvalidOperationException("the view refuses the attestation");
            }
            var attestationGas = await view.MeasureGasAsync(Publisher, lastManifest.Epoch, attestationSignals, attestationProof);

            Console.WriteLine("| transaction | gas |");
            Console.WriteLine("|---|---:|");
            Console.WriteLine($"| `announce` (institution name, window length, first end, samples) | {announce.GasUsed.Value:N0} |");
            Console.WriteLine($"| `setCoverage` (four ratios checked on the ladder, the first change stored) | {coverage.GasUsed.Value:N0} |");
            Console.WriteLine($"| `publish`, first window (solvency proof of 12 signals verified with the registry's ratios, commitment, reserves, ratios and publication list stored) | {publish:N0} |");
            Console.WriteLine($"| `publish`, after missed windows | {afterMissed:N0} |");
            Console.WriteLine($"| `markMissed` | {missed.GasUsed.Value:N0} |");
            Console.WriteLine($"| `dispute` (the first of an epoch) | {dispute.GasUsed.Value:N0} |");
            Console.WriteLine($"| `answerDispute` | {answer.GasUsed.Value:N0} |");
            Console.WriteLine($"| `registerAuditor` | {register.GasUsed.Value:N0} |");
            Console.WriteLine($"| `coSign`, an auditor's key (EIP-712 digest over the stored publication, ecrecover, record) | {coSign.GasUsed.Value:N0} |");
            Console.WriteLine($"| `coSign`, an ERC-1271 wallet (the second co-signature of the epoch) | {coSignWallet.GasUsed.Value:N0} |");
            Console.WriteLine($"| `revokeAuditor` | {revoke.GasUsed.Value:N0} |");
            Console.WriteLine($"| `registerCustodian` | {registerCustodian.GasUsed.Value:N0} |");
            Console.WriteLine($"| `revokeCustodian` | {revokeCustodian.GasUsed.Value:N0} |");
            Console.WriteLine($"| `challenge`: a double claim proven (two paths of 8 in 256-leaf claims roots, two messages rebuilt, two ecrecovers) | {challenge.GasUsed.Value:N0} |");
            Console.WriteLine($"| `verifyInclusion`, run as a transaction (includes the 21,000 base and calldata) | {inclusionGas:N0} |");
            Console.WriteLine($"| `CollateralAttestations.verifyAttestation` (the registry's commitment read, 16 signals), run as a transaction likewise | {attestationGas:N0} |");
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }
}
