// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The snarkjs-generated verifier of collateral(20, 4): public signals [commitment, paramsHash, epoch,
/// publisher, prices[0..3], weights[0..3], threshold, subject, scope, nullifier].
interface ICollateralVerifier {
    function verifyProof(uint256[2] calldata pA, uint256[2][2] calldata pB, uint256[2] calldata pC, uint256[16] calldata pubSignals)
        external view returns (bool);
}

// Positions in collateral(20, 4)'s public signals.
uint256 constant SIGNAL_COMMITMENT = 0;
uint256 constant SIGNAL_PARAMS_HASH = 1;
uint256 constant SIGNAL_EPOCH = 2;
uint256 constant SIGNAL_PUBLISHER = 3;
uint256 constant SIGNAL_PRICES = 4;
uint256 constant SIGNAL_WEIGHTS = 8;
uint256 constant SIGNAL_THRESHOLD = 12;
uint256 constant SIGNAL_SUBJECT = 13;
uint256 constant SIGNAL_SCOPE = 14;
uint256 constant SIGNAL_NULLIFIER = 15;

/// What the attestation view reads from the SolvencyRegistry.
interface ISolvencyRegistryReader {
    function commitmentOf(address publisher, uint64 epoch) external view returns (uint256 commitment, uint256 paramsHash);
    function doubleClaimed(address publisher, uint64 epoch) external view returns (bool);
}

/// @title CollateralAttestations
/// @notice The on-chain check of a collateral attestation (docs/proofs.md, "Collateral attestations"),
/// beside the SolvencyRegistry: an account of a published, solvency-proven epoch holds collateral worth
/// at least `threshold` at `prices` and `weights`, for `subject` and `scope`, under `nullifier`. Holds no
/// state: a protocol calls `verifyAttestation` and applies its own policy (its prices, weights, subject,
/// scope, how recent an epoch, once per nullifier).
contract CollateralAttestations {
    /// The BN254 scalar field's modulus: scopes are reduced by it.
    uint256 public constant FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    ISolvencyRegistryReader public immutable registry;
    ICollateralVerifier public immutable verifier;

    constructor(ISolvencyRegistryReader registry_, ICollateralVerifier verifier_) {
        registry = registry_;
        verifier = verifier_;
    }

    /// @notice True only when `publisher` published `epoch` on the registry with the commitment and
    /// paramsHash the signals name, the publication was not proven to double-claim reserves, the signals
    /// name that epoch and publisher, and the proof verifies. False (never a revert) otherwise.
    function verifyAttestation(address publisher, uint64 epoch, uint256[16] calldata signals, uint256[8] calldata proof)
        external view returns (bool)
    {
        if (signals[SIGNAL_EPOCH] != epoch || signals[SIGNAL_PUBLISHER] != uint256(uint160(publisher))) return false;
        try registry.commitmentOf(publisher, epoch) returns (uint256 commitment, uint256 paramsHash) {
            if (signals[SIGNAL_COMMITMENT] != commitment || signals[SIGNAL_PARAMS_HASH] != paramsHash) return false;
        } catch {
            return false; // never published
        }
        if (registry.doubleClaimed(publisher, epoch)) return false;
        return verifier.verifyProof([proof[0], proof[1]], [[proof[2], proof[3]], [proof[4], proof[5]]], [proof[6], proof[7]], signals);
    }

    /// @notice The scope of a protocol at `protocol` on this chain: keccak256(abi.encode(chainid, protocol)) mod r.
    function scopeOf(address protocol) public view returns (uint256) {
        return uint256(keccak256(abi.encode(block.chainid, protocol))) % FIELD_MODULUS;
    }
}
