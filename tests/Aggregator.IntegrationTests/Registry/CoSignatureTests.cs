using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Crypto.Groth16;
using Aggregator.IntegrationTests.Evm;
using Aggregator.Proving;
using Aggregator.Testing;
using Nethereum.Signer;

namespace Aggregator.IntegrationTests.Registry;

/// <summary>
/// Auditors in the loop: registered by the registry's owner only, co-signing a publication's stored
/// figures and report with EIP-712 (a key or an ERC-1271 wallet), refused for anything else they did not
/// sign, revocable, and shown by the verifiers.
/// </summary>
[Collection(EvmNodeTests.Name)]
public sealed class CoSignatureTests(AnvilNode node, ProvenEpochFixture epoch)
{
    private static readonly BigInteger SecpHalfOrder = BigInteger.Parse("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0", NumberStyles.HexNumber);
    private static readonly BigInteger SecpOrder = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", NumberStyles.HexNumber);

    // A registry whose owner (account 0) also publishes its first epoch; account 1 is another publisher.
    private async Task<(WindowedRegistry Registry, ulong Epoch, string Directory)> PublishedAsync()
    {
        var registry = await WindowedRegistry.DeployAsync(node, publishers: [0, 1]);
        await node.MinePastAsync(registry.FirstEnd);
        var directory = await epoch.ProveForAsync(registry.FirstEnd);
        var (commitment, paramsHash, reserves, proof) = SolvencyArguments.Read(directory);
        await registry.As(node, 0).PublishAsync(registry.FirstEnd, commitment, paramsHash, reserves, proof,
            new PublicationLinks([.. Enumerable.Repeat((byte)0x5a, 32)]));
        return (registry, registry.FirstEnd, directory);
    }

    private static async Task<RegistryRejectedException> Refused(Func<Task> action) => await Assert.ThrowsAsync<RegistryRejectedException>(action);

