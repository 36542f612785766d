#!/usr/bin/env node
// The anchor for our Poseidon figures: circomlibjs's Poseidon timed on this machine, in the same run
// as the C# benchmark. Prints one JSON object: { "<inputs>": microsecondsPerCall, ... }.
// Usage: node bench/poseidon-circomlibjs.mjs 2 5 10   (needs `npm ci` in circuits/)
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), "..", "circuits", "package.json"));
const { buildPoseidon } = await import(require.resolve("circomlibjs"));
const poseidon = await buildPoseidon();
const result = {};
for (const width of process.argv.slice(2).map(Number)) {
  let inputs = Array.from({ length: width }, (_, i) => BigInt(i + 1));
  for (let i = 0; i < 200; i++) poseidon(inputs); // warm-up
  const samples = [];
  for (let batch = 0; batch < 5; batch++) {
    const calls = 400;
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) inputs[0] = poseidon.F.toObject(poseidon(inputs));
    samples.push(Number(process.hrtime.bigint() - start) / 1000 / calls);
  }
  samples.sort((a, b) => a - b);
  result[width] = samples[2];
}
console.log(JSON.stringify(result));
