pragma circom 2.1.6;

include "merkle_sum.circom";

// Proves that public `leafHash` = Poseidon(idHash, balances[0..K-1]) is a leaf of a Merkle-sum tree whose
// root hash, bound with the public `paramsHash`, `epoch` and `publisher`, is the public `commitment`,
// with the leaf's sums equal to its balances. Private: idHash, the balances, the path (sibling hashes
// and sums, and which side each sibling is on) and the root hash itself.
// Public signals, in this order: leafHash, commitment, paramsHash, epoch, publisher.
// Every balance, sibling sum and partial sum is range-checked to 64 bits, so no value on the path can
// be negative or wrap around the field (docs/proofs.md, "Soundness").
template Inclusion(D, K) {
    signal input leafHash;
    signal input commitment;
    signal input paramsHash;
    signal input epoch;
    signal input publisher;
    signal input idHash;
    signal input balances[K];
    signal input siblingHashes[D];
    signal input siblingSums[D][K];
    signal input siblingIsLeft[D];

    component leaf = Poseidon(K + 1);
    leaf.inputs[0] <== idHash;
    component balanceRange[K];
    for (var k = 0; k < K; k++) {
        leaf.inputs[1 + k] <== balances[k];
        balanceRange[k] = RangeCheck(64);
        balanceRange[k].in <== balances[k];
    }
    leaf.out === leafHash;

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
    component bound = Commitment();
    bound.rootHash <== hashes[D];
    bound.paramsHash <== paramsHash;
    bound.epoch <== epoch;
    bound.publisher <== publisher;
    bound.commitment === commitment;
}
