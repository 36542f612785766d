using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Proving;

namespace Aggregator.Testing;

/// <summary>
/// What a publication sends for an epoch directory's solvency proof: the commitment, paramsHash, the four
/// reserves (public signals [commitment, paramsHash, epoch, publisher, reserves[4], ratios[4]]; the
/// registry supplies epoch, publisher and ratios itself) and the proof as the verifier's eight words.
/// </summary>
public sealed record SolvencyArguments(BigInteger Commitment, BigInteger ParamsHash, BigInteger[] Reserves, BigInteger[] Proof)
{
    public static SolvencyArguments Read(string epochDirectory)
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(epochDirectory, EpochProofs.SolvencyProofFile)))!;
        var signals = document["publicSignals"]!.AsArray().Select(s => BigInteger.Parse(s!.GetValue<string>(), CultureInfo.InvariantCulture)).ToArray();
        return new(signals[0], signals[1], signals[4..8], SnarkjsJson.ReadProof(document["proof"]!.ToJsonString()).ToEvmWords());
    }
}
