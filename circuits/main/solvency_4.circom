pragma circom 2.1.6;

include "../src/solvency.circom";

component main {public [commitment, paramsHash, epoch, publisher, reserves, ratios]} = Solvency(4);
