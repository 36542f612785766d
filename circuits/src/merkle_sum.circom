pragma circom 2.1.6;

// Building blocks of the Merkle-sum tree of docs/commitment.md, shared by the inclusion and solvency
// circuits so both hash nodes exactly as Aggregator.Commitment does.

include "../node_modules/circomlib/circuits/poseidon.circom";
include "../node_modules/circomlib/circuits/bitify.circom";

// Constrains `in` to [0, 2^bits): no negative (wrapped) value can pass.
template RangeCheck(bits) {
    signal input in;
    component n2b = Num2Bits(bits);
    n2b.in <== in;
}

// Node = Poseidon(lh, ls[0..K-1], rh, rs[0..K-1]).
template NodeHash(K) {
    signal input leftHash;
    signal input leftSums[K];
    signal input rightHash;
    signal input rightSums[K];
    signal output hash;

    component poseidon = Poseidon(2 * K + 2);
    poseidon.inputs[0] <== leftHash;
    poseidon.inputs[K + 1] <== rightHash;
    for (var k = 0; k < K; k++) {
        poseidon.inputs[1 + k] <== leftSums[k];
        poseidon.inputs[K + 2 + k] <== rightSums[k];
    }
    hash <== poseidon.out;
}

// The published commitment (docs/commitment.md, "What is published"):
// Poseidon(rootHash, paramsHash, epoch, publisher). It binds the tree to the meaning of its columns
// (paramsHash), to the epoch and to the publisher, so one proof cannot be replayed under another.
template Commitment() {
    signal input rootHash;
    signal input paramsHash;
    signal input epoch;
    signal input publisher;
    signal output commitment;

    component poseidon = Poseidon(4);
    poseidon.inputs[0] <== rootHash;
    poseidon.inputs[1] <== paramsHash;
    poseidon.inputs[2] <== epoch;
    poseidon.inputs[3] <== publisher;
    commitment <== poseidon.out;
}
