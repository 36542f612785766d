using System.Numerics;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace Aggregator.Chains.Evm.Registry;

/// <summary>
/// The SolvencyRegistry contract (contracts/src/SolvencyRegistry.sol) over JSON-RPC. Every transaction
/// carries an explicit gas limit: an estimated one can leave a Groth16 verifier short of gas, and
/// the snarkjs verifier then answers false instead of reverting.
/// </summary>
public sealed class SolvencyRegistryClient
{
    /// <summary>Gas for publish: the verifier's pairing check alone takes about 200k.</summary>
    public static readonly HexBigInteger PublishGas = new(1_000_000);

    private static readonly Lazy<(string Abi, string Bytecode)> Artifact = new(() => ContractArtifact.Embedded("SolvencyRegistry"));

    private readonly Contract _contract;
    private readonly IWeb3 _web3;
    private readonly string _address;
    private readonly string _from;

    public SolvencyRegistryClient(IWeb3 web3, string registryAddress, string from)
    {
        ArgumentNullException.ThrowIfNull(web3);
        _contract = web3.Eth.GetContract(Artifact.Value.Abi, registryAddress);
        (_web3, _address, _from) = (web3, registryAddress, from);
    }

    public static string Abi => Artifact.Value.Abi;

    public static string Bytecode => Artifact.Value.Bytecode;

