#!/usr/bin/env node
// The anchor for native verification: snarkjs's groth16.verify timed in one warm process.
// Usage: node bench/verify-snarkjs.mjs VKEY.json PROOF_FILE.json ITERATIONS
// PROOF_FILE is an Aggregator proof document ({ proof, publicSignals }). Prints { "msPerVerify": n, "valid": b }.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), "..", "circuits", "package.json"));
const snarkjs = require("snarkjs");
const [vkeyPath, proofPath, iterations] = process.argv.slice(2);
const vkey = JSON.parse(readFileSync(vkeyPath, "utf8"));
const { proof, publicSignals } = JSON.parse(readFileSync(proofPath, "utf8"));
const silent = { debug() {}, info() {}, warn() {}, error() {} };
let valid = true;
for (let i = 0; i < 100; i++) valid = (await snarkjs.groth16.verify(vkey, publicSignals, proof, silent)) && valid; // warm-up
const n = Number(iterations);
const start = process.hrtime.bigint();
for (let i = 0; i < n; i++) valid = (await snarkjs.groth16.verify(vkey, publicSignals, proof, silent)) && valid;
const ms = Number(process.hrtime.bigint() - start) / 1e6 / n;
console.log(JSON.stringify({ msPerVerify: ms, valid }));
process.exit(0);