    private string KeyFile(int account)
    {
        var path = Path.Combine(epoch.Workspace, $"key-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, AnvilNode.DevelopmentKeys[account]);
        return path;
    }

    [Fact]
    public async Task An_owner_registered_auditor_co_signs_the_stored_figures_once_and_nothing_it_did_not_sign_is_recorded()
    {
        var (registry, number, directory) = await PublishedAsync();
        var (owner, otherPublisher, relayer) = (registry.As(node, 0), registry.As(node, 1), registry.As(node, 3));
        var auditorKey = new EthECKey(AnvilNode.DevelopmentKeys[2]);
        var auditor = auditorKey.GetPublicAddress();
        var report = new Nethereum.Util.Sha3Keccack().CalculateHash("the auditor's report on epoch one"u8.ToArray());

        // A publisher cannot pick who vouches for it; an unregistered auditor's signature counts for nothing.
        Assert.Contains("NotOwner", (await Refused(() => otherPublisher.RegisterAuditorAsync(auditor, "Friendly Auditors"))).Message, StringComparison.Ordinal);
        var statement = await relayer.CoSignStatementAsync(ProvenEpochFixture.Publisher, number, report);
        var digest = statement.Digest(31337, registry.Address);
        Assert.Equal(digest, await relayer.CoSignDigestAsync(ProvenEpochFixture.Publisher, number, report));
        var signature = CoSignStatement.Sign(digest, auditorKey);
        Assert.Contains("NotAnAuditor", (await Refused(() => relayer.CoSignAsync(ProvenEpochFixture.Publisher, number, auditor, report, signature))).Message, StringComparison.Ordinal);
        await owner.RegisterAuditorAsync(auditor, "Example Audit LLP");
        Assert.Contains("AuditorKnown", (await Refused(() => owner.RegisterAuditorAsync(auditor, "Renamed"))).Message, StringComparison.Ordinal);

        // Signatures of anything but this publication's stored figures and this report are refused.
        var high = (BigInteger)SecpOrder - new BigInteger(signature.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        Assert.True(high > SecpHalfOrder);
        byte[] malleated = [.. signature[..32], .. high.ToByteArray(isUnsigned: true, isBigEndian: true), (byte)(signature[64] == 27 ? 28 : 27)];
        CoSignStatement[] unsigned =
        [
            statement with { Reserves = [statement.Reserves[0] + 1, .. statement.Reserves.Skip(1)] },
            statement with { Commitment = statement.Commitment + 1 },
            statement with { ParamsHash = statement.ParamsHash + 1 },
            statement with { ClaimsRoot = new byte[32] },
            statement with { Ratios = [12_000, .. statement.Ratios.Skip(1)] },
            statement with { Epoch = number + WindowedRegistry.Window },
            statement with { Publisher = node.Web3For(1).TransactionManager.Account.Address },
            statement with { ReportHash = new byte[32] },
        ];
        var refusals = new List<string>();
        foreach (var other in unsigned)
        {
            refusals.Add((await Refused(() => relayer.CoSignAsync(ProvenEpochFixture.Publisher, number, auditor, report, CoSignStatement.Sign(other.Digest(31337, registry.Address), auditorKey)))).Message);
        }
        refusals.Add((await Refused(() => relayer.CoSignAsync(ProvenEpochFixture.Publisher, number, auditor, report, CoSignStatement.Sign(statement.Digest(1, registry.Address), auditorKey)))).Message);
        refusals.Add((await Refused(() => relayer.CoSignAsync(ProvenEpochFixture.Publisher, number, auditor, report, malleated))).Message);
        refusals.Add((await Refused(() => relayer.CoSignAsync(ProvenEpochFixture.Publisher, number, auditor, new byte[32], signature))).Message);
        refusals.Add((await Refused(() => relayer.CoSignAsync(ProvenEpochFixture.Publisher, number, auditor, report, CoSignStatement.Sign(digest, EthECKey.GenerateKey())))).Message);
        Assert.All(refusals, message => Assert.Contains("InvalidCoSignature", message, StringComparison.Ordinal));
        Assert.Empty(await relayer.CoSignaturesAsync(ProvenEpochFixture.Publisher, number));
        Assert.Contains("UnknownEpoch", (await Refused(() => relayer.CoSignAsync(ProvenEpochFixture.Publisher, number + WindowedRegistry.Window, auditor, report, signature))).Message, StringComparison.Ordinal);

        // Anyone relays the auditor's signature, once.
        await relayer.CoSignAsync(ProvenEpochFixture.Publisher, number, auditor, report, signature);
        Assert.Contains("AlreadyCoSigned", (await Refused(() => relayer.CoSignAsync(ProvenEpochFixture.Publisher, number, auditor, report, signature))).Message, StringComparison.Ordinal);
        var recorded = Assert.Single(await relayer.CoSignaturesAsync(ProvenEpochFixture.Publisher, number));
        Assert.Equal(("Example Audit LLP", (DateTimeOffset?)null), (recorded.Auditor.Name, recorded.Auditor.RevokedAt));
        Assert.Equal(report, recorded.ReportHash);

        // The verifiers say who co-signed; after a revocation, that it was revoked, and it co-signs nothing more.
        string[] inclusion = ["verify", "inclusion", "--proof", Path.Combine(directory, "alice.json"), "--rpc", node.RpcUrl, "--registry", registry.Address,
            "--publisher", ProvenEpochFixture.Publisher, "--epoch", number.ToString(CultureInfo.InvariantCulture)];
        var verified = CliRunner.Run(inclusion);
        Assert.True(verified.Exit == 0, verified.Output + verified.Error);
        Assert.Contains($"co-signed: by Example Audit LLP ({auditor}) at ", verified.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("REVOKED", verified.Output, StringComparison.Ordinal);
        var revoke = CliRunner.Run("auditor", "revoke", "--rpc", node.RpcUrl, "--registry", registry.Address, "--key-file", KeyFile(0), "--auditor", auditor);
        Assert.True(revoke.Exit == 0, revoke.Error);
        Assert.Contains("REVOKED at", CliRunner.Run(inclusion).Output, StringComparison.Ordinal);
        Assert.Contains("NotAnAuditor", (await Refused(() => owner.RevokeAuditorAsync(auditor))).Message, StringComparison.Ordinal);
        Assert.Contains("AuditorKnown", (await Refused(() => owner.RegisterAuditorAsync(auditor, "Example Audit LLP"))).Message, StringComparison.Ordinal);
        var fresh = new Nethereum.Util.Sha3Keccack().CalculateHash("a second report"u8.ToArray());
        var freshSignature = CoSignStatement.Sign(await relayer.CoSignDigestAsync(ProvenEpochFixture.Publisher, number, fresh), auditorKey);
        Assert.Contains("NotAnAuditor", (await Refused(() => relayer.CoSignAsync(ProvenEpochFixture.Publisher, number, auditor, fresh, freshSignature))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_co_signs_with_the_auditors_key_or_relays_a_wallets_erc1271_signature()
    {
        var (registry, number, _) = await PublishedAsync();
        var owner = registry.As(node, 0);
        var reportPath = Path.Combine(epoch.Workspace, $"report-{Guid.NewGuid():N}.pdf");
        await File.WriteAllTextAsync(reportPath, "Independent accountant's report: reserves examined at the drawn heights.");
        string[] at = ["--rpc", node.RpcUrl, "--registry", registry.Address, "--publisher", ProvenEpochFixture.Publisher, "--epoch", number.ToString(CultureInfo.InvariantCulture), "--report", reportPath];

        // An auditor with its own key.
        var auditor = node.Web3For(2).TransactionManager.Account.Address;
        await owner.RegisterAuditorAsync(auditor, "Key Audit LLP");
        var signed = CliRunner.Run(["auditor", "cosign", .. at, "--key-file", KeyFile(2)]);
        Assert.True(signed.Exit == 0, signed.Output + signed.Error);
        Assert.Contains($"co-signed by {auditor}", signed.Output, StringComparison.OrdinalIgnoreCase);

        // A contract account (a multisig, a smart wallet): its owner key signs the digest; anyone relays it.
        var walletOwner = new EthECKey(AnvilNode.DevelopmentKeys[4]);
        var wallet = await ContractArtifact.DeployAsync(node.Web3For(0), RepositoryPaths.Combine("contracts", "artifacts"), "TestWallet", [walletOwner.GetPublicAddress()]);
        await owner.RegisterAuditorAsync(wallet, "Wallet Audit AG");
        var digestLine = CliRunner.Run(["auditor", "cosign", .. at, "--digest-only"]);
        Assert.True(digestLine.Exit == 0, digestLine.Error);
        var digest = Convert.FromHexString(digestLine.Output.Split('\n').Single(l => l.StartsWith("digest: 0x", StringComparison.Ordinal))[10..].Trim());
        var foreign = Convert.ToHexStringLower(CoSignStatement.Sign(digest, EthECKey.GenerateKey()));
        var refused = CliRunner.Run(["auditor", "cosign", .. at, "--key-file", KeyFile(3), "--auditor", wallet, "--signature", foreign]);
        Assert.Equal(1, refused.Exit);
        Assert.Contains("InvalidCoSignature", refused.Error, StringComparison.Ordinal);
        var relayed = CliRunner.Run(["auditor", "cosign", .. at, "--key-file", KeyFile(3), "--auditor", wallet, "--signature", Convert.ToHexStringLower(CoSignStatement.Sign(digest, walletOwner))]);
        Assert.True(relayed.Exit == 0, relayed.Output + relayed.Error);

        var list = CliRunner.Run("auditor", "list", "--rpc", node.RpcUrl, "--registry", registry.Address, "--publisher", ProvenEpochFixture.Publisher, "--epoch", number.ToString(CultureInfo.InvariantCulture));
        Assert.Contains("co-signed: by Key Audit LLP", list.Output, StringComparison.Ordinal);
        Assert.Contains("co-signed: by Wallet Audit AG", list.Output, StringComparison.Ordinal);
        var reportHash = "0x" + Convert.ToHexStringLower(new Nethereum.Util.Sha3Keccack().CalculateHash(await File.ReadAllBytesAsync(reportPath)));
        Assert.Equal(2, list.Output.Split('\n').Count(l => l.Contains(reportHash, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_prover_writes_the_registrys_record_of_each_published_epoch_for_the_api_disputes_co_signatures_and_a_missed_window()
    {
        var registry = await WindowedRegistry.DeployAsync(node, publishers: [0]);
        await node.MinePastAsync(registry.FirstEnd);
        var directory = await epoch.ProveForAsync(registry.FirstEnd);
        // Published as the prover publishes, so the manifest records the registry.
        await Prover.RegistryPublisher.PublishAsync(directory, node.Web3For(0), registry.Address, allowInsecureKeys: false);
        var target = new Prover.RegistryTarget(node.RpcUrl, registry.Address, Core.Chains.ChainId.Evm(31337));
        var epochs = Path.GetDirectoryName(directory)!;
        var record = Path.Combine(directory, Prover.RegistryStatus.FileName);

        Assert.True(await Prover.RegistryStatus.WriteAsync(epochs, target, ProvenEpochFixture.Publisher, DateTimeOffset.UtcNow) >= 1);
        var fresh = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(record))!;
        Assert.Equal(("published", false, 0, 0), (fresh["status"]!.GetValue<string>(), fresh["doubleClaimed"]!.GetValue<bool>(), fresh["disputes"]!["filed"]!.GetValue<int>(), fresh["coSignatures"]!.AsArray().Count));
        Assert.Null(fresh["missedEpoch"]);

        // A dispute, a co-signature, and the next window left unpublished past its deadline.
        await registry.As(node, 2).DisputeAsync(ProvenEpochFixture.Publisher, registry.FirstEnd, FiledDispute.Hash(new byte[32], "no proof for me"));
        var auditor = new EthECKey(AnvilNode.DevelopmentKeys[3]);
        await registry.As(node, 0).RegisterAuditorAsync(auditor.GetPublicAddress(), "Example Audit LLP");
        var report = new byte[32];
        await registry.As(node, 3).CoSignAsync(ProvenEpochFixture.Publisher, registry.FirstEnd, auditor.GetPublicAddress(), report,
            CoSignStatement.Sign(await registry.As(node, 3).CoSignDigestAsync(ProvenEpochFixture.Publisher, registry.FirstEnd, report), auditor));
        var next = registry.FirstEnd + WindowedRegistry.Window;
        await node.MinePastAsync(next + 3_600 + 1, oneBlock: true);

        await Prover.RegistryStatus.WriteAsync(epochs, target, ProvenEpochFixture.Publisher, DateTimeOffset.UtcNow);
        var later = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(record))!;
        Assert.Equal(1, later["disputes"]!["filed"]!.GetValue<int>());
        Assert.Equal(0, later["disputes"]!["answered"]!.GetValue<int>());
        var signed = Assert.Single(later["coSignatures"]!.AsArray())!;
        Assert.Equal(("Example Audit LLP", auditor.GetPublicAddress()), (signed["name"]!.GetValue<string>(), signed["auditor"]!.GetValue<string>()));
        Assert.Equal(next, later["missedEpoch"]!.GetValue<ulong>());
        Assert.Equal(registry.FirstEnd, later["latestEpoch"]!.GetValue<ulong>());
    }
}
