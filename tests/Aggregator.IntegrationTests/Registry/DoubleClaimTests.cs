using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Core.Chains;
using Aggregator.Core.Ownership;
using Aggregator.Crypto.Groth16;
using Aggregator.IntegrationTests.Evm;
using Aggregator.Proving;
using Aggregator.Reserves.Claims;
using Aggregator.Reserves.Evidence;
using Aggregator.Testing;
using Nethereum.Signer;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Aggregator.IntegrationTests.Registry;

/// <summary>
/// Two institutions counting the same coins: proven on the registry from both claims roots and the
/// address's own signatures, which a publisher cannot forge to frame a rival; both publications marked for
/// good and the feeds unbacked.
/// </summary>
[Collection(EvmNodeTests.Name)]
public sealed class DoubleClaimTests(AnvilNode node, ProvenEpochFixture epoch)
{
    private const ulong Window = 60;
    private static readonly ChainId Chain = ChainId.Evm(31337);
    private static readonly string Artifacts = RepositoryPaths.Combine("contracts", "artifacts");

    // A reserves report of one address, signed by its key for the institution and epoch given (or signed for another).
    private static ReservesReport Evidence(string institution, ulong number, EthECKey key, string? signedFor = null)
    {
        var address = key.GetPublicAddress();
        var text = new OwnershipMessage(signedFor ?? institution, Chain, address, number).Text;
        var claim = new AddressEvidence(address, text, new EthereumMessageSigner().EncodeUTF8AndSign(text, key), "verified", new(StringComparer.Ordinal) { ["ETH"] = "100" });
        return new ReservesReport(ReservesReport.CurrentFormat, institution, number, new(StringComparer.Ordinal) { ["ETH"] = "100" }, [new ChainEvidence(Chain.ToString(), "local", 1, "0x01", [claim])])
        {
            ClaimsRoot = ClaimsTree.Of([(Chain, address)]).RootHex,
        };
    }

    // The same for a Solana address, signed with its ed25519 key.
    private static ReservesReport SolanaEvidence(string institution, ulong number, Ed25519PrivateKeyParameters key)
    {
        var solana = new ChainId(ChainFamily.Solana, "localnet");
        var address = Chains.Solana.Encoding.Base58.Encode(key.GeneratePublicKey().GetEncoded());
        var text = new OwnershipMessage(institution, solana, address, number).Text;
        var signer = new Ed25519Signer();
        signer.Init(true, key);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        signer.BlockUpdate(bytes, 0, bytes.Length);
        var claim = new AddressEvidence(address, text, Chains.Solana.Encoding.Base58.Encode(signer.GenerateSignature()), "verified", new(StringComparer.Ordinal) { ["SOL"] = "100" });
        return new ReservesReport(ReservesReport.CurrentFormat, institution, number, new(StringComparer.Ordinal) { ["SOL"] = "100" }, [new ChainEvidence(solana.ToString(), "solana-local", 1, "", [claim])])
        {
            ClaimsRoot = ClaimsTree.Of([(solana, address)]).RootHex,
        };
    }

    private static async Task Publish(SolvencyRegistryClient client, string directory, ReservesReport evidence)
    {
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments.Read(directory);
        await client.PublishAsync(EpochDirectory.ReadManifest(directory).Epoch, commitment, paramsHash, reserves, proof,
            new PublicationLinks(Convert.FromHexString(evidence.ClaimsRoot[2..])));
    }

