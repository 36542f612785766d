// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./CollateralAttestations.sol";

/// A Chainlink-style feed's read side.
interface IPriceFeed {
    function decimals() external view returns (uint8);
    function latestRoundData() external view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}

/// @title TestAttestedLending
/// @notice For the tests and the demo: a protocol that lends against private collateral. It grants a loan
/// only with a collateral attestation that the CollateralAttestations view accepts and that meets its
/// own policy: the institution it trusts, its subject (the borrower), its scope (so a proof made for
/// another protocol or chain cannot be replayed here), its price feeds and weights, an epoch recent
/// enough, a threshold covering the loan, and each nullifier once. Not deployed in production.
contract TestAttestedLending {
    CollateralAttestations public immutable attestations;
    /// The institution whose epochs it accepts.
    address public immutable publisher;
    /// How long after an epoch's end its attestations are accepted, in seconds.
    uint64 public immutable maxEpochAge;
    /// Its own scope: keccak256(abi.encode(chainid, address(this))) mod r.
    uint256 public immutable scope;
    IPriceFeed[4] private feeds;
    uint256[4] private policyWeights;

    mapping(uint256 => bool) public nullifierUsed;
    mapping(address => uint256) public borrowed;

    event LoanGranted(address indexed borrower, uint256 amount, uint64 epoch, uint256 nullifier);

    error NotTheSubject(uint256 subject);
    error NotThisScope(uint256 scope);
    error NullifierUsed(uint256 nullifier);
    error EpochTooOld(uint64 epoch, uint64 oldestAccepted);
    error PriceDisagrees(uint256 asset, uint256 attested, uint256 feed);
    error WeightDisagrees(uint256 asset, uint256 attested, uint256 policy);
    error ThresholdBelowLoan(uint256 threshold, uint256 amount);
    error InvalidAttestation();

    constructor(CollateralAttestations attestations_, address publisher_, IPriceFeed[4] memory feeds_, uint256[4] memory weights_, uint64 maxEpochAge_) {
        attestations = attestations_;
        publisher = publisher_;
        feeds = feeds_;
        policyWeights = weights_;
        maxEpochAge = maxEpochAge_;
        scope = attestations_.scopeOf(address(this));
    }

    /// @notice The price it values asset `k` at: its feed's answer × 10^8, rounded down (0 without a feed).
    function priceOf(uint256 k) public view returns (uint256) {
        if (address(feeds[k]) == address(0)) return 0;
        (, int256 answer,,,) = feeds[k].latestRoundData();
        if (answer <= 0) return 0;
        return uint256(answer) * 1e8 / (10 ** feeds[k].decimals());
    }

    function weightOf(uint256 k) external view returns (uint256) {
        return policyWeights[k];
    }

    /// @notice Lends `amount` (a value × 10^8, in the feeds' unit) to the sender against an attestation
    /// of `epoch` whose threshold covers it.
    function borrow(uint256 amount, uint64 epoch, uint256[16] calldata signals, uint256[8] calldata proof) external {
        if (signals[SIGNAL_SUBJECT] != uint256(uint160(msg.sender))) revert NotTheSubject(signals[SIGNAL_SUBJECT]);
        if (signals[SIGNAL_SCOPE] != scope) revert NotThisScope(signals[SIGNAL_SCOPE]);
        uint256 nullifier = signals[SIGNAL_NULLIFIER];
        if (nullifierUsed[nullifier]) revert NullifierUsed(nullifier);
        if (uint256(epoch) + maxEpochAge < block.timestamp) revert EpochTooOld(epoch, uint64(block.timestamp - maxEpochAge));
        for (uint256 k = 0; k < 4; k++) {
            uint256 price = priceOf(k);
            if (signals[SIGNAL_PRICES + k] != price) revert PriceDisagrees(k, signals[SIGNAL_PRICES + k], price);
            if (signals[SIGNAL_WEIGHTS + k] != policyWeights[k]) revert WeightDisagrees(k, signals[SIGNAL_WEIGHTS + k], policyWeights[k]);
        }
        if (signals[SIGNAL_THRESHOLD] < amount) revert ThresholdBelowLoan(signals[SIGNAL_THRESHOLD], amount);
        if (!attestations.verifyAttestation(publisher, epoch, signals, proof)) revert InvalidAttestation();
        nullifierUsed[nullifier] = true;
        borrowed[msg.sender] += amount;
        emit LoanGranted(msg.sender, amount, epoch, nullifier);
    }
}
