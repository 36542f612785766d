using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm;
using Aggregator.Chains.Evm.Registry;
using Aggregator.IntegrationTests.Evm;
using Aggregator.Proving;
using Aggregator.Testing;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.Web3;

namespace Aggregator.IntegrationTests.Registry;

/// <summary>
/// A collateral attestation on a real node: issued with `aggregator attest collateral` against a published
/// epoch, checked by `aggregator verify attestation --rpc`, by the CollateralAttestations view (every
/// public signal tampered refused), and used by a lending protocol that holds it to its own policy.
/// </summary>
[Collection(EvmNodeTests.Name)]
public sealed class CollateralAttestationTests(AnvilNode node, ProvenEpochFixture epoch)
{
    private static readonly string Artifacts = RepositoryPaths.Combine("contracts", "artifacts");

    // The lender deploys; the borrower (development account 1) is alice's own key.
    private const int Lender = 0;
    private const int Borrower = 1;
    private const int Stranger = 2;

    private sealed record Deployed(string Registry, string Attestations, ulong Epoch, string Directory, string[] Feeds);

    // A registry with alice's epoch published, the view beside it, and price feeds: BTC at 60,000 (8 decimals),
    // ETH at 3,000 (18 decimals), no SOL feed, USDC at 1 (6 decimals).
    private async Task<Deployed> PublishedEpoch()
    {
        var registry = await WindowedRegistry.DeployAsync(node);
        await node.MinePastAsync(registry.FirstEnd);
        var directory = await epoch.ProveForAsync(registry.FirstEnd);
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments.Read(directory);
        await registry.As(node, 0).PublishAsync(registry.FirstEnd, commitment, paramsHash, reserves, proof);
        var owner = node.Web3For(Lender);
        var attestations = await CollateralAttestationsClient.DeployAsync(owner, Artifacts, registry.Address);
        string[] feeds =
        [
            await ContractArtifact.DeployAsync(owner, Artifacts, "PriceFeed", [(byte)8, "BTC / USD", new BigInteger(60_000) * BigInteger.Pow(10, 8)]),
            await ContractArtifact.DeployAsync(owner, Artifacts, "PriceFeed", [(byte)18, "ETH / USD", new BigInteger(3_000) * BigInteger.Pow(10, 18)]),
            "0x0000000000000000000000000000000000000000",
            await ContractArtifact.DeployAsync(owner, Artifacts, "PriceFeed", [(byte)6, "USDC / USD", new BigInteger(1_000_000)]),
        ];
        return new Deployed(registry.Address, attestations, registry.FirstEnd, directory, feeds);
    }

    private async Task<Contract> Lending(Deployed deployed, ulong maxEpochAge = 3_600)
    {
        var owner = node.Web3For(Lender);
        var address = await ContractArtifact.DeployAsync(owner, Artifacts, "TestAttestedLending",
            [deployed.Attestations, ProvenEpochFixture.Publisher, deployed.Feeds, new[] { 9_000, 10_000, 10_000, 10_000 }.Select(w => new BigInteger(w)).ToList(), maxEpochAge]);
        return Contract(owner, address);
    }

    private static Contract Contract(Web3 web3, string address) => web3.Eth.GetContract(Abi("TestAttestedLending"), address);

    private static string Abi(string contract) => JsonNode.Parse(File.ReadAllText(Path.Combine(Artifacts, contract + ".json")))!["abi"]!.ToJsonString();

    private string Borrower0x => node.Web3For(Borrower).TransactionManager.Account.Address;

    // alice attests through the command a person runs: BTC=60000 less 10%, ETH=3000, USDC=1, no SOL price.
    private string Attest(Deployed deployed, string scope, string threshold = "50000", string haircuts = "BTC=0.1", string? subject = null)
    {
        var file = Path.Combine(epoch.Workspace, $"attestation-{Guid.NewGuid():N}.json");
        var run = CliRunner.Run("attest", "collateral", "--epoch", deployed.Directory, "--account", ProvenEpochFixture.Account,
            "--prices", "BTC=60000,ETH=3000,USDC=1", "--haircuts", haircuts, "--threshold", threshold, "--subject", subject ?? Borrower0x, "--scope", scope, "--out", file);
        Assert.True(run.Exit == 0, run.Error);
        return file;
    }

