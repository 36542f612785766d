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

// The path from a leaf (its hash and its sums, the balances) to the root: at level i the running node and
// sibling i (hash and sums, `siblingIsLeft[i]` = 1 when the sibling is the left child) hash to the next
// node, whose sums are theirs added. Every sibling sum and every partial sum is range-checked to 64 bits
// (docs/proofs.md, "Soundness"); the caller range-checks the leaf's own balances.
template MerklePath(D, K) {
    signal input leafHash;
    signal input balances[K];
    signal input siblingHashes[D];
    signal input siblingSums[D][K];
    signal input siblingIsLeft[D];
    signal output rootHash;

    signal hashes[D + 1];
    signal sums[D + 1][K];
    hashes[0] <== leafHash;
    for (var k = 0; k < K; k++) {
        sums[0][k] <== balances[k];
    }

    component nodes[D];
    component siblingRange[D][K];
    component sumRange[D][K];
    signal leftHash[D];
    signal leftSums[D][K];
    for (var i = 0; i < D; i++) {
        siblingIsLeft[i] * (1 - siblingIsLeft[i]) === 0;
        // left = sibling when it is on the left, else the running node; right is the other one.
        leftHash[i] <== hashes[i] + siblingIsLeft[i] * (siblingHashes[i] - hashes[i]);
        nodes[i] = NodeHash(K);
        nodes[i].leftHash <== leftHash[i];
        nodes[i].rightHash <== hashes[i] + siblingHashes[i] - leftHash[i];
        for (var k = 0; k < K; k++) {
            siblingRange[i][k] = RangeCheck(64);
            siblingRange[i][k].in <== siblingSums[i][k];
            leftSums[i][k] <== sums[i][k] + siblingIsLeft[i] * (siblingSums[i][k] - sums[i][k]);
            nodes[i].leftSums[k] <== leftSums[i][k];
            nodes[i].rightSums[k] <== sums[i][k] + siblingSums[i][k] - leftSums[i][k];
            sums[i + 1][k] <== sums[i][k] + siblingSums[i][k];
            sumRange[i][k] = RangeCheck(64);
            sumRange[i][k].in <== sums[i + 1][k];
        }
        hashes[i + 1] <== nodes[i].hash;
    }
    rootHash <== hashes[D];
}
