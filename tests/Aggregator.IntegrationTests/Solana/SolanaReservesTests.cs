using System.Text.Json.Nodes;
using Aggregator.Chains.Solana.Encoding;
using Aggregator.Core.Chains;
using Aggregator.Core.Ownership;
using Aggregator.Testing;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Aggregator.IntegrationTests.Solana;

/// <summary>`aggregator reserves` over a Solana cluster: real token accounts, ed25519 ownership proofs.</summary>
[Collection(SolanaServerTests.Name)]
public sealed class SolanaReservesTests(SolanaTestServer server) : IDisposable
{
    private readonly string _workspace = Directory.CreateTempSubdirectory("aggregator-solana-reserves-").FullName;

    public void Dispose() => Directory.Delete(_workspace, recursive: true);

    private static string Sign(string text, Ed25519PrivateKeyParameters key)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, key);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return Base58.Encode(signer.GenerateSignature());
    }

    [Fact]
    public async Task Solana_reserves_are_totalled_with_verified_ed25519_ownership_and_verify_again()
    {
        var mint = await server.CallAsync("test_createMint", 6, "token");
        var addresses = new JsonArray();
        for (var i = 0; i < 3; i++)
        {
            var key = new Ed25519PrivateKeyParameters(new SecureRandom());
            var owner = Base58.Encode(key.GeneratePublicKey().GetEncoded());
            await server.CallAsync("test_airdrop", owner, "2500000000");
            await server.CallAsync("test_mintTo", mint, owner, "1000000");
            var text = new OwnershipMessage("Example Custody Ltd", new ChainId(ChainFamily.Solana, "localnet"), owner, 9).Text;
            var signature = i == 2 ? Sign(text.Replace("epoch: 9", "epoch: 8", StringComparison.Ordinal), key) : Sign(text, key);
            addresses.Add(new JsonObject { ["address"] = owner, ["signedText"] = i == 2 ? text.Replace("epoch: 9", "epoch: 8", StringComparison.Ordinal) : text, ["signature"] = signature });
        }
        var config = Path.Combine(_workspace, "config.json");
        File.WriteAllText(config, new JsonObject
        {
            ["institution"] = "Example Custody Ltd",
            ["solana"] = new JsonArray(new JsonObject
            {
                ["name"] = "litesvm", ["cluster"] = "localnet", ["rpc"] = server.Url.ToString(),
                ["tokens"] = new JsonArray(new JsonObject { ["symbol"] = "USDC", ["mint"] = mint, ["decimals"] = 6 }),
                ["addresses"] = addresses,
            }),
        }.ToJsonString());
        var output = Path.Combine(_workspace, "reserves.json");
        var sweep = CliRunner.Run("reserves", "--config", config, "--epoch", "9", "--out", output);

        Assert.Equal(1, sweep.Exit); // the third address signed for epoch 8: not counted
        Assert.Contains("ownership not proved: signed for epoch 8, expected 9", sweep.Error);
        Assert.Contains("| SOL | 5 |", sweep.Output);
        Assert.Contains("| USDC | 2 |", sweep.Output);
        var document = JsonNode.Parse(File.ReadAllText(output))!;
        Assert.Equal("solana:localnet", document["chains"]![0]!["chain"]!.GetValue<string>());

        var verify = CliRunner.Run("reserves", "verify", output, "--config", config);
        // A slot cannot be read again: the cluster is read now, and never counted as checked.
        Assert.Matches(@"NOT CHECKED: litesvm: slot \d+ not re-readable; balances now \(slot \d+\) as recorded", verify.Output);
        Assert.Contains("signed for epoch 8, expected 9", verify.Output); // the same refusal, found again
    }
}