    private static (BigInteger[] Signals, BigInteger[] Proof) Arguments(string file) =>
        CollateralAttestations.ContractArguments(JsonNode.Parse(File.ReadAllText(file))!.AsObject());

    // What borrow answers for `account`: null when it would lend, else the custom error's name.
    private async Task<string?> Refusal(Contract lending, int account, BigInteger amount, ulong epochNumber, (BigInteger[] Signals, BigInteger[] Proof) attestation)
    {
        var function = Contract(node.Web3For(account), lending.Address).GetFunction("borrow");
        try
        {
            await function.CallAsync<object>(node.Web3For(account).TransactionManager.Account.Address, new HexBigInteger(2_000_000), new HexBigInteger(0),
                amount, epochNumber, attestation.Signals.ToList(), attestation.Proof.ToList());
            return null;
        }
        catch (SmartContractCustomErrorRevertException error)
        {
            return lending.ContractBuilder.ContractABI.Errors.First(error.IsCustomErrorFor).Name;
        }
    }

    private async Task Borrow(Contract lending, BigInteger amount, ulong epochNumber, (BigInteger[] Signals, BigInteger[] Proof) attestation)
    {
        var web3 = node.Web3For(Borrower);
        var receipt = await Contract(web3, lending.Address).GetFunction("borrow").SendTransactionAndWaitForReceiptAsync(
            web3.TransactionManager.Account.Address, new HexBigInteger(2_000_000), new HexBigInteger(0), null, amount, epochNumber, attestation.Signals.ToList(), attestation.Proof.ToList());
        Assert.Equal(1, (int)receipt.Status.Value);
    }

    [Fact]
    public async Task The_view_accepts_a_published_epochs_attestation_and_refuses_every_signal_tampered_another_epoch_and_another_publisher()
    {
        var deployed = await PublishedEpoch();
        var view = new CollateralAttestationsClient(node.Web3For(Lender), deployed.Attestations, node.Web3For(Lender).TransactionManager.Account.Address);
        var (signals, proof) = Arguments(Attest(deployed, "4242"));
        Assert.Equal(16, signals.Length);
        Assert.True(await view.VerifyAsync(ProvenEpochFixture.Publisher, deployed.Epoch, signals, proof));
        for (var i = 0; i < signals.Length; i++)
        {
            var tampered = signals.ToArray();
            tampered[i] += 1;
            Assert.False(await view.VerifyAsync(ProvenEpochFixture.Publisher, deployed.Epoch, tampered, proof), $"public signal {i} tampered");
        }
        var forged = proof.ToArray();
        forged[0] += 1;
        Assert.False(await view.VerifyAsync(ProvenEpochFixture.Publisher, deployed.Epoch, signals, forged));
        // An epoch never published, and another publisher: false, never a revert.
        Assert.False(await view.VerifyAsync(ProvenEpochFixture.Publisher, deployed.Epoch + WindowedRegistry.Window, signals, proof));
        Assert.False(await view.VerifyAsync(Borrower0x, deployed.Epoch, signals, proof));
        // The view's scope is the one the CLI computes.
        Assert.Equal(CollateralAttestationsClient.ScopeOf(31337, deployed.Registry), await view.ScopeOfAsync(deployed.Registry));
    }

