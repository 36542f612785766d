pragma circom 2.1.6;

include "merkle_sum.circom";
include "../node_modules/circomlib/circuits/comparators.circom";

// Proves that the tree committed to by public `commitment` (its root hash bound with the public
// `paramsHash`, `epoch` and `publisher`) is covered, per asset k, at least `ratios[k]` basis points by
// public `reserves[k]`: the root's two children (private) hash to the root, their sums are below 2^64,
// and with L = leftSums[k] + rightSums[k], 10000 * reserves[k] >= ratios[k] * L, where
// 10000 <= ratios[k] < 2^32. The liabilities L stay hidden: only the ratio they clear is public.
// Reserves are range-checked to 64 bits and ratios to 32, so no product wraps the field.
// Public signals, in this order: commitment, paramsHash, epoch, publisher, reserves[0..K-1], ratios[0..K-1].
template Solvency(K) {
    signal input commitment;
    signal input paramsHash;
    signal input epoch;
    signal input publisher;
    signal input reserves[K];
    signal input ratios[K];
    signal input leftHash;
    signal input leftSums[K];
    signal input rightHash;
    signal input rightSums[K];

    component root = NodeHash(K);
    root.leftHash <== leftHash;
    root.rightHash <== rightHash;
    component ranges[4][K];
    component atLeastFull[K];
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
        ranges[3][k] = RangeCheck(32);
        ranges[3][k].in <== ratios[k];
        // A ratio below 10000 basis points would prove less than full coverage.
        atLeastFull[k] = LessEqThan(32);
        atLeastFull[k].in[0] <== 10000;
        atLeastFull[k].in[1] <== ratios[k];
        atLeastFull[k].out === 1;
        // ratios[k] * L < 2^32 * 2^65 = 2^97 and 10000 * reserves[k] < 2^14 * 2^64 = 2^78: a 98-bit
        // comparison of the two cannot wrap.
        covered[k] = LessEqThan(98);
        covered[k].in[0] <== ratios[k] * (leftSums[k] + rightSums[k]);
        covered[k].in[1] <== 10000 * reserves[k];
        covered[k].out === 1;
    }
    component bound = Commitment();
    bound.rootHash <== root.hash;
    bound.paramsHash <== paramsHash;
    bound.epoch <== epoch;
    bound.publisher <== publisher;
    bound.commitment === commitment;
}
