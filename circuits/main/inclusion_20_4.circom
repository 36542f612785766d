pragma circom 2.1.6;

include "../src/inclusion.circom";

component main {public [leafHash, rootHash]} = Inclusion(20, 4);
