// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The snarkjs-generated verifier of solvency(4): public signals
/// [commitment, paramsHash, epoch, publisher, reserves[0..3]].
interface ISolvencyVerifier {
    function verifyProof(uint256[2] calldata pA, uint256[2][2] calldata pB, uint256[2] calldata pC, uint256[8] calldata pubSignals)
        external view returns (bool);
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
/// are authorized by the owner; each publisher's epochs are unix times, strictly increasing and never
/// in the future (so no epoch can lock a publisher out). Anyone can check an inclusion proof against a
/// stored commitment. Proofs are uint256[8]: [a.x, a.y, b.x.c1, b.x.c0, b.y.c1, b.y.c0, c.x, c.y] (the
/// verifier's G2 order). Each publisher's publications are also kept in order per paramsHash (one list
/// per asset layout), so that a Proof-of-Reserve feed bound to one layout reads its latest and past rounds
/// in constant gas, never an epoch of another layout.
contract SolvencyRegistry {
    struct Commitment {
        uint256 commitment;
        uint256 paramsHash;
        uint256[4] reserves;
        uint64 publishedAt;
    }

    address public immutable owner;
    ISolvencyVerifier public immutable solvencyVerifier;
    IInclusionVerifier public immutable inclusionVerifier;

    mapping(address => bool) public authorized;
    mapping(address => uint64) public latestEpoch;
    mapping(address => mapping(uint64 => Commitment)) private commitments;
    mapping(address => mapping(uint256 => uint64[])) private publications;

    event PublisherAuthorized(address indexed publisher, bool authorized);
    event CommitmentPublished(address indexed publisher, uint64 indexed epoch, uint256 commitment, uint256 paramsHash, uint256[4] reserves);

    error NotOwner();
    error NotAuthorized(address publisher);
    error EpochNotIncreasing(uint64 epoch, uint64 latest);
    error EpochInFuture(uint64 epoch, uint256 blockTime);
    error InvalidSolvencyProof();
    error UnknownEpoch(address publisher, uint64 epoch);

    constructor(ISolvencyVerifier solvency, IInclusionVerifier inclusion) {
        owner = msg.sender;
        solvencyVerifier = solvency;
        inclusionVerifier = inclusion;
    }

    function setPublisher(address publisher, bool allowed) external {
        if (msg.sender != owner) revert NotOwner();
        authorized[publisher] = allowed;
        emit PublisherAuthorized(publisher, allowed);
    }

    /// @notice Publishes msg.sender's commitment for an epoch with its reserves; reverts unless the
    /// solvency proof verifies for exactly this commitment, paramsHash, epoch, sender and reserves.
    function publish(uint64 epoch, uint256 commitment, uint256 paramsHash, uint256[4] calldata reserves, uint256[8] calldata proof) external {
        if (!authorized[msg.sender]) revert NotAuthorized(msg.sender);
        uint64 latest = latestEpoch[msg.sender];
        if (epoch <= latest) revert EpochNotIncreasing(epoch, latest);
        if (epoch > block.timestamp) revert EpochInFuture(epoch, block.timestamp);
        uint256[8] memory signals = [
            commitment, paramsHash, uint256(epoch), uint256(uint160(msg.sender)),
            reserves[0], reserves[1], reserves[2], reserves[3]
        ];
        bool valid = solvencyVerifier.verifyProof(
            [proof[0], proof[1]], [[proof[2], proof[3]], [proof[4], proof[5]]], [proof[6], proof[7]], signals);
        if (!valid) revert InvalidSolvencyProof();
        latestEpoch[msg.sender] = epoch;
        commitments[msg.sender][epoch] = Commitment(commitment, paramsHash, reserves, uint64(block.timestamp));
        publications[msg.sender][paramsHash].push(epoch);
        emit CommitmentPublished(msg.sender, epoch, commitment, paramsHash, reserves);
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
    /// paramsHash: its epoch, reserves (proof units, in the layout's asset order) and block time.
    function publicationAt(address publisher, uint256 paramsHash, uint256 index)
        external view returns (uint64 epoch, uint256[4] memory reserves, uint64 publishedAt)
    {
        epoch = publications[publisher][paramsHash][index];
        Commitment storage stored = commitments[publisher][epoch];
        return (epoch, stored.reserves, stored.publishedAt);
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
