#!/usr/bin/env node
// snarkjs's own verdict on many proofs in one process, for the tests that hold the native verifier to it.
// Usage: node verify-batch.mjs CASES.json   where CASES.json is [{ "vkey": {...}, "proof": {...}, "publicSignals": [...] }, ...]
// Prints a JSON array of booleans; a case snarkjs throws on counts as rejected (false).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const snarkjs = createRequire(import.meta.url)("snarkjs");
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const verdicts = [];
for (const c of cases) {
  try {
    verdicts.push(await snarkjs.groth16.verify(c.vkey, c.publicSignals, c.proof, silent));
  } catch {
    verdicts.push(false);
  }
}
console.log(JSON.stringify(verdicts));
process.exit(0);
