pragma circom 2.1.6;

include "../src/solvency.circom";

component main {public [rootHash, reserves]} = Solvency(4);
