// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The SolvencyRegistry's publication lists, as a feed reads them.
interface IPublications {
    function publicationCount(address publisher, uint256 paramsHash) external view returns (uint256);
    function publicationAt(address publisher, uint256 paramsHash, uint256 index)
        external view returns (uint64 epoch, uint256[4] memory reserves, uint32[4] memory ratios, uint64 publishedAt);
    function latestEpoch(address publisher) external view returns (uint64);
    function latestDue(address publisher) external view returns (uint64);
    function latestDoubleClaimed(address publisher) external view returns (bool);
}

/// @title ProofOfReserveFeed
/// @notice Chainlink's AggregatorV3Interface over one publisher's proven reserves of one asset, or over
/// the coverage ratio it proved for that asset, as the SolvencyRegistry stores them (only with a valid
/// solvency proof). Bound at deployment to a registry, a publisher, a paramsHash (the asset layout: assets
/// in order with their proof decimals, and the depth), the asset's position in that layout and what it
/// measures: an epoch of another layout is never reported. Round n is the publisher's n-th publication
/// with that paramsHash; a RESERVES feed answers the asset's reserves scaled from the layout's proof
/// decimals to this feed's decimals, rounded down; a COVERAGE feed answers the proven ratio in basis
/// points with 4 decimals (10500 is 1.05: reserves at least 105% of the liabilities). The ratio is fixed
/// by the publisher ahead of its windows (SolvencyRegistry.setCoverage), so that feed is constant between
/// changes: it says what is proven, never the liabilities themselves. updatedAt is the publication's block
/// time. latestRoundData never reverts: with nothing published yet, or when the publisher's latest due
/// window was missed (its deadline passed without a publication, docs/proofs.md), or its latest publication
/// was proven to double-claim an address (SolvencyRegistry.challenge), it answers -1, which a
/// Proof-of-Reserve check (Aave's ProofOfReserveAggregator: answer < 0 or supply > answer) reads as
/// unbacked, where a revert would make the check itself revert.
contract ProofOfReserveFeed {
    uint256 public constant version = 1;

    /// What a feed answers: reserves of the asset, or the coverage ratio proven for it.
    uint8 public constant RESERVES = 0;
    uint8 public constant COVERAGE = 1;

    IPublications public immutable registry;
    address public immutable publisher;
    uint256 public immutable paramsHash;
    uint8 public immutable assetIndex;
    uint8 public immutable proofDecimals;
    uint8 public immutable decimals;
    uint8 public immutable measure;
    string public description;

    error UnsupportedLayout();
    error NoDataPresent();

    constructor(
        IPublications registry_, address publisher_, uint256 paramsHash_, uint8 assetIndex_, uint8 proofDecimals_, uint8 decimals_, uint8 measure_,
        string memory description_
    ) {
        // solvency(4) commits four assets; more than 36 decimals of scaling could leave int256; a ratio
        // is in basis points, 4 decimals.
        if (assetIndex_ >= 4 || proofDecimals_ > 36 || decimals_ > 36 || measure_ > COVERAGE || (measure_ == COVERAGE && decimals_ != 4)) {
            revert UnsupportedLayout();
        }
        registry = registry_;
        publisher = publisher_;
        paramsHash = paramsHash_;
        assetIndex = assetIndex_;
        proofDecimals = proofDecimals_;
        decimals = decimals_;
        measure = measure_;
        description = description_;
    }

    function latestRoundData()
        external view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        uint256 count = registry.publicationCount(publisher, paramsHash);
        if (count == 0) {
            return (0, -1, 0, 0, 0);
        }
        (roundId, answer, startedAt, updatedAt, answeredInRound) = _round(count);
        uint64 due = registry.latestDue(publisher);
        if (due > registry.latestEpoch(publisher) || registry.latestDoubleClaimed(publisher)) {
            // A window ended and its deadline passed with nothing published (the last figure is stale), or
            // the latest publication counted reserves another institution counted too.
            answer = -1;
        }
    }

    function getRoundData(uint80 roundId_)
        external view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        if (roundId_ == 0 || roundId_ > registry.publicationCount(publisher, paramsHash)) revert NoDataPresent();
        return _round(roundId_);
    }

    function _round(uint256 round)
        private view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        (, uint256[4] memory reserves, uint32[4] memory ratios, uint64 publishedAt) = registry.publicationAt(publisher, paramsHash, round - 1);
        if (measure == COVERAGE) {
            return (uint80(round), int256(uint256(ratios[assetIndex])), publishedAt, publishedAt, uint80(round));
        }
        uint256 units = reserves[assetIndex];
        // The registry's reserves are proof units below 2^64 (the circuit's range checks): scaled by at
        // most 10^36 they stay far inside int256.
        uint256 scaled = decimals >= proofDecimals
            ? units * 10 ** (decimals - proofDecimals)
            : units / 10 ** (proofDecimals - decimals);
        return (uint80(round), int256(scaled), publishedAt, publishedAt, uint80(round));
    }
}
