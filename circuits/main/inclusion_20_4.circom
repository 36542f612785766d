pragma circom 2.1.6;

include "../src/inclusion.circom";

component main {public [leafHash, commitment, paramsHash, epoch, publisher]} = Inclusion(20, 4);
