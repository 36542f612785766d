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

    component path = MerklePath(D, K);
    path.leafHash <== leafHash;
    for (var k = 0; k < K; k++) {
        path.balances[k] <== balances[k];
    }
    for (var i = 0; i < D; i++) {
        path.siblingHashes[i] <== siblingHashes[i];
        path.siblingIsLeft[i] <== siblingIsLeft[i];
        for (var k = 0; k < K; k++) {
            path.siblingSums[i][k] <== siblingSums[i][k];
        }
    }
    component bound = Commitment();
    bound.rootHash <== path.rootHash;
    bound.paramsHash <== paramsHash;
    bound.epoch <== epoch;
    bound.publisher <== publisher;
    bound.commitment === commitment;
}
