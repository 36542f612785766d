#!/usr/bin/env node
// The anchor for native verification: snarkjs's groth16.verify timed in one warm process.
// Usage: node bench/verify-snarkjs.mjs VKEY.json PROOF_FILE.json ITERATIONS
// PROOF_FILE is an Aggregator proof document ({ proof, publicSignals }). Warms up for two seconds, then
// times each verification: prints { "msPerVerify": mean, "medianMs": median, "valid": b }.
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
const warmUpEnd = process.hrtime.bigint() + 2_000_000_000n;
while (process.hrtime.bigint() < warmUpEnd) valid = (await snarkjs.groth16.verify(vkey, publicSignals, proof, silent)) && valid;
const n = Number(iterations);
const samples = [];
for (let i = 0; i < n; i++) {
  const start = process.hrtime.bigint();
  valid = (await snarkjs.groth16.verify(vkey, publicSignals, proof, silent)) && valid;
  samples.push(Number(process.hrtime.bigint() - start) / 1e6);
}
samples.sort((a, b) => a - b);
const median = n % 2 === 1 ? samples[(n - 1) / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
const mean = samples.reduce((sum, x) => sum + x, 0) / n;
console.log(JSON.stringify({ msPerVerify: mean, medianMs: median, valid }));
process.exit(0);
