#!/usr/bin/env node
// Groth16 proof with snarkjs: witness from the circuit's wasm, proof from its proving key.
// Usage: node prove.mjs CIRCUIT.wasm CIRCUIT.zkey INPUT.json PROOF_OUT.json PUBLIC_OUT.json
// Called by Aggregator.Proving (SnarkjsProver); a failed witness (an unsatisfied constraint) exits 1.
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const snarkjs = require("snarkjs");
const [wasm, zkey, inputPath, proofPath, publicPath] = process.argv.slice(2);
try {
  const input = JSON.parse(readFileSync(inputPath, "utf8"));
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(input, wasm, zkey);
  writeFileSync(proofPath + ".tmp", JSON.stringify(proof, null, 1));
  renameSync(proofPath + ".tmp", proofPath);
  writeFileSync(publicPath + ".tmp", JSON.stringify(publicSignals, null, 1));
  renameSync(publicPath + ".tmp", publicPath);
  process.exit(0);
} catch (error) {
  console.error(error?.message ?? String(error));
  process.exit(1);
}
