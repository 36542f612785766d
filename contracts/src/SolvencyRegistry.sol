// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The snarkjs-generated verifier of solvency(4): public signals
/// [commitment, paramsHash, epoch, publisher, reserves[0..3], ratios[0..3]].
interface ISolvencyVerifier {
    function verifyProof(uint256[2] calldata pA, uint256[2][2] calldata pB, uint256[2] calldata pC, uint256[12] calldata pubSignals)
        external view returns (bool);
}

/// ERC-1271: a contract account (a multisig, a smart wallet) says whether a signature is its own.
interface IERC1271 {
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4);
}

/// The snarkjs-generated verifier of inclusion(20, 4): public signals
/// [leafHash, commitment, paramsHash, epoch, publisher].
interface IInclusionVerifier {
    function verifyProof(uint256[2] calldata pA, uint256[2][2] calldata pB, uint256[2] calldata pC, uint256[5] calldata pubSignals)
        external view returns (bool);
}

/// @title SolvencyRegistry
/// @notice Stores each publisher's per-epoch commitment, only when a Groth16 proof shows the committed
/// liabilities are covered by the stated reserves. The commitment is Poseidon(rootHash, paramsHash,
/// epoch, publisher) (docs/commitment.md): the registry supplies the epoch and msg.sender as public
/// signals itself, so a proof made for one epoch or publisher never verifies for another. Publishers
/// are authorized by the owner. Before its first publication a publisher announces, once, its
/// institution's name, a window length and the number of heights sampled per window, with a first
/// window that has not started yet: its windows then tile time, epoch e being the end of window
/// [e - length, e). An epoch is published only once its window has ended and at most publicationDelay
/// seconds later; an epoch not published by then is missed, for good (anyone may record it with
/// markMissed, and a feed reads the latest due window as missed without it). So the publisher chooses
/// neither when it is measured nor which windows it shows (docs/proofs.md, "Windows"). Anyone can check
/// an inclusion proof against a stored commitment. Proofs are uint256[8]: [a.x, a.y, b.x.c1, b.x.c0,
/// b.y.c1, b.y.c0, c.x, c.y] (the verifier's G2 order). Each publisher's publications are also kept in
/// order per paramsHash (one list per asset layout), so that a Proof-of-Reserve feed bound to one layout
/// reads its latest and past rounds in constant gas, never an epoch of another layout. Auditors,
/// registered by the owner and revocable, co-sign publications with EIP-712 signatures over every stored
/// figure and the hash of their report. Each publisher proves a coverage ratio per asset (reserves at
/// least ratio / 10000 of the hidden liabilities), chosen from RATIO_LADDER before the windows it applies
/// to start: a ratio chosen after the fact would be the highest provable and give the liabilities away.
/// Custodians, registered by the owner and revocable, sign statements that they hold reserve addresses
/// for an institution (checked off chain against custodianOf, docs/proofs.md "Evidence tags").
contract SolvencyRegistry {
    struct Commitment {
        uint256 commitment;
        uint256 paramsHash;
        uint256[4] reserves;
        uint64 publishedAt;
        bytes32 claimsRoot;
        uint32[4] ratios;
    }

    /// A publisher's coverage ratios from the window ending at `fromEpoch` on (until a later change).
    struct CoverageChange {
        uint64 fromEpoch;
        uint32[4] ratios;
    }

    /// A dispute on record: who filed it, keccak256(salt ‖ statement) (nothing of the statement is revealed),
    /// when, and the publisher's answer recorded the same way (0 until it answers).
    struct Dispute {
        address filer;
        uint64 filedAt;
        bytes32 statement;
        bytes32 answer;
    }

    /// One side of a double-claim challenge: a publication and, for the claimed address, its path in that
    /// publication's claims root and its EIP-191 signature of the ownership message for that publication.
    struct Claim {
        address publisher;
        uint64 epoch;
        bytes32[] proof;
        bytes signature;
    }

    /// A publisher's announced windows: epoch e ends window [e - length, e) when e = firstEnd + n * length.
    struct Window {
        uint64 length;
        uint64 firstEnd;
        uint8 samples;
    }

    /// An auditor's co-signature of a publication: who, the hash of its report, when.
    struct CoSignature {
        address auditor;
        bytes32 reportHash;
        uint64 signedAt;
    }

    /// An auditor or a custodian registered by the owner (never by a publisher): its name, when it was
    /// registered, and when it was revoked (0 while it is not).
    struct Attestor {
        string name;
        uint64 registeredAt;
        uint64 revokedAt;
    }

    /// What statusOf answers.
    uint8 public constant NOT_A_WINDOW = 0;
    uint8 public constant OPEN = 1;
    uint8 public constant PUBLISHED = 2;
    uint8 public constant MISSED = 3;

    /// The most heights a window may sample on each chain.
    uint8 public constant MAX_SAMPLES = 64;

    /// How long after a publication disputes of it may be filed, and answered.
    uint64 public constant DISPUTE_PERIOD = 30 days;

    /// The coverage a publication proves until its publisher sets another, in basis points: reserves at
    /// least the liabilities, asset by asset.
    uint32 public constant FULL_COVERAGE = 10_000;

    /// EIP-712: what an auditor signs, and the domain that ties it to this registry on this chain.
    bytes32 public constant COSIGN_TYPEHASH = keccak256(
        "CoSign(address publisher,uint64 epoch,uint256 commitment,uint256 paramsHash,bytes32 claimsRoot,uint256[4] reserves,uint32[4] ratios,bytes32 reportHash)");
    bytes32 private constant DOMAIN_TYPEHASH = keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    address public immutable owner;
    ISolvencyVerifier public immutable solvencyVerifier;
    IInclusionVerifier public immutable inclusionVerifier;
    /// How long after its window's end an epoch may still be published; later it is missed.
    uint64 public immutable publicationDelay;
    /// How far apart two publications' window ends may be for one address claimed in both to be a double claim.
    uint64 public immutable challengeDistance;

    mapping(address => bool) public authorized;
    mapping(address => uint64) public latestEpoch;
    mapping(address => mapping(uint64 => Commitment)) private commitments;
    mapping(address => mapping(uint256 => uint64[])) private publications;
    mapping(address => Window) public windowOf;
    mapping(address => string) public institutionOf;
    mapping(address => mapping(uint64 => bool)) public missedRecorded;
    /// Each publisher's latest stored commitment: the next publication must name it (0 before the first).
    mapping(address => uint256) public latestCommitment;
    /// Publications proven to claim an address another publisher claimed too: permanent.
    mapping(address => mapping(uint64 => bool)) public doubleClaimed;
    mapping(address => mapping(uint64 => Dispute[])) private disputes;
    mapping(address => Attestor) private auditors;
    mapping(address => Attestor) private custodians;
    mapping(address => CoverageChange[]) private coverageChanges;
    mapping(address => mapping(uint64 => CoSignature[])) private coSignatures;
    mapping(address => mapping(uint64 => mapping(address => bool))) public coSignedBy;

    event PublisherAuthorized(address indexed publisher, bool authorized);
    event WindowAnnounced(address indexed publisher, string institution, uint64 windowLength, uint64 firstWindowEnd, uint8 samples);
    event CommitmentPublished(address indexed publisher, uint64 indexed epoch, uint256 commitment, uint256 paramsHash, uint256[4] reserves, bytes32 claimsRoot, uint256 prevCommitment);
    event DisputeFiled(address indexed publisher, uint64 indexed epoch, uint256 index, address filer, bytes32 statement);
    event DisputeAnswered(address indexed publisher, uint64 indexed epoch, uint256 index, bytes32 answer);
    event DoubleClaimProven(address indexed publisherA, uint64 epochA, address indexed publisherB, uint64 epochB, string chain, address claimed);
    event EpochMissed(address indexed publisher, uint64 indexed epoch);
    event AuditorRegistered(address indexed auditor, string name);
    event AuditorRevoked(address indexed auditor);
    event CoSigned(address indexed publisher, uint64 indexed epoch, address indexed auditor, bytes32 reportHash);
    event CustodianRegistered(address indexed custodian, string name);
    event CustodianRevoked(address indexed custodian);
    event CoverageSet(address indexed publisher, uint32[4] ratios, uint64 fromEpoch);

    error NotOwner();
    error NotAuthorized(address publisher);
    error EpochNotIncreasing(uint64 epoch, uint64 latest);
    error EpochInFuture(uint64 epoch, uint256 blockTime);
    error InvalidSolvencyProof();
    error UnknownEpoch(address publisher, uint64 epoch);
    error NotAnnounced(address publisher);
    error AlreadyAnnounced(address publisher);
    error InvalidWindow();
    error NotAWindowEnd(uint64 epoch);
    error PublicationLate(uint64 epoch, uint64 deadline);
    error WindowSkipped(uint64 epoch);
    error NotMissed(address publisher, uint64 epoch);
    error NotChained(uint256 prevCommitment, uint256 latest);
    error NotADoubleClaim(string reason);
    error DisputesClosed(address publisher, uint64 epoch);
    error NoSuchDispute(uint256 index);
    error NotAnAuditor(address auditor);
    error AuditorKnown(address auditor);
    error AlreadyCoSigned(address auditor);
    error InvalidCoSignature(address auditor);
    error NotACustodian(address custodian);
    error CustodianKnown(address custodian);
    error NotOnLadder(uint32 ratio);
    error InvalidAttestor();

    constructor(ISolvencyVerifier solvency, IInclusionVerifier inclusion, uint64 publicationDelay_, uint64 challengeDistance_) {
        owner = msg.sender;
        solvencyVerifier = solvency;
        inclusionVerifier = inclusion;
        publicationDelay = publicationDelay_;
        challengeDistance = challengeDistance_;
    }

    function setPublisher(address publisher, bool allowed) external {
        if (msg.sender != owner) revert NotOwner();
        authorized[publisher] = allowed;
        emit PublisherAuthorized(publisher, allowed);
    }

    /// @notice Announces msg.sender's institution and windows, once: windows of windowLength seconds
    /// tiling time from firstWindowEnd - windowLength, which must not have passed, each sampled at
    /// `samples` heights per chain (docs/proofs.md). Nothing can change them afterwards.
    function announce(string calldata institution, uint64 windowLength, uint64 firstWindowEnd, uint8 samples) external {
        if (!authorized[msg.sender]) revert NotAuthorized(msg.sender);
        if (windowOf[msg.sender].length != 0) revert AlreadyAnnounced(msg.sender);
        if (bytes(institution).length == 0 || windowLength == 0 || samples == 0 || samples > MAX_SAMPLES
            || firstWindowEnd < windowLength || firstWindowEnd - windowLength < block.timestamp) revert InvalidWindow();
        windowOf[msg.sender] = Window(windowLength, firstWindowEnd, samples);
        institutionOf[msg.sender] = institution;
        emit WindowAnnounced(msg.sender, institution, windowLength, firstWindowEnd, samples);
    }

    /// @notice Publishes msg.sender's commitment for an epoch with its reserves and the root over the reserve
    /// addresses it counted (claimsRoot, docs/proofs.md); reverts unless prevCommitment is the publisher's
    /// latest stored commitment (0 for the first: epochs are chained), the epoch ends one of its windows,
    /// that window has ended, its deadline has not passed, no earlier window that could still be published
    /// is skipped, and the solvency proof verifies for exactly this commitment, paramsHash, epoch, sender,
    /// reserves and the publisher's coverage ratios for the epoch (coverageAt).
    function publish(
        uint64 epoch, uint256 commitment, uint256 paramsHash, uint256[4] calldata reserves, bytes32 claimsRoot, uint256 prevCommitment,
        uint256[8] calldata proof
    ) external {
        if (!authorized[msg.sender]) revert NotAuthorized(msg.sender);
        Window memory window = windowOf[msg.sender];
        if (window.length == 0) revert NotAnnounced(msg.sender);
        if (!_isWindowEnd(window, epoch)) revert NotAWindowEnd(epoch);
        if (epoch > block.timestamp) revert EpochInFuture(epoch, block.timestamp);
        if (block.timestamp > uint256(epoch) + publicationDelay) revert PublicationLate(epoch, epoch + publicationDelay);
        uint64 latest = latestEpoch[msg.sender];
        if (epoch <= latest) revert EpochNotIncreasing(epoch, latest);
        if (prevCommitment != latestCommitment[msg.sender]) revert NotChained(prevCommitment, latestCommitment[msg.sender]);
        // Windows end in order and so do their deadlines: the last window skipped is the one that could
        // still be open. Skipped windows whose deadline has passed are missed (statusOf says so).
        if (epoch > window.firstEnd && epoch - window.length > latest
            && block.timestamp <= uint256(epoch - window.length) + publicationDelay) revert WindowSkipped(epoch - window.length);
        uint32[4] memory ratios = coverageAt(msg.sender, epoch);
        uint256[12] memory signals = [
            commitment, paramsHash, uint256(epoch), uint256(uint160(msg.sender)),
            reserves[0], reserves[1], reserves[2], reserves[3],
            uint256(ratios[0]), uint256(ratios[1]), uint256(ratios[2]), uint256(ratios[3])
        ];
        bool valid = solvencyVerifier.verifyProof(
            [proof[0], proof[1]], [[proof[2], proof[3]], [proof[4], proof[5]]], [proof[6], proof[7]], signals);
        if (!valid) revert InvalidSolvencyProof();
        latestEpoch[msg.sender] = epoch;
        latestCommitment[msg.sender] = commitment;
        commitments[msg.sender][epoch] = Commitment(commitment, paramsHash, reserves, uint64(block.timestamp), claimsRoot, ratios);
        publications[msg.sender][paramsHash].push(epoch);
        emit CommitmentPublished(msg.sender, epoch, commitment, paramsHash, reserves, claimsRoot, prevCommitment);
    }

    /// @notice Records, for anyone to see, that a publisher's window ended more than publicationDelay ago
    /// without a publication. Anyone may call it; a missed epoch stays missed.
    function markMissed(address publisher, uint64 epoch) external {
        if (statusOf(publisher, epoch) != MISSED || missedRecorded[publisher][epoch]) revert NotMissed(publisher, epoch);
        missedRecorded[publisher][epoch] = true;
        emit EpochMissed(publisher, epoch);
    }

    /// @notice NOT_A_WINDOW (no window of this publisher ends at epoch), OPEN (its window has not ended,
    /// or it may still be published), PUBLISHED, or MISSED (its deadline passed without a publication).
    function statusOf(address publisher, uint64 epoch) public view returns (uint8) {
        Window memory window = windowOf[publisher];
        if (window.length == 0 || !_isWindowEnd(window, epoch)) return NOT_A_WINDOW;
        if (commitments[publisher][epoch].publishedAt != 0) return PUBLISHED;
        return block.timestamp > uint256(epoch) + publicationDelay ? MISSED : OPEN;
    }

    /// @notice Whether the publisher's latest publication was proven to double-claim (a feed then answers -1).
    function latestDoubleClaimed(address publisher) external view returns (bool) {
        return doubleClaimed[publisher][latestEpoch[publisher]];
    }

    /// @notice The publisher's latest window whose deadline has passed (0 when none has): a feed reads the
    /// publisher as missing when it is later than latestEpoch.
    function latestDue(address publisher) public view returns (uint64) {
        Window memory window = windowOf[publisher];
        if (window.length == 0 || block.timestamp <= uint256(window.firstEnd) + publicationDelay) return 0;
        uint256 due = block.timestamp - publicationDelay - 1; // the latest end whose deadline has passed is <= due
        return uint64(due - (due - window.firstEnd) % window.length);
    }

    /// @notice Records a dispute of a publication, from any address, within DISPUTE_PERIOD of it: an account
    /// whose inclusion check failed, or that got no proof, files keccak256(salt32 ‖ statement) and keeps
    /// the salt and statement to reveal them if it chooses. The count is public and an upper bound (anyone
    /// may file); disputes never change a feed.
    function dispute(address publisher, uint64 epoch, bytes32 statement) external {
        _requireDisputable(publisher, epoch);
        disputes[publisher][epoch].push(Dispute(msg.sender, uint64(block.timestamp), statement, bytes32(0)));
        emit DisputeFiled(publisher, epoch, disputes[publisher][epoch].length - 1, msg.sender, statement);
    }

    /// @notice The publisher's answer to one of its epoch's disputes, recorded the same way (a hash), once,
    /// within DISPUTE_PERIOD of the publication.
    function answerDispute(uint64 epoch, uint256 index, bytes32 answer) external {
        _requireDisputable(msg.sender, epoch);
        Dispute[] storage filed = disputes[msg.sender][epoch];
        if (index >= filed.length || filed[index].answer != bytes32(0) || answer == bytes32(0)) revert NoSuchDispute(index);
        filed[index].answer = answer;
        emit DisputeAnswered(msg.sender, epoch, index, answer);
    }

    /// @notice How many disputes a publication has (an upper bound of real ones: anyone may file).
    function disputeCount(address publisher, uint64 epoch) external view returns (uint256) {
        return disputes[publisher][epoch].length;
    }

    function disputeAt(address publisher, uint64 epoch, uint256 index) external view returns (Dispute memory) {
        return disputes[publisher][epoch][index];
    }

    function _requireDisputable(address publisher, uint64 epoch) private view {
        uint64 publishedAt = commitments[publisher][epoch].publishedAt;
        if (publishedAt == 0 || block.timestamp > uint256(publishedAt) + DISPUTE_PERIOD) revert DisputesClosed(publisher, epoch);
    }

    /// @notice The root over the reserve addresses a publication counted.
    function claimsRootOf(address publisher, uint64 epoch) external view returns (bytes32) {
        commitmentOf(publisher, epoch);
        return commitments[publisher][epoch].claimsRoot;
    }

    /// @notice Proves that two publishers' publications, with window ends at most challengeDistance apart,
    /// both counted the EVM address `claimed` on `chain` (CAIP-2, eip155:…): its leaf is in both claims roots,
    /// and the address signed each publisher's ownership message, which the registry rebuilds from that
    /// publisher's announced institution name and epoch, so a publisher cannot frame a rival by putting the
    /// rival's addresses in its own root. Anyone may call it; both publications are marked doubleClaimed for
    /// good, and their feeds answer -1 while one is a publisher's latest.
    function challenge(Claim calldata a, Claim calldata b, string calldata chain, address claimed) external {
        if (a.publisher == b.publisher) revert NotADoubleClaim("one publisher");
        // ecrecover answers address(0) for a signature it cannot recover: that address proves nothing.
        if (claimed == address(0)) revert NotADoubleClaim("zero address");
        Commitment storage first = commitments[a.publisher][a.epoch];
        Commitment storage second = commitments[b.publisher][b.epoch];
        if (first.publishedAt == 0 || second.publishedAt == 0) revert NotADoubleClaim("not published");
        if ((a.epoch > b.epoch ? a.epoch - b.epoch : b.epoch - a.epoch) > challengeDistance) revert NotADoubleClaim("windows too far apart");
        bytes memory caip2 = bytes(chain);
        if (caip2.length < 8 || bytes7(caip2) != bytes7("eip155:")) revert NotADoubleClaim("not an EVM chain");
        if (doubleClaimed[a.publisher][a.epoch] && doubleClaimed[b.publisher][b.epoch]) revert NotADoubleClaim("already proven");
        bytes32 leaf = keccak256(abi.encode(keccak256(caip2), bytes32(uint256(uint160(claimed)))));
        if (!_inRoot(a.proof, first.claimsRoot, leaf) || !_inRoot(b.proof, second.claimsRoot, leaf)) revert NotADoubleClaim("not in both claims roots");
        if (_signer(_ownershipMessage(institutionOf[a.publisher], chain, claimed, a.epoch), a.signature) != claimed
            || _signer(_ownershipMessage(institutionOf[b.publisher], chain, claimed, b.epoch), b.signature) != claimed) {
            revert NotADoubleClaim("not signed by the address for both");
        }
        doubleClaimed[a.publisher][a.epoch] = true;
        doubleClaimed[b.publisher][b.epoch] = true;
        emit DoubleClaimProven(a.publisher, a.epoch, b.publisher, b.epoch, chain, claimed);
    }

    // OpenZeppelin's MerkleProof: each step hashes the two nodes in ascending order.
    function _inRoot(bytes32[] calldata proof, bytes32 root, bytes32 leaf) private pure returns (bool) {
        bytes32 node = leaf;
        for (uint256 i = 0; i < proof.length; i++) {
            bytes32 sibling = proof[i];
            node = node < sibling ? keccak256(abi.encodePacked(node, sibling)) : keccak256(abi.encodePacked(sibling, node));
        }
        return node == root;
    }

    // The canonical ownership message (docs/reserves.md), the address in lowercase hex.
    function _ownershipMessage(string memory institution, string calldata chain, address claimed, uint64 epoch) private pure returns (bytes memory) {
        return abi.encodePacked(
            "Aggregator proof of reserves ownership\ninstitution: ", institution, "\nchain: ", chain,
            "\naddress: ", _hex(claimed), "\nepoch: ", _decimal(epoch));
    }

    // EIP-191 personal_sign of a message.
    function _signer(bytes memory message, bytes calldata signature) private pure returns (address) {
        return _recover(keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n", _decimal(message.length), message)), signature);
    }

    // r, s, v (27 or 28) with a low s (a high one is the same signature malleated); address(0) for anything else.
    function _recover(bytes32 digest, bytes calldata signature) private pure returns (address) {
        if (signature.length != 65) return address(0);
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (uint256(s) > 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0 || (v != 27 && v != 28)) return address(0);
        return ecrecover(digest, v, r, s);
    }

    function _hex(address value) private pure returns (bytes memory text) {
        text = new bytes(42);
        text[0] = "0";
        text[1] = "x";
        uint160 bits = uint160(value);
        for (uint256 i = 41; i > 1; i--) {
            text[i] = bytes16("0123456789abcdef")[bits & 0xf];
            bits >>= 4;
        }
    }

    function _decimal(uint256 value) private pure returns (bytes memory text) {
        uint256 digits = 1;
        for (uint256 rest = value / 10; rest != 0; rest /= 10) digits++;
        text = new bytes(digits);
        for (uint256 i = digits; i > 0; i--) {
            text[i - 1] = bytes1(uint8(48 + (value % 10)));
            value /= 10;
        }
    }

    /// @notice Registers an auditor under a name (the owner only: a publisher cannot pick who vouches for
    /// it). An address is registered once; a revoked auditor stays revoked.
    function registerAuditor(address auditor, string calldata name) external {
        if (!_register(auditors[auditor], auditor, name)) revert AuditorKnown(auditor);
        emit AuditorRegistered(auditor, name);
    }

    /// @notice Revokes an auditor (the owner only): it co-signs nothing more; its past co-signatures stay on
    /// record, and auditorOf says since when it is revoked.
    function revokeAuditor(address auditor) external {
        if (!_revoke(auditors[auditor])) revert NotAnAuditor(auditor);
        emit AuditorRevoked(auditor);
    }

    function auditorOf(address auditor) external view returns (Attestor memory) {
        return auditors[auditor];
    }

    /// @notice Registers a custodian key under a name (the owner only, as auditors): its EIP-191 signature
    /// of a custody statement (docs/proofs.md) makes a reserve address custodian-attested. An address is
    /// registered once; a revoked custodian stays revoked.
    function registerCustodian(address custodian, string calldata name) external {
        if (!_register(custodians[custodian], custodian, name)) revert CustodianKnown(custodian);
        emit CustodianRegistered(custodian, name);
    }

    /// @notice Revokes a custodian (the owner only): its statements count for no window ending after now.
    function revokeCustodian(address custodian) external {
        if (!_revoke(custodians[custodian])) revert NotACustodian(custodian);
        emit CustodianRevoked(custodian);
    }

    function custodianOf(address custodian) external view returns (Attestor memory) {
        return custodians[custodian];
    }

    // Records a new attestor (false when the address is already known); the owner only.
    function _register(Attestor storage attestor, address account, string calldata name) private returns (bool) {
        if (msg.sender != owner) revert NotOwner();
        if (account == address(0) || bytes(name).length == 0) revert InvalidAttestor();
        if (attestor.registeredAt != 0) return false;
        attestor.name = name;
        attestor.registeredAt = uint64(block.timestamp);
        return true;
    }

    // Revokes a registered, unrevoked attestor (false otherwise); the owner only.
    function _revoke(Attestor storage attestor) private returns (bool) {
        if (msg.sender != owner) revert NotOwner();
        if (attestor.registeredAt == 0 || attestor.revokedAt != 0) return false;
        attestor.revokedAt = uint64(block.timestamp);
        return true;
    }

    /// @notice The coverage ratios a publisher may choose, in basis points (coarse, so that a ratio says
    /// little about the liabilities beyond the floor it proves).
    function ratioLadder() public pure returns (uint32[7] memory) {
        return [uint32(10_000), 10_500, 11_000, 12_000, 12_500, 15_000, 20_000];
    }

    /// @notice Sets msg.sender's coverage ratios per asset, each on the ladder, for every window that
    /// starts after now (the window under way keeps the ratios it started with); CoverageSet names the
    /// first epoch they apply to. A later change before that window starts replaces this one.
    function setCoverage(uint32[4] calldata ratios) external {
        if (!authorized[msg.sender]) revert NotAuthorized(msg.sender);
        Window memory window = windowOf[msg.sender];
        if (window.length == 0) revert NotAnnounced(msg.sender);
        uint32[7] memory ladder = ratioLadder();
        for (uint256 k = 0; k < 4; k++) {
            bool listed = false;
            for (uint256 i = 0; i < ladder.length; i++) listed = listed || ratios[k] == ladder[i];
            if (!listed) revert NotOnLadder(ratios[k]);
        }
        // The end of the first window starting strictly after now.
        uint256 firstStart = window.firstEnd - window.length;
        uint64 fromEpoch = firstStart > block.timestamp
            ? window.firstEnd
            : uint64(window.firstEnd + ((block.timestamp - firstStart) / window.length + 1) * window.length);
        CoverageChange[] storage changes = coverageChanges[msg.sender];
        if (changes.length > 0 && changes[changes.length - 1].fromEpoch == fromEpoch) {
            changes[changes.length - 1].ratios = ratios;
        } else {
            changes.push(CoverageChange(fromEpoch, ratios));
        }
        emit CoverageSet(msg.sender, ratios, fromEpoch);
    }

    /// @notice The coverage ratios a publisher's epoch proves: the latest change from that epoch or
    /// earlier, FULL_COVERAGE before any.
    function coverageAt(address publisher, uint64 epoch) public view returns (uint32[4] memory) {
        CoverageChange[] storage changes = coverageChanges[publisher];
        for (uint256 i = changes.length; i > 0; i--) {
            if (changes[i - 1].fromEpoch <= epoch) return changes[i - 1].ratios;
        }
        return [FULL_COVERAGE, FULL_COVERAGE, FULL_COVERAGE, FULL_COVERAGE];
    }

    /// @notice The coverage a publication proved per asset, in basis points (the ratios an auditor co-signs).
    function ratiosOf(address publisher, uint64 epoch) public view returns (uint32[4] memory) {
        commitmentOf(publisher, epoch);
        return commitments[publisher][epoch].ratios;
    }

    /// @notice The EIP-712 digest an auditor signs to co-sign a publication with its report's hash: every
    /// figure of the publication as stored, under this registry's domain on this chain.
    function coSignDigest(address publisher, uint64 epoch, bytes32 reportHash) public view returns (bytes32) {
        Commitment storage stored = commitments[publisher][epoch];
        uint32[4] memory ratios = ratiosOf(publisher, epoch);
        bytes32 structHash = keccak256(abi.encode(
            COSIGN_TYPEHASH, publisher, epoch, stored.commitment, stored.paramsHash, stored.claimsRoot,
            keccak256(abi.encodePacked(stored.reserves)), keccak256(abi.encode(ratios[0], ratios[1], ratios[2], ratios[3])), reportHash));
        bytes32 domain = keccak256(abi.encode(
            DOMAIN_TYPEHASH, keccak256("Aggregator SolvencyRegistry"), keccak256("1"), block.chainid, address(this)));
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    /// @notice Records a registered, unrevoked auditor's co-signature of a publication, once per auditor.
    /// Anyone may submit it: the signature is the auditor's, over coSignDigest, from its key (low s) or,
    /// for a contract account, accepted by its ERC-1271 isValidSignature.
    function coSign(address publisher, uint64 epoch, address auditor, bytes32 reportHash, bytes calldata signature) external {
        Attestor storage known = auditors[auditor];
        if (known.registeredAt == 0 || known.revokedAt != 0) revert NotAnAuditor(auditor);
        if (coSignedBy[publisher][epoch][auditor]) revert AlreadyCoSigned(auditor);
        bytes32 digest = coSignDigest(publisher, epoch, reportHash);
        bool valid = auditor.code.length > 0
            ? _isValid1271(auditor, digest, signature)
            : _recover(digest, signature) == auditor;
        if (!valid) revert InvalidCoSignature(auditor);
        coSignedBy[publisher][epoch][auditor] = true;
        coSignatures[publisher][epoch].push(CoSignature(auditor, reportHash, uint64(block.timestamp)));
        emit CoSigned(publisher, epoch, auditor, reportHash);
    }

    function coSignatureCount(address publisher, uint64 epoch) external view returns (uint256) {
        return coSignatures[publisher][epoch].length;
    }

    function coSignatureAt(address publisher, uint64 epoch, uint256 index) external view returns (CoSignature memory) {
        return coSignatures[publisher][epoch][index];
    }

    // A wallet that reverts or answers anything but the magic value has not signed.
    function _isValid1271(address wallet, bytes32 digest, bytes calldata signature) private view returns (bool) {
        try IERC1271(wallet).isValidSignature(digest, signature) returns (bytes4 magic) {
            return magic == IERC1271.isValidSignature.selector;
        } catch {
            return false;
        }
    }

    function _isWindowEnd(Window memory window, uint64 epoch) private pure returns (bool) {
        return epoch >= window.firstEnd && (epoch - window.firstEnd) % window.length == 0;
    }

    /// @notice The stored commitment and paramsHash of a publisher's epoch (reverts for an epoch never published).
    function commitmentOf(address publisher, uint64 epoch) public view returns (uint256 commitment, uint256 paramsHash) {
        Commitment storage stored = commitments[publisher][epoch];
        if (stored.publishedAt == 0) revert UnknownEpoch(publisher, epoch);
        return (stored.commitment, stored.paramsHash);
    }

    function reservesOf(address publisher, uint64 epoch) external view returns (uint256[4] memory) {
        commitmentOf(publisher, epoch);
        return commitments[publisher][epoch].reserves;
    }

    /// @notice How many epochs the publisher has published with this paramsHash (one asset layout).
    function publicationCount(address publisher, uint256 paramsHash) external view returns (uint256) {
        return publications[publisher][paramsHash].length;
    }

    /// @notice The publisher's publication number `index` (from 0, in publication order) with this
    /// paramsHash: its epoch, reserves (proof units, in the layout's asset order), coverage ratios (basis
    /// points) and block time.
    function publicationAt(address publisher, uint256 paramsHash, uint256 index)
        external view returns (uint64 epoch, uint256[4] memory reserves, uint32[4] memory ratios, uint64 publishedAt)
    {
        epoch = publications[publisher][paramsHash][index];
        Commitment storage stored = commitments[publisher][epoch];
        return (epoch, stored.reserves, stored.ratios, stored.publishedAt);
    }

    /// @notice True when the inclusion proof shows leafHash is a leaf of the tree committed to by that
    /// publisher for that epoch.
    function verifyInclusion(address publisher, uint64 epoch, uint256 leafHash, uint256[8] calldata proof) external view returns (bool) {
        (uint256 commitment, uint256 paramsHash) = commitmentOf(publisher, epoch);
        return inclusionVerifier.verifyProof(
            [proof[0], proof[1]], [[proof[2], proof[3]], [proof[4], proof[5]]], [proof[6], proof[7]],
            [leafHash, commitment, paramsHash, uint256(epoch), uint256(uint160(publisher))]);
    }
}