    /// <summary>
    /// Publishes the sender's commitment for an epoch. A call first surfaces a revert with its reason
    /// (unauthorized publisher, epoch not increasing or in the future, invalid proof); then the
    /// transaction is sent and its receipt awaited.
    /// </summary>
    /// <exception cref="RegistryRejectedException">The registry refused the publication.</exception>
    public async Task<TransactionReceipt> PublishAsync(
        ulong epoch, BigInteger commitment, BigInteger paramsHash, IReadOnlyList<BigInteger> reserves, IReadOnlyList<BigInteger> proof, PublicationLinks? links = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reserves);
        ArgumentNullException.ThrowIfNull(proof);
        await RequireCodeAsync().ConfigureAwait(false);
        var publish = _contract.GetFunction("publish");
        // Chained onto the sender's latest stored commitment unless the caller says otherwise.
        var previous = links?.PrevCommitment ?? await LatestCommitmentAsync(_from).ConfigureAwait(false);
        object[] arguments = [epoch, commitment, paramsHash, reserves.ToList(), links?.ClaimsRoot ?? new byte[32], previous, proof.ToList()];
        try
        {
            await publish.CallAsync<bool>(_from, PublishGas, new HexBigInteger(0), arguments).ConfigureAwait(false);
        }
        catch (SmartContractCustomErrorRevertException error)
        {
            throw new RegistryRejectedException($"the registry rejects the publication: {ErrorName(error)}");
        }
        catch (Nethereum.ABI.FunctionEncoding.SmartContractRevertException error)
        {
            throw new RegistryRejectedException($"the registry rejects the publication: {error.RevertMessage}");
        }
        var receipt = await publish.SendTransactionAndWaitForReceiptAsync(_from, PublishGas, new HexBigInteger(0), null, arguments).ConfigureAwait(false);
        if (receipt.Status?.Value != 1)
        {
            throw new RegistryRejectedException($"the publication transaction {receipt.TransactionHash} reverted");
        }
        // Published means stored: read it back.
        var stored = await CommitmentOfAsync(_from, epoch).ConfigureAwait(false);
        if (stored is null || stored.Commitment != commitment || stored.ParamsHash != paramsHash)
        {
            throw new RegistryRejectedException($"the publication transaction {receipt.TransactionHash} was mined, but {_address} does not hold the commitment for epoch {epoch}: not a SolvencyRegistry");
        }
        return receipt;
    }

    // An address without code (an account, a precompile, a contract not deployed on this chain) answers
    // every call and takes every transaction without storing anything: "published" would be false.
    private async Task RequireCodeAsync()
    {
        var code = await _web3.Eth.GetCode.SendRequestAsync(_address).ConfigureAwait(false);
        if (string.IsNullOrEmpty(code) || code == "0x")
        {
            throw new RegistryRejectedException($"there is no contract at {_address} on this chain: nothing would be stored or read there");
        }
    }

    /// <summary>
    /// Publishes the sender's commitment for an epoch once, and returns the publication's transaction. A
    /// publication of exactly this commitment already mined (a crash between sending and recording it) is
    /// found and returned, not sent again: the registry would refuse the epoch as not increasing. The call
    /// waits first for the chain's clock to pass the epoch, since the registry refuses an epoch in its
    /// future and a chain's clock trails the wall clock by up to a block interval.
    /// </summary>
    /// <exception cref="RegistryRejectedException">The registry refused the publication, holds another commitment for the epoch, or the chain's clock did not pass the epoch within a minute.</exception>
    public async Task<string> PublishOnceAsync(
        ulong epoch, BigInteger commitment, BigInteger paramsHash, IReadOnlyList<BigInteger> reserves, IReadOnlyList<BigInteger> proof, PublicationLinks? links = null, CancellationToken cancellationToken = default)
    {
        await WaitForChainTimeAsync(epoch, cancellationToken).ConfigureAwait(false);
        return await CommitmentOfAsync(_from, epoch).ConfigureAwait(false) switch
        {
            null => (await PublishAsync(epoch, commitment, paramsHash, reserves, proof, links, cancellationToken).ConfigureAwait(false)).TransactionHash,
            var stored when stored.Commitment == commitment && stored.ParamsHash == paramsHash =>
                await PublicationTransactionAsync(_from, epoch).ConfigureAwait(false)
                    ?? throw new RegistryRejectedException($"the registry holds epoch {epoch}'s commitment, but no CommitmentPublished event for it"),
            var stored => throw new RegistryRejectedException($"the registry already holds another commitment ({stored.Commitment}) for publisher {_from}, epoch {epoch}"),
        };
    }

    private async Task WaitForChainTimeAsync(ulong epoch, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var latest = await _web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()).ConfigureAwait(false);
            if (latest.Timestamp.Value >= epoch)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new RegistryRejectedException($"the chain's latest block (time {latest.Timestamp.Value}) is still before epoch {epoch} after a minute: the registry would refuse the epoch as in the future");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The transaction that published a publisher's epoch (its CommitmentPublished event), or null when none did.</summary>
    public async Task<string?> PublicationTransactionAsync(string publisher, ulong epoch)
    {
        var published = _contract.GetEvent("CommitmentPublished");
        var filter = published.CreateFilterInput(new object[] { publisher }, new object[] { epoch }, BlockParameter.CreateEarliest(), BlockParameter.CreateLatest());
        var logs = await published.GetAllChangesDefaultAsync(filter).ConfigureAwait(false);
        return logs.FirstOrDefault()?.Log.TransactionHash;
    }

    /// <summary>The block that holds a mined transaction, and its time.</summary>
    /// <exception cref="RegistryRejectedException">The node knows no receipt for it.</exception>
    public async Task<(ulong Number, DateTimeOffset Time)> BlockOfAsync(string transaction)
    {
        var receipt = await _web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(transaction).ConfigureAwait(false)
            ?? throw new RegistryRejectedException($"the node has no receipt for the publication transaction {transaction}");
        var block = await _web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(receipt.BlockNumber).ConfigureAwait(false);
        return ((ulong)receipt.BlockNumber.Value, DateTimeOffset.FromUnixTimeSeconds((long)block.Timestamp.Value));
    }

    /// <summary>The commitment and paramsHash stored for a publisher's epoch, or null when that epoch was never published.</summary>
    /// <exception cref="RegistryRejectedException">There is no contract at the registry's address.</exception>
    public async Task<StoredCommitment?> CommitmentOfAsync(string publisher, ulong epoch)
    {
        await RequireCodeAsync().ConfigureAwait(false);
        try
        {
            var stored = await _contract.GetFunction("commitmentOf").CallDeserializingToObjectAsync<StoredCommitment>(publisher, epoch).ConfigureAwait(false);
            return stored;
        }
        catch (SmartContractCustomErrorRevertException)
        {
            return null;
        }
    }

    /// <summary>The reserves (proof units, in the commitment's asset order) stored for a publisher's epoch.</summary>
    public async Task<IReadOnlyList<BigInteger>> ReservesOfAsync(string publisher, ulong epoch) =>
        await _contract.GetFunction("reservesOf").CallAsync<List<BigInteger>>(publisher, epoch).ConfigureAwait(false);

    /// <summary>How many epochs the publisher has published with this paramsHash (one asset layout): the rounds a feed bound to it has.</summary>
    public Task<BigInteger> PublicationCountAsync(string publisher, BigInteger paramsHash) =>
        _contract.GetFunction("publicationCount").CallAsync<BigInteger>(publisher, paramsHash);

    public Task<ulong> LatestEpochAsync(string publisher) => _contract.GetFunction("latestEpoch").CallAsync<ulong>(publisher);

    /// <summary>The publisher's latest stored commitment (0 before its first): what its next publication must name.</summary>
    public Task<BigInteger> LatestCommitmentAsync(string publisher) => _contract.GetFunction("latestCommitment").CallAsync<BigInteger>(publisher);

    /// <summary>The root over the reserve addresses a publication counted.</summary>
    public Task<byte[]> ClaimsRootOfAsync(string publisher, ulong epoch) => _contract.GetFunction("claimsRootOf").CallAsync<byte[]>(publisher, epoch);

    /// <summary>Whether a publication was proven to claim an address another publisher claimed too.</summary>
    public Task<bool> DoubleClaimedAsync(string publisher, ulong epoch) => _contract.GetFunction("doubleClaimed").CallAsync<bool>(publisher, epoch);

    /// <summary>
    /// Proves on chain that two publishers' publications both counted the EVM address <paramref name="claimed"/>
    /// on <paramref name="chain"/>: each side's path in its claims root and the address's signature of its
    /// ownership message for that publication.
    /// </summary>
    /// <exception cref="RegistryRejectedException">The registry finds no double claim (its reason says why).</exception>
    public Task<TransactionReceipt> ChallengeAsync(DoubleClaimSide a, DoubleClaimSide b, string chain, string claimed)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return SendAsync("challenge", "the challenge", new HexBigInteger(500_000), a.Encode(), b.Encode(), chain, claimed);
    }

    /// <summary>Checks an inclusion proof on chain against the stored root of a publisher's epoch.</summary>
    public Task<bool> VerifyInclusionAsync(string publisher, ulong epoch, BigInteger leafHash, IReadOnlyList<BigInteger> proof) =>
        _contract.GetFunction("verifyInclusion").CallAsync<bool>(publisher, epoch, leafHash, proof.ToList());

    /// <summary>
    /// Gas an inclusion check uses, measured by running the view function as a transaction with an
    /// explicit limit (estimation is useless here: short of gas, the verifier answers false instead of failing).
    /// </summary>
    public async Task<BigInteger> MeasureInclusionGasAsync(string publisher, ulong epoch, BigInteger leafHash, IReadOnlyList<BigInteger> proof)
    {
        var receipt = await _contract.GetFunction("verifyInclusion")
            .SendTransactionAndWaitForReceiptAsync(_from, PublishGas, new HexBigInteger(0), null, publisher, epoch, leafHash, proof.ToList()).ConfigureAwait(false);
        return receipt.GasUsed.Value;
    }

    /// <summary>
    /// Announces the sender's institution and windows, once (the registry refuses a second announcement,
    /// a first window already started, or more than 64 samples).
    /// </summary>
    /// <exception cref="RegistryRejectedException">The registry refused the announcement.</exception>
    public async Task<TransactionReceipt> AnnounceAsync(string institution, ulong windowLength, ulong firstWindowEnd, int samples)
    {
        await RequireCodeAsync().ConfigureAwait(false);
        return await SendAsync("announce", "the announcement", new HexBigInteger(300_000), institution, windowLength, firstWindowEnd, (byte)samples).ConfigureAwait(false);
    }

    /// <summary>Records that a publisher's epoch was missed (anyone may; the registry refuses an epoch that is not).</summary>
    /// <exception cref="RegistryRejectedException">The epoch is not missed, or already recorded.</exception>
    public Task<TransactionReceipt> MarkMissedAsync(string publisher, ulong epoch) =>
        SendAsync("markMissed", $"marking epoch {epoch} missed", new HexBigInteger(100_000), publisher, epoch);

    /// <summary>A publisher's announced windows and institution, or null before its announcement.</summary>
    public async Task<AnnouncedWindow?> WindowOfAsync(string publisher)
    {
        await RequireCodeAsync().ConfigureAwait(false);
        var window = await _contract.GetFunction("windowOf").CallDeserializingToObjectAsync<WindowOfOutput>(publisher).ConfigureAwait(false);
        if (window.Length == 0)
        {
            return null;
        }
        var institution = await _contract.GetFunction("institutionOf").CallAsync<string>(publisher).ConfigureAwait(false);
        return new AnnouncedWindow(institution, window.Length, window.FirstEnd, window.Samples);
    }

    /// <summary>Where a publisher's epoch stands on the registry now.</summary>
    public async Task<EpochStatus> StatusOfAsync(string publisher, ulong epoch) =>
        (EpochStatus)await _contract.GetFunction("statusOf").CallAsync<byte>(publisher, epoch).ConfigureAwait(false);

    /// <summary>The publisher's latest window whose deadline has passed (0 when none has).</summary>
    public Task<ulong> LatestDueAsync(string publisher) => _contract.GetFunction("latestDue").CallAsync<ulong>(publisher);

    /// <summary>How far apart two publications' window ends may be for an address both counted to be a double claim, in seconds.</summary>
    public Task<ulong> ChallengeDistanceAsync() => _contract.GetFunction("challengeDistance").CallAsync<ulong>();

    /// <summary>The registry's publication delay in seconds.</summary>
    public Task<ulong> PublicationDelayAsync() => _contract.GetFunction("publicationDelay").CallAsync<ulong>();

    // A transaction whose revert is surfaced first by a call, with the registry's error name.
    private async Task<TransactionReceipt> SendAsync(string name, string what, HexBigInteger gas, params object[] arguments)
    {
        var function = _contract.GetFunction(name);
        try
        {
            await function.CallAsync<bool>(_from, gas, new HexBigInteger(0), arguments).ConfigureAwait(false);
        }
        catch (SmartContractCustomErrorRevertException error)
        {
            throw new RegistryRejectedException($"the registry rejects {what}: {ErrorName(error)}");
        }
        var receipt = await function.SendTransactionAndWaitForReceiptAsync(_from, gas, new HexBigInteger(0), null, arguments).ConfigureAwait(false);
        return receipt.Status?.Value == 1 ? receipt : throw new RegistryRejectedException($"{what}: transaction {receipt.TransactionHash} reverted");
    }

    /// <summary>Records a dispute of a publication: keccak256(salt ‖ statement), from the sender (anyone), within 30 days of it.</summary>
    /// <exception cref="RegistryRejectedException">The epoch is not published, or its 30 days are over.</exception>
    public Task<TransactionReceipt> DisputeAsync(string publisher, ulong epoch, byte[] statementHash) =>
        SendAsync("dispute", $"a dispute of epoch {epoch}", new HexBigInteger(200_000), publisher, epoch, statementHash);

    /// <summary>The sender's (the publisher's) answer to one of its epoch's disputes, a hash, once.</summary>
    /// <exception cref="RegistryRejectedException">No such open dispute, already answered, or the 30 days are over.</exception>
    public Task<TransactionReceipt> AnswerDisputeAsync(ulong epoch, ulong index, byte[] answerHash) =>
        SendAsync("answerDispute", $"the answer to dispute {index} of epoch {epoch}", new HexBigInteger(100_000), epoch, index, answerHash);

    /// <summary>Every dispute filed against a publication, in order.</summary>
    public async Task<IReadOnlyList<FiledDispute>> DisputesAsync(string publisher, ulong epoch)
    {
        var count = (ulong)await _contract.GetFunction("disputeCount").CallAsync<BigInteger>(publisher, epoch).ConfigureAwait(false);
        var filed = new List<FiledDispute>();
        for (ulong index = 0; index < count; index++)
        {
            var dispute = await _contract.GetFunction("disputeAt").CallDeserializingToObjectAsync<DisputeOutput>(publisher, epoch, index).ConfigureAwait(false);
            filed.Add(new FiledDispute(dispute.Value.Filer, DateTimeOffset.FromUnixTimeSeconds((long)dispute.Value.FiledAt), dispute.Value.Statement,
                dispute.Value.Answer.All(b => b == 0) ? null : dispute.Value.Answer));
        }
        return filed;
    }

    /// <summary>Registers an auditor under a name (the registry's owner only; an address once).</summary>
    /// <exception cref="RegistryRejectedException">The sender is not the owner, or the address is already known.</exception>
    public Task<TransactionReceipt> RegisterAuditorAsync(string auditor, string name) =>
        SendAsync("registerAuditor", $"registering auditor {auditor}", new HexBigInteger(200_000), auditor, name);

    /// <summary>Revokes an auditor (the registry's owner only): it co-signs nothing more; its past co-signatures stay on record.</summary>
    /// <exception cref="RegistryRejectedException">The sender is not the owner, or the address is no registered, unrevoked auditor.</exception>
    public Task<TransactionReceipt> RevokeAuditorAsync(string auditor) =>
        SendAsync("revokeAuditor", $"revoking auditor {auditor}", new HexBigInteger(100_000), auditor);

    /// <summary>A registered auditor, or null for an address the owner never registered.</summary>
    public Task<RegisteredAttestor?> AuditorOfAsync(string auditor) => AttestorOfAsync("auditorOf", auditor);

    /// <summary>Registers a custodian key under a name (the registry's owner only; an address once).</summary>
    /// <exception cref="RegistryRejectedException">The sender is not the owner, or the address is already known.</exception>
    public Task<TransactionReceipt> RegisterCustodianAsync(string custodian, string name) =>
        SendAsync("registerCustodian", $"registering custodian {custodian}", new HexBigInteger(200_000), custodian, name);

    /// <summary>Revokes a custodian (the registry's owner only): its statements count for no window ending after now.</summary>
    /// <exception cref="RegistryRejectedException">The sender is not the owner, or the address is no registered, unrevoked custodian.</exception>
    public Task<TransactionReceipt> RevokeCustodianAsync(string custodian) =>
        SendAsync("revokeCustodian", $"revoking custodian {custodian}", new HexBigInteger(100_000), custodian);

    /// <summary>A registered custodian, or null for an address the owner never registered.</summary>
    public Task<RegisteredAttestor?> CustodianOfAsync(string custodian) => AttestorOfAsync("custodianOf", custodian);

    private async Task<RegisteredAttestor?> AttestorOfAsync(string function, string address)
    {
        var known = (await _contract.GetFunction(function).CallDeserializingToObjectAsync<AttestorOutput>(address).ConfigureAwait(false)).Value;
        return known.RegisteredAt == 0 ? null
            : new RegisteredAttestor(address, known.Name, DateTimeOffset.FromUnixTimeSeconds((long)known.RegisteredAt),
                known.RevokedAt == 0 ? null : DateTimeOffset.FromUnixTimeSeconds((long)known.RevokedAt));
    }

    /// <summary>The coverage ratios (basis points) a publisher may choose.</summary>
    public async Task<IReadOnlyList<uint>> RatioLadderAsync() =>
        await _contract.GetFunction("ratioLadder").CallAsync<List<uint>>().ConfigureAwait(false);

    /// <summary>
    /// Sets the sender's coverage ratios per asset (basis points, each on the ladder) for every window
    /// that starts after now; returns the first epoch they apply to.
    /// </summary>
    /// <exception cref="RegistryRejectedException">Not an authorized, announced publisher, or a ratio off the ladder.</exception>
    public async Task<(TransactionReceipt Receipt, ulong FromEpoch)> SetCoverageAsync(IReadOnlyList<uint> ratios)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        var receipt = await SendAsync("setCoverage", "setting the coverage ratios", new HexBigInteger(150_000), ratios.ToList()).ConfigureAwait(false);
        var set = receipt.DecodeAllEvents<CoverageSetEvent>().SingleOrDefault()
            ?? throw new RegistryRejectedException($"the coverage transaction {receipt.TransactionHash} logged no CoverageSet: not a SolvencyRegistry");
        return (receipt, set.Event.FromEpoch);
    }

    /// <summary>The coverage ratios (basis points, per asset) a publisher's epoch must prove.</summary>
    /// <exception cref="RegistryRejectedException">There is no contract at the registry's address.</exception>
    public async Task<IReadOnlyList<uint>> CoverageAtAsync(string publisher, ulong epoch)
    {
        await RequireCodeAsync().ConfigureAwait(false);
        return await _contract.GetFunction("coverageAt").CallAsync<List<uint>>(publisher, epoch).ConfigureAwait(false);
    }

    /// <summary>The coverage ratios a publication proved (reverts for an epoch never published).</summary>
    public async Task<IReadOnlyList<uint>> RatiosOfAsync(string publisher, ulong epoch) =>
        await _contract.GetFunction("ratiosOf").CallAsync<List<uint>>(publisher, epoch).ConfigureAwait(false);

    /// <summary>What an auditor signs to co-sign a publication with its report's hash: the publication's figures as the registry stores them.</summary>
    /// <exception cref="RegistryRejectedException">The epoch was never published.</exception>
    public async Task<CoSignStatement> CoSignStatementAsync(string publisher, ulong epoch, byte[] reportHash)
    {
        var stored = await CommitmentOfAsync(publisher, epoch).ConfigureAwait(false)
            ?? throw new RegistryRejectedException($"epoch {epoch} of {publisher} is not published: there is nothing to co-sign");
        var ratios = await RatiosOfAsync(publisher, epoch).ConfigureAwait(false);
        return new CoSignStatement(publisher, epoch, stored.Commitment, stored.ParamsHash,
            await ClaimsRootOfAsync(publisher, epoch).ConfigureAwait(false), await ReservesOfAsync(publisher, epoch).ConfigureAwait(false), ratios, reportHash);
    }

    /// <summary>The registry's own EIP-712 digest of a co-signature (what its coSign checks).</summary>
    public Task<byte[]> CoSignDigestAsync(string publisher, ulong epoch, byte[] reportHash) =>
        _contract.GetFunction("coSignDigest").CallAsync<byte[]>(publisher, epoch, reportHash);

    /// <summary>The chain this client's node serves (a co-signature's domain names it).</summary>
    public async Task<BigInteger> ChainIdAsync() => (await _web3.Eth.ChainId.SendRequestAsync().ConfigureAwait(false)).Value;

    /// <summary>The registry's two verifiers (immutable: new keys mean a new registry).</summary>
    public async Task<(string Solvency, string Inclusion)> VerifiersAsync() =>
        (await _contract.GetFunction("solvencyVerifier").CallAsync<string>().ConfigureAwait(false),
         await _contract.GetFunction("inclusionVerifier").CallAsync<string>().ConfigureAwait(false));

    /// <summary>The runtime code at an address of this chain, 0x-hex (0x when none).</summary>
    public Task<string> CodeAtAsync(string address) => _web3.Eth.GetCode.SendRequestAsync(address);

    /// <summary>The registry's address.</summary>
    public string Address => _address;

    /// <summary>
    /// Records an auditor's co-signature of a publication (anyone may submit it): the auditor's 65-byte
    /// signature of the digest, from its key or accepted by its ERC-1271 wallet.
    /// </summary>
    /// <exception cref="RegistryRejectedException">Not a registered, unrevoked auditor; already co-signed; or a signature that is not the auditor's over this publication.</exception>
    public Task<TransactionReceipt> CoSignAsync(string publisher, ulong epoch, string auditor, byte[] reportHash, byte[] signature) =>
        SendAsync("coSign", $"{auditor}'s co-signature of epoch {epoch}", new HexBigInteger(300_000), publisher, epoch, auditor, reportHash, signature);

    /// <summary>Every co-signature of a publication, in order, with each auditor's name and revocation.</summary>
    public async Task<IReadOnlyList<CoSignatureOnRecord>> CoSignaturesAsync(string publisher, ulong epoch)
    {
        var count = (ulong)await _contract.GetFunction("coSignatureCount").CallAsync<BigInteger>(publisher, epoch).ConfigureAwait(false);
        var signed = new List<CoSignatureOnRecord>();
        for (ulong index = 0; index < count; index++)
        {
            var record = (await _contract.GetFunction("coSignatureAt").CallDeserializingToObjectAsync<CoSignatureOutput>(publisher, epoch, index).ConfigureAwait(false)).Value;
            var auditor = await AuditorOfAsync(record.Auditor).ConfigureAwait(false)
                ?? throw new RegistryRejectedException($"the registry holds a co-signature by {record.Auditor}, which it does not know as an auditor");
            signed.Add(new CoSignatureOnRecord(auditor, record.ReportHash, DateTimeOffset.FromUnixTimeSeconds((long)record.SignedAt)));
        }
        return signed;
    }

    public Task<TransactionReceipt> SetPublisherAsync(string publisher, bool allowed) =>
        _contract.GetFunction("setPublisher").SendTransactionAndWaitForReceiptAsync(_from, new HexBigInteger(100_000), new HexBigInteger(0), null, publisher, allowed);

    // The name of the registry's custom error the revert data encodes, with its arguments (a reason string
    // says which check failed), found by Nethereum's selector match.
    private string ErrorName(SmartContractCustomErrorRevertException error)
    {
        if (_contract.ContractBuilder.ContractABI.Errors.FirstOrDefault(error.IsCustomErrorFor) is not { } abi)
        {
            return $"revert data {error.ExceptionEncodedData}";
        }
        if (abi.InputParameters.Length == 0)
        {
            return abi.Name;
        }
        var data = error.ExceptionEncodedData.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? error.ExceptionEncodedData[2..] : error.ExceptionEncodedData;
        var arguments = new Nethereum.ABI.FunctionEncoding.ParameterDecoder().DecodeDefaultData(data[8..], abi.InputParameters);
        return $"{abi.Name}({string.Join(", ", arguments.Select(a => a.Result is string text ? $"\"{text}\"" : Convert.ToString(a.Result, System.Globalization.CultureInfo.InvariantCulture)))})";
    }
}
