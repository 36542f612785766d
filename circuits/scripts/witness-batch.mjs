#!/usr/bin/env node
// snarkjs's own witnesses for many inputs in one process, for the tests that hold the native (Wasmtime)
// witness calculator to them. Usage: node witness-batch.mjs CIRCUIT.wasm INPUTS.json
// INPUTS.json is [input, ...]; prints a JSON array with, per input, the witness as decimal strings or
// { "error": message } when snarkjs refuses the input.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const snarkjs = createRequire(import.meta.url)("snarkjs");
const [wasm, inputsPath] = process.argv.slice(2);
const results = [];
for (const input of JSON.parse(readFileSync(inputsPath, "utf8"))) {
  try {
    const wtns = { type: "mem" };
    await snarkjs.wtns.calculate(input, wasm, wtns);
    results.push((await snarkjs.wtns.exportJson(wtns)).map(v => v.toString()));
  } catch (error) {
    results.push({ error: String(error?.message ?? error) });
  }
}
// A large document through a pipe: exit only once it is written (snarkjs leaves workers that keep Node alive).
process.stdout.write(JSON.stringify(results), () => process.exit(0));
