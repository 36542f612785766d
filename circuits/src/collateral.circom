pragma circom 2.1.6;

include "merkle_sum.circom";
include "../node_modules/circomlib/circuits/comparators.circom";

// 10^(MAX - decimals) for decimals in [0, MAX] (MAX < 32): the exponent's five bits select the factors
// 10^1, 10^2, 10^4, 10^8, 10^16; an exponent above MAX (decimals above MAX) or below 0 (wrapped) fails.
template ScaleToMaxDecimals(MAX) {
    signal input decimals;
    signal output scale;

    signal exponent <== MAX - decimals;
    component bits = Num2Bits(5);
    bits.in <== exponent;
    component notAbove = LessEqThan(5);
    notAbove.in[0] <== exponent;
    notAbove.in[1] <== MAX;
    notAbove.out === 1;
    signal partial[6];
    partial[0] <== 1;
    var factor = 10;
    for (var i = 0; i < 5; i++) {
        partial[i + 1] <== partial[i] * (1 + bits.out[i] * (factor - 1));
        factor = factor * factor;
    }
    scale <== partial[5];
}

// Proves, against a published epoch commitment, that an account's committed balances reach a public
// threshold once valued at public prices and weights (10000 minus the haircut, in basis points), and
// nothing else (docs/proofs.md, "Collateral attestations"):
// - the leaf Poseidon(idHash, balances) is in the tree under the root the commitment binds with
//   `paramsHash`, `epoch` and `publisher` (the inclusion circuit's path and range rules);
// - the asset codes and proof decimals (private) hash to `paramsHash`, so each balance's scale is the
//   layout's: with M = 18 the most proof decimals allowed, Σ b[k]·prices[k]·weights[k]·10^(M − p[k]) ≥
//   threshold·10^4·10^M, which is the inequality at P = max p[k] multiplied on both sides by 10^(M − P);
// - balances, prices and threshold are below 2^64 and weights at most 10000: each term is below
//   2^64·2^64·2^14·2^60 = 2^202, the sum of K ≤ 7 terms below 2^205, the right side below 2^138, and a
//   205-bit comparison of the two is exact;
// - `nullifier` = Poseidon(idHash, scope), and `subject` enters a constraint, so the proof cannot be
//   lifted onto another subject.
// Public signals, in this order: commitment, paramsHash, epoch, publisher, prices[K], weights[K],
// threshold, subject, scope, nullifier.
template Collateral(D, K) {
    var MAX_DECIMALS = 18;
    signal input commitment;
    signal input paramsHash;
    signal input epoch;
    signal input publisher;
    signal input prices[K];
    signal input weights[K];
    signal input threshold;
    signal input subject;
    signal input scope;
    signal input nullifier;
    signal input idHash;
    signal input balances[K];
    signal input siblingHashes[D];
    signal input siblingSums[D][K];
    signal input siblingIsLeft[D];
    signal input assetCodes[K];
    signal input proofDecimals[K];

    // The account's leaf, under the published commitment.
    component leaf = Poseidon(K + 1);
    leaf.inputs[0] <== idHash;
    component balanceRange[K];
    for (var k = 0; k < K; k++) {
        leaf.inputs[1 + k] <== balances[k];
        balanceRange[k] = RangeCheck(64);
        balanceRange[k].in <== balances[k];
    }
    component path = MerklePath(D, K);
    path.leafHash <== leaf.out;
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

    // The layout: paramsHash = Poseidon(D, K, code[0], decimals[0], ..., code[K-1], decimals[K-1]).
    component params = Poseidon(2 + 2 * K);
    params.inputs[0] <== D;
    params.inputs[1] <== K;
    for (var k = 0; k < K; k++) {
        params.inputs[2 + 2 * k] <== assetCodes[k];
        params.inputs[3 + 2 * k] <== proofDecimals[k];
    }
    params.out === paramsHash;

    // The weighted value against the threshold.
    component priceRange[K];
    component weightRange[K];
    component weightAtMostFull[K];
    component scales[K];
    signal value[K];
    signal weighted[K];
    signal scaled[K];
    var total = 0;
    for (var k = 0; k < K; k++) {
        priceRange[k] = RangeCheck(64);
        priceRange[k].in <== prices[k];
        weightRange[k] = RangeCheck(14);
        weightRange[k].in <== weights[k];
        weightAtMostFull[k] = LessEqThan(14);
        weightAtMostFull[k].in[0] <== weights[k];
        weightAtMostFull[k].in[1] <== 10000;
        weightAtMostFull[k].out === 1;
        scales[k] = ScaleToMaxDecimals(MAX_DECIMALS);
        scales[k].decimals <== proofDecimals[k];
        value[k] <== balances[k] * prices[k];
        weighted[k] <== value[k] * weights[k];
        scaled[k] <== weighted[k] * scales[k].scale;
        total += scaled[k];
    }
    component thresholdRange = RangeCheck(64);
    thresholdRange.in <== threshold;
    component reaches = LessEqThan(205);
    reaches.in[0] <== threshold * (10000 * 10 ** MAX_DECIMALS);
    reaches.in[1] <== total;
    reaches.out === 1;

    // One nullifier per account and scope; the subject bound by a constraint.
    component nullifies = Poseidon(2);
    nullifies.inputs[0] <== idHash;
    nullifies.inputs[1] <== scope;
    nullifies.out === nullifier;
    signal subjectSquare <== subject * subject;
}