    private string Write(ReservesReport report)
    {
        var path = Path.Combine(epoch.Workspace, $"evidence-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, ReservesReportFile.Serialize(report));
        return path;
    }

    // A registry (a challenge distance of an hour) whose owner, account 0, authorizes three publishers:
    // Alpha (account 0) and Beta (account 1) with windows ending at `First`, and Gamma (account 2), whose
    // windows end a window later; the chain is past `First`.
    private async Task<(string Registry, SolvencyRegistryClient Alpha, (SolvencyRegistryClient Beta, SolvencyRegistryClient Gamma) Others,
        string AlphaAddress, string BetaAddress, string GammaAddress, ulong First)> RivalsAsync()
    {
        var owner = node.Web3For(0);
        var registry = await RegistryDeployment.DeployAsync(owner, Artifacts, publicationDelay: 3_600, challengeDistance: 3_600);
        var admin = new SolvencyRegistryClient(owner, registry, owner.TransactionManager.Account.Address);
        var first = ((await node.ChainTimeAsync() / Window) + 3) * Window;
        var clients = new List<SolvencyRegistryClient>();
        foreach (var (account, name, end) in new[] { (0, "Alpha Custody", first), (1, "Beta Custody", first), (2, "Gamma Custody", first + Window) })
        {
            var web3 = node.Web3For(account);
            var who = web3.TransactionManager.Account.Address;
            var client = new SolvencyRegistryClient(web3, registry, who);
            await admin.SetPublisherAsync(who, true);
            await client.AnnounceAsync(name, Window, end, 4);
            clients.Add(client);
        }
        await node.MinePastAsync(first);
        string Address(int account) => node.Web3For(account).TransactionManager.Account.Address;
        return (registry, clients[0], (clients[1], clients[2]), Address(0), Address(1), Address(2), first);
    }

    [Fact]
    public async Task An_address_two_institutions_both_counted_is_proven_a_double_claim_and_a_rival_cannot_be_framed()
    {
        var (registry, alpha, (beta, _), alphaAddress, betaAddress, _, first) = await RivalsAsync();
        var owner = node.Web3For(0);

        // One key holds the coins; it signed ownership for both institutions in the same window.
        var coins = EthECKey.GenerateKey();
        var alphaEvidence = Evidence("Alpha Custody", first, coins);
        var betaEvidence = Evidence("Beta Custody", first, coins);
        await Publish(alpha, await epoch.ProveForAsync(first, publisher: alphaAddress), alphaEvidence);
        await Publish(beta, await epoch.ProveForAsync(first, publisher: betaAddress), betaEvidence);
        var paramsHash = BigInteger.Parse(EpochDirectory.ReadManifest(await epoch.ProveForAsync(first, publisher: alphaAddress)).ParamsHash, CultureInfo.InvariantCulture);
        var feed = await ReserveFeedClient.DeployAsync(owner, new ReserveFeedClient.Binding(registry, alphaAddress, paramsHash, 3, 6, 6, "USDC"));
        Assert.True((await new ReserveFeedClient(owner, feed).LatestRoundAsync()).Answer > 0);

        // Framing: Alpha's own signature put forward as Beta's (Beta's root holds the address, but the address
        // never signed for Beta in this story) is refused: the registry rebuilds each message itself.
        var tree = ClaimsTree.Of([(Chain, coins.GetPublicAddress())]);
        var path = tree.ProofOf(Chain, coins.GetPublicAddress())!;
        var stranger = new SolvencyRegistryClient(node.Web3For(2), registry, node.Web3For(2).TransactionManager.Account.Address);
        var framed = await Assert.ThrowsAsync<RegistryRejectedException>(() => stranger.ChallengeAsync(
            new DoubleClaimSide(alphaAddress, first, path, alphaEvidence.Chains[0].Addresses[0].Signature),
            new DoubleClaimSide(betaAddress, first, path, alphaEvidence.Chains[0].Addresses[0].Signature), Chain.ToString(), coins.GetPublicAddress()));
        Assert.Contains("NotADoubleClaim(\"not signed by the address for both\")", framed.Message, StringComparison.Ordinal);
        // The zero address, which ecrecover answers for any signature it cannot recover, proves nothing.
        var zero = await Assert.ThrowsAsync<RegistryRejectedException>(() => stranger.ChallengeAsync(
            new DoubleClaimSide(alphaAddress, first, [], "0x" + new string('0', 130)), new DoubleClaimSide(betaAddress, first, [], "0x" + new string('0', 130)),
            Chain.ToString(), "0x0000000000000000000000000000000000000000"));
        Assert.Contains("zero address", zero.Message, StringComparison.Ordinal);
        var framedCli = CliRunner.Run("challenge", "--evidence-a", Write(alphaEvidence), "--publisher-a", alphaAddress,
            "--evidence-b", Write(Evidence("Beta Custody", first, coins, signedFor: "Alpha Custody")), "--publisher-b", betaAddress, "--rpc", node.RpcUrl, "--registry", registry);
        Assert.True(framedCli.Exit == 0, framedCli.Output + framedCli.Error);
        Assert.Contains("not a double claim:", framedCli.Output, StringComparison.Ordinal);
        Assert.False(await alpha.DoubleClaimedAsync(alphaAddress, first));

        // The real double claim, found from the two published evidence files and proven by anyone.
        var keyFile = Path.Combine(epoch.Workspace, $"key-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(keyFile, AnvilNode.DevelopmentKeys[2]);
        string[] challenge = ["challenge", "--evidence-a", Write(alphaEvidence), "--publisher-a", alphaAddress, "--evidence-b", Write(betaEvidence), "--publisher-b", betaAddress, "--rpc", node.RpcUrl, "--registry", registry];
        var found = CliRunner.Run([.. challenge, "--key-file", keyFile]);
        Assert.True(found.Exit == 1, found.Output + found.Error);
        Assert.Contains("DOUBLE CLAIM proven on the registry", found.Output, StringComparison.Ordinal);
        Assert.True(await alpha.DoubleClaimedAsync(alphaAddress, first));
        Assert.True(await alpha.DoubleClaimedAsync(betaAddress, first));
        Assert.Equal(BigInteger.MinusOne, (await new ReserveFeedClient(owner, feed).LatestRoundAsync()).Answer);
        var again = CliRunner.Run([.. challenge, "--key-file", keyFile]);
        Assert.Equal(1, again.Exit);
        Assert.Contains("already proven", again.Error, StringComparison.Ordinal);
        // Evidence that is not what the publisher published is refused before anything is judged.
        var altered = Evidence("Alpha Custody", first, EthECKey.GenerateKey());
        var refused = CliRunner.Run("challenge", "--evidence-a", Write(altered), "--publisher-a", alphaAddress, "--evidence-b", Write(betaEvidence), "--publisher-b", betaAddress, "--rpc", node.RpcUrl, "--registry", registry);
        Assert.Equal(2, refused.Exit);
        Assert.Contains("the registry holds claims root", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_solana_address_both_counted_cannot_be_proven_on_chain_but_verify_solvency_given_the_other_evidence_fails_on_it()
    {
        var (registry, alpha, (beta, gamma), alphaAddress, betaAddress, gammaAddress, first) = await RivalsAsync();
        var second = first + Window;
        var coins = new Ed25519PrivateKeyParameters(new SecureRandom());
        var alphaEvidence = SolanaEvidence("Alpha Custody", first, coins);
        var betaEvidence = SolanaEvidence("Beta Custody", first, coins);
        // Alpha's epoch directory carries its evidence, as the prover role writes it.
        var directory = epoch.CopyOfEpoch(source: await epoch.ProveForAsync(first, publisher: alphaAddress));
        File.WriteAllText(Path.Combine(directory, EpochProofs.ReservesEvidenceFile), ReservesReportFile.Serialize(alphaEvidence));
        await Publish(alpha, directory, alphaEvidence);
        await Publish(beta, await epoch.ProveForAsync(first, publisher: betaAddress), betaEvidence);

        string[] verify = ["verify", "solvency", "--epoch", directory, "--rpc", node.RpcUrl, "--registry", registry];
        var shared = CliRunner.Run([.. verify, "--against", $"{Write(betaEvidence)}={betaAddress}"]);
        Assert.True(shared.Exit == 1, shared.Output + shared.Error);
        Assert.Contains($"double claim: solana:localnet {alphaEvidence.Chains[0].Addresses[0].Address} is counted by {betaAddress}'s epoch {first} too", shared.Output, StringComparison.Ordinal);
        Assert.Contains("judged off chain", shared.Output, StringComparison.Ordinal);
        // Evidence that is not what its publisher published is refused; the epoch's own publisher is no other.
        var otherCoins = SolanaEvidence("Gamma Custody", first, new Ed25519PrivateKeyParameters(new SecureRandom()));
        Assert.Equal(2, CliRunner.Run([.. verify, "--against", $"{Write(otherCoins)}={betaAddress}"]).Exit);
        Assert.Equal(2, CliRunner.Run([.. verify, "--against", $"{Write(alphaEvidence)}={alphaAddress}"]).Exit);
        // The third institution's own coins: nothing shared.
        await node.MinePastAsync(second);
        otherCoins = SolanaEvidence("Gamma Custody", second, new Ed25519PrivateKeyParameters(new SecureRandom()));
        await Publish(gamma, await epoch.ProveForAsync(second, publisher: gammaAddress), otherCoins);
        var apart = CliRunner.Run([.. verify, "--against", $"{Write(otherCoins)}={gammaAddress}"]);
        Assert.Contains($"no reserve address of this epoch is counted by {gammaAddress}'s epoch {second}", apart.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("double claim:", apart.Output, StringComparison.Ordinal);
    }
}
