using System.Globalization;
using System.Numerics;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.Web3;

namespace Aggregator.Chains.Evm.Registry;

/// <summary>
/// The CollateralAttestations view (contracts/src/CollateralAttestations.sol) over JSON-RPC: it accepts a
/// collateral attestation only for an epoch published on the SolvencyRegistry with the commitment and
/// paramsHash the attestation names, and a proof that verifies.
/// </summary>
public sealed class CollateralAttestationsClient
{
    /// <summary>The BN254 scalar field's modulus r, by which a scope is reduced (the contract's FIELD_MODULUS).</summary>
    public static readonly BigInteger FieldModulus = BigInteger.Parse("21888242871839275222246405745257275088548364400416034343698204186575808495617", CultureInfo.InvariantCulture);

    /// <summary>Gas for the view run as a transaction: the pairing and 16 signals take about 330k.</summary>
    private static readonly HexBigInteger VerifyGas = new(1_000_000);

    private static readonly Lazy<(string Abi, string Bytecode)> Artifact = new(() => ContractArtifact.Embedded("CollateralAttestations"));

    private readonly Contract _contract;
    private readonly string _from;

    public CollateralAttestationsClient(IWeb3 web3, string address, string from)
    {
        ArgumentNullException.ThrowIfNull(web3);
        _contract = web3.Eth.GetContract(Artifact.Value.Abi, address);
        _from = from;
    }

    /// <summary>Deploys the generated collateral verifier (from <paramref name="artifactsDirectory"/>) and the view over <paramref name="registry"/>; returns the view's address.</summary>
    public static async Task<string> DeployAsync(IWeb3 web3, string artifactsDirectory, string registry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        var verifier = await ContractArtifact.DeployAsync(web3, artifactsDirectory, "CollateralVerifier", [], cancellationToken).ConfigureAwait(false);
        var receipt = await web3.Eth.DeployContract.SendRequestAndWaitForReceiptAsync(
            Artifact.Value.Abi, Artifact.Value.Bytecode, web3.TransactionManager.Account.Address, ContractArtifact.DeployGas, cancellationToken, registry, verifier).ConfigureAwait(false);
        return receipt.ContractAddress;
    }

    /// <summary>
    /// The scope of a protocol contract at <paramref name="protocol"/> on chain <paramref name="chainId"/>:
    /// keccak256(abi.encode(uint256 chainId, address protocol)) mod r, as the view's scopeOf computes it.
    /// </summary>
    /// <exception cref="FormatException">The address is not 0x and 40 hex digits.</exception>
    public static BigInteger ScopeOf(ulong chainId, string protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (!EvmAddress.IsValid(protocol))
        {
            throw new FormatException($"'{protocol}' is not an EVM address (0x and 40 hex digits, a mixed-case one checksummed)");
        }
        var words = new byte[64];
        BitConverter.TryWriteBytes(words.AsSpan(24, 8), chainId);
        words.AsSpan(24, 8).Reverse(); // big-endian
        Convert.FromHexString(protocol.AsSpan(2)).CopyTo(words, 44);
        var hash = new Nethereum.Util.Sha3Keccack().CalculateHash(words);
        return new BigInteger(hash, isUnsigned: true, isBigEndian: true) % FieldModulus;
    }

    /// <summary>What the view answers for an attestation's public signals (16, in the circuit's order) and proof (8 words).</summary>
    public Task<bool> VerifyAsync(string publisher, ulong epoch, IReadOnlyList<BigInteger> signals, IReadOnlyList<BigInteger> proof)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(proof);
        return _contract.GetFunction("verifyAttestation").CallAsync<bool>(publisher, epoch, signals.ToList(), proof.ToList());
    }

    /// <summary>The view's own scope computation for <paramref name="protocol"/> on its chain.</summary>
    public Task<BigInteger> ScopeOfAsync(string protocol) => _contract.GetFunction("scopeOf").CallAsync<BigInteger>(protocol);

    /// <summary>
    /// Gas of the view, run as a transaction with an explicit limit (as verifyInclusion is measured:
    /// estimation is useless, since short of gas the verifier answers false instead of failing).
    /// </summary>
    public async Task<BigInteger> MeasureGasAsync(string publisher, ulong epoch, IReadOnlyList<BigInteger> signals, IReadOnlyList<BigInteger> proof)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(proof);
        var receipt = await _contract.GetFunction("verifyAttestation")
            .SendTransactionAndWaitForReceiptAsync(_from, VerifyGas, new HexBigInteger(0), null, publisher, epoch, signals.ToList(), proof.ToList()).ConfigureAwait(false);
        return receipt.GasUsed.Value;
    }
}
