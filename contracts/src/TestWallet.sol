// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// A test contract account for ERC-1271: it accepts a hash signed (r, s, v) by its one owner key, as a
/// one-owner multisig or smart wallet would. Used by the tests of auditor co-signatures only.
contract TestWallet {
    address public immutable signer;

    constructor(address signer_) {
        signer = signer_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (signature.length != 65) return 0xffffffff;
        address recovered = ecrecover(hash, uint8(signature[64]), bytes32(signature[0:32]), bytes32(signature[32:64]));
        return recovered != address(0) && recovered == signer ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
    }
}
