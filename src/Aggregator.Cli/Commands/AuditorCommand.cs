using System.CommandLine;
using System.Globalization;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Core.Errors;
using Nethereum.Signer;
using Nethereum.Web3;

namespace Aggregator.Cli.Commands;

/// <summary>
/// <c>aggregator auditor register | revoke | cosign | list</c>: auditors in the loop (docs/proofs.md,
/// "Auditor co-signatures"). The registry's owner registers and revokes auditors; an auditor co-signs a
/// publication with an EIP-712 signature over every figure the registry stores for it and its report's hash.
/// </summary>
internal static class AuditorCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("auditor", "Auditors on the SolvencyRegistry: register or revoke one (the registry's owner), co-sign a publication (an auditor), list an epoch's co-signatures.");
        command.Subcommands.Add(AttestorRegistration.Command(context, Auditors, revoke: false));
        command.Subcommands.Add(AttestorRegistration.Command(context, Auditors, revoke: true));
        command.Subcommands.Add(CoSign(context));
        command.Subcommands.Add(List(context));
        return command;
    }

    private static readonly AttestorRegistration.Role Auditors = new(
        "auditor", "The auditor's address (a key's, or an ERC-1271 wallet's)",
        "Register an auditor under a name (the registry's owner only, never a publisher; an address once).",
        "Revoke an auditor: it co-signs nothing more; its past co-signatures stay on record, shown as revoked.",
        (client, who, name) => client.RegisterAuditorAsync(who, name), (client, who) => client.RevokeAuditorAsync(who));

    private static Option<string> Publisher() => new("--publisher") { Description = "The publisher of the epoch", Required = true };

    private static Option<ulong> Epoch() => new("--epoch") { Description = "The published epoch", Required = true };

    private static Command CoSign(CliContext context)
    {
        var (rpc, registry, publisher, epoch) = (RegistryOptions.Rpc(), RegistryOptions.Registry(), Publisher(), Epoch());
        var report = new Option<string>("--report") { Description = "The auditor's report: its keccak256 is co-signed", Required = true };
        var keyFile = new Option<string?>("--key-file") { Description = "The sender's key: the auditor's own, which then also signs, unless --signature is given" };
        var auditor = new Option<string?>("--auditor") { Description = "The auditor, when --signature comes from elsewhere (an ERC-1271 wallet, a hardware key)" };
        var signature = new Option<string?>("--signature") { Description = "The auditor's 65-byte signature (hex) of the digest `--digest-only` prints" };
        var digestOnly = new Option<bool>("--digest-only") { Description = "Print the EIP-712 digest to sign and send nothing" };
        var command = new Command("cosign", "Co-sign a publication: an EIP-712 signature over the epoch's commitment, paramsHash, claims root, reserves, coverage ratios and the report's hash, recorded on the registry.")
        {
            rpc, registry, publisher, epoch, report, keyFile, auditor, signature, digestOnly,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var reportPath = parseResult.GetValue(report)!;
            if (!File.Exists(reportPath))
            {
                throw new InputException("the report does not exist", file: reportPath);
            }
            var reportHash = new Nethereum.Util.Sha3Keccack().CalculateHash(await File.ReadAllBytesAsync(reportPath, cancellationToken).ConfigureAwait(false));
            var (who, number, address) = (RegistryOptions.Address(parseResult.GetValue(publisher)!, "--publisher"), parseResult.GetValue(epoch), RegistryOptions.Address(parseResult.GetValue(registry)!, "--registry"));
            var keyPath = parseResult.GetValue(keyFile);
            var web3 = keyPath is null ? new Web3(parseResult.GetValue(rpc)!) : await PublisherKey.ConnectAsync(parseResult.GetValue(rpc)!, keyPath, "--rpc", cancellationToken).ConfigureAwait(false);
            var client = new SolvencyRegistryClient(web3, address, keyPath is null ? who : web3.TransactionManager.Account.Address);
            var statement = await client.CoSignStatementAsync(who, number, reportHash).ConfigureAwait(false);
            var digest = statement.Digest(await client.ChainIdAsync().ConfigureAwait(false), address);
            // The registry computes the digest itself: a different one means another registry than this
            // tool signs for, and a signature of ours would be refused there.
            var registryDigest = await client.CoSignDigestAsync(who, number, reportHash).ConfigureAwait(false);
            if (!digest.SequenceEqual(registryDigest))
            {
                throw new RegistryRejectedException($"the registry at {address} computes another co-signature digest than this tool: not the SolvencyRegistry this version signs for");
            }
            context.Output.WriteLine($"report keccak256: 0x{Convert.ToHexStringLower(reportHash)}");
            context.Output.WriteLine($"digest: 0x{Convert.ToHexStringLower(digest)}");
            if (parseResult.GetValue(digestOnly))
            {
                return ExitCodes.Success;
            }
            if (keyPath is null)
            {
                throw new InputException("co-signing sends a transaction: give --key-file (or --digest-only)", field: "--key-file");
            }
            byte[] signed;
            string signer;
            if (parseResult.GetValue(signature) is { } given)
            {
                var hex = given.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? given[2..] : given;
                signed = hex.Length == 130 && hex.All(char.IsAsciiHexDigit) ? Convert.FromHexString(hex) : throw new InputException("--signature must be 65 bytes of hex", field: "--signature");
                signer = RegistryOptions.Address(parseResult.GetValue(auditor) ?? throw new InputException("--signature needs --auditor: whose signature it is", field: "--auditor"), "--auditor");
            }
            else
            {
                var key = new EthECKey(PublisherKey.ReadKey(keyPath));
                (signed, signer) = (CoSignStatement.Sign(digest, key), key.GetPublicAddress());
            }
            var receipt = await client.CoSignAsync(who, number, signer, reportHash, signed).ConfigureAwait(false);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {number} of {who} co-signed by {signer} in transaction {receipt.TransactionHash} (gas {receipt.GasUsed.Value})"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var (rpc, registry, publisher, epoch) = (RegistryOptions.Rpc(), RegistryOptions.Registry(), Publisher(), Epoch());
        var command = new Command("list", "Every auditor co-signature of a published epoch: the auditor's name and address, its report's hash, and whether it was revoked since.") { rpc, registry, publisher, epoch };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var who = RegistryOptions.Address(parseResult.GetValue(publisher)!, "--publisher");
            var client = new SolvencyRegistryClient(new Web3(parseResult.GetValue(rpc)!), RegistryOptions.Address(parseResult.GetValue(registry)!, "--registry"), who);
            foreach (var line in CoSignatureLines(await client.CoSignaturesAsync(who, parseResult.GetValue(epoch)).ConfigureAwait(false), parseResult.GetValue(epoch)))
            {
                context.Output.WriteLine(line);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>How a verifier shows an epoch's co-signatures: one line each, or one line saying there is none.</summary>
    public static IEnumerable<string> CoSignatureLines(IReadOnlyList<CoSignatureOnRecord> signatures, ulong epoch)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        if (signatures.Count == 0)
        {
            yield return $"co-signed: no auditor has co-signed epoch {epoch}";
        }
        foreach (var signed in signatures)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"co-signed: by {signed.Auditor.Name} ({signed.Auditor.Address}) at {signed.SignedAt:u}, report keccak256 0x{Convert.ToHexStringLower(signed.ReportHash)}{(signed.Auditor.RevokedAt is { } revoked ? $"; auditor REVOKED at {revoked:u}" : "")}");
        }
    }
}
