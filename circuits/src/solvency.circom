pragma circom 2.1.6;

include "merkle_sum.circom";
include "../node_modules/circomlib/circuits/comparators.circom";

// Proves that the tree committed to by public `commitment` (its root hash bound with the public
// `paramsHash`, `epoch` and `publisher`) owes, per asset k, at most public `reserves[k]`: the root's two
// children (private) hash to the root, their sums are below 2^64 and leftSums[k] + rightSums[k] <=
// reserves[k]. Reserves are range-checked to 64 bits so the comparison is exact.
// Public signals, in this order: commitment, paramsHash, epoch, publisher, reserves[0..K-1].
template Solvency(K) {
    signal input commitment;
    signal input paramsHash;
    signal input epoch;
    signal input publisher;
    signal input reserves[K];
    signal input leftHash;
    signal input leftSums[K];
    signal input rightHash;
    signal input rightSums[K];

    component root = NodeHash(K);
    root.leftHash <== leftHash;
    root.rightHash <== rightHash;
    component ranges[3][K];
    component covered[K];
    for (var k = 0; k < K; k++) {
        root.leftSums[k] <== leftSums[k];
        root.rightSums[k] <== rightSums[k];
        ranges[0][k] = RangeCheck(64);
        ranges[0][k].in <== leftSums[k];
        ranges[1][k] = RangeCheck(64);
        ranges[1][k].in <== rightSums[k];
        ranges[2][k] = RangeCheck(64);
        ranges[2][k].in <== reserves[k];
        // Both sides are below 2^65, so a 65-bit comparison cannot wrap.
        covered[k] = LessEqThan(65);
        covered[k].in[0] <== leftSums[k] + rightSums[k];
        covered[k].in[1] <== reserves[k];
        covered[k].out === 1;
    }
    component bound = Commitment();
    bound.rootHash <== root.hash;
    bound.paramsHash <== paramsHash;
    bound.epoch <== epoch;
    bound.publisher <== publisher;
    bound.commitment === commitment;
}