    [Fact]
    public async Task Verify_attestation_against_the_registry_is_valid_and_against_an_unpublished_epoch_says_so()
    {
        var deployed = await PublishedEpoch();
        var file = Attest(deployed, "4242");
        var verify = CliRunner.Run("verify", "attestation", "--proof", file, "--rpc", node.RpcUrl, "--registry", deployed.Registry, "--publisher", ProvenEpochFixture.Publisher, "--epoch", deployed.Epoch.ToString(CultureInfo.InvariantCulture));
        Assert.True(verify.Exit == 0, verify.Output + verify.Error);
        Assert.Contains($"are the registry {deployed.Registry}'s", verify.Output, StringComparison.Ordinal);
        Assert.Contains("collateral worth at least 50000", verify.Output, StringComparison.Ordinal);
        Assert.Contains("disputes: 0 filed", verify.Output, StringComparison.Ordinal);
        Assert.EndsWith("VALID", verify.Output.Trim(), StringComparison.Ordinal);
        var unpublished = CliRunner.Run("verify", "attestation", "--proof", file, "--rpc", node.RpcUrl, "--registry", deployed.Registry, "--publisher", ProvenEpochFixture.Publisher, "--epoch", (deployed.Epoch + WindowedRegistry.Window).ToString(CultureInfo.InvariantCulture));
        Assert.Equal(2, unpublished.Exit);
        Assert.Contains("holds no commitment", unpublished.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("VALID", unpublished.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_protocol_lends_once_per_nullifier_only_to_the_subject_in_its_scope_at_its_prices_and_weights_up_to_the_threshold()
    {
        var deployed = await PublishedEpoch();
        var lending = await Lending(deployed);
        var scope = $"31337:{lending.Address}";
        Assert.Equal(CollateralAttestationsClient.ScopeOf(31337, lending.Address), await lending.GetFunction("scope").CallAsync<BigInteger>());
        var amount = new BigInteger(50_000) * 100_000_000;
        var attestation = Arguments(Attest(deployed, scope));

        Assert.Equal("NotTheSubject", await Refusal(lending, Stranger, amount, deployed.Epoch, attestation));
        Assert.Equal("ThresholdBelowLoan", await Refusal(lending, Borrower, amount + 1, deployed.Epoch, attestation));
        Assert.Equal("NotThisScope", await Refusal(lending, Borrower, amount, deployed.Epoch, Arguments(Attest(deployed, "4242"))));
        Assert.Equal("WeightDisagrees", await Refusal(lending, Borrower, amount, deployed.Epoch, Arguments(Attest(deployed, scope, haircuts: "BTC=0.2"))));
        // The epoch passed must be the attestation's: another is refused by the view.
        Assert.Equal("InvalidAttestation", await Refusal(lending, Borrower, amount, deployed.Epoch - 1, attestation));
        var forged = (attestation.Signals, attestation.Proof.ToArray());
        forged.Item2[7] += 1;
        Assert.Equal("InvalidAttestation", await Refusal(lending, Borrower, amount, deployed.Epoch, forged));

        // The BTC feed moves: the attestation's price no longer agrees with the protocol's.
        var btc = node.Web3For(Lender).Eth.GetContract(Abi("PriceFeed"), deployed.Feeds[0]);
        await btc.GetFunction("setAnswer").SendTransactionAndWaitForReceiptAsync(node.Web3For(Lender).TransactionManager.Account.Address, new HexBigInteger(200_000), new HexBigInteger(0), null, new BigInteger(59_000) * 100_000_000);
        Assert.Equal("PriceDisagrees", await Refusal(lending, Borrower, amount, deployed.Epoch, attestation));
        await btc.GetFunction("setAnswer").SendTransactionAndWaitForReceiptAsync(node.Web3For(Lender).TransactionManager.Account.Address, new HexBigInteger(200_000), new HexBigInteger(0), null, new BigInteger(60_000) * 100_000_000);

        Assert.Null(await Refusal(lending, Borrower, amount, deployed.Epoch, attestation));
        await Borrow(lending, amount, deployed.Epoch, attestation);
        Assert.Equal(amount, await lending.GetFunction("borrowed").CallAsync<BigInteger>(Borrower0x));
        // Once per nullifier: the same account in the same scope and epoch, whatever the threshold.
        Assert.Equal("NullifierUsed", await Refusal(lending, Borrower, 1, deployed.Epoch, attestation));
        Assert.Equal("NullifierUsed", await Refusal(lending, Borrower, 1, deployed.Epoch, Arguments(Attest(deployed, scope, threshold: "1"))));
    }

    [Fact]
    public async Task A_protocol_refuses_an_epoch_older_than_it_accepts()
    {
        var deployed = await PublishedEpoch();
        var lending = await Lending(deployed, maxEpochAge: 1);
        var attestation = Arguments(Attest(deployed, $"31337:{lending.Address}"));
        await node.MinePastAsync(deployed.Epoch + 2, oneBlock: true);
        Assert.Equal("EpochTooOld", await Refusal(lending, Borrower, 1, deployed.Epoch, attestation));
    }
}
