pragma circom 2.1.6;

include "../src/collateral.circom";

component main {public [commitment, paramsHash, epoch, publisher, prices, weights, threshold, subject, scope, nullifier]} = Collateral(20, 4);
