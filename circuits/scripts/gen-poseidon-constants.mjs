#!/usr/bin/env node
// Extracts circomlib's optimized Poseidon parameters (POSEIDON_C, _M, _P, _S for t = 2..17) from
// node_modules/circomlib/circuits/poseidon_constants.circom into the binary resource that
// Aggregator.Crypto embeds. Generated; never edit the output by hand. Run from anywhere:
//   node circuits/scripts/gen-poseidon-constants.mjs
// Output layout (all integers little-endian):
//   "POSEIDON" magic, u32 version = 1, u32 count of widths (16)
//   per width t = 2..17: u32 t, u32 partialRounds, u32 |C|, u32 |S|,
//     then C, M (t*t, M[j][i] at j*t+i), P (t*t, same), S, each element 32 bytes canonical.
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "..", "node_modules", "circomlib", "circuits", "poseidon_constants.circom");
const target = join(here, "..", "..", "src", "Aggregator.Crypto", "Poseidon", "poseidon-constants.bin");
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
const text = readFileSync(source, "utf8");

// Returns, per t, the hex constants of one POSEIDON_X(t) function in source order.
function constantsOf(name) {
  const start = text.indexOf(`function ${name}(t)`);
  if (start < 0) throw new Error(`${name} not found in ${source}`);
  const next = text.indexOf("function ", start + 10);
  const body = text.slice(start, next < 0 ? text.length : next);
  const byWidth = new Map();
  const branches = body.split(/if\s*\(\s*t\s*==\s*(\d+)\s*\)/);
  for (let i = 1; i < branches.length; i += 2) {
    const values = (branches[i + 1].match(/0x[0-9a-fA-F]+/g) ?? []).map((h) => BigInt(h));
    byWidth.set(Number(branches[i]), values);
  }
  return byWidth;
}

const C = constantsOf("POSEIDON_C"), M = constantsOf("POSEIDON_M");
const P = constantsOf("POSEIDON_P"), S = constantsOf("POSEIDON_S");
const chunks = [];
const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); chunks.push(b); };
const fe = (v) => {
  if (v >= R) throw new Error(`constant ${v} is not below r`);
  const b = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) { b[i] = Number(v & 0xffn); v >>= 8n; }
  chunks.push(b);
};
chunks.push(Buffer.from("POSEIDON", "ascii"));
u32(1); u32(16);
for (let t = 2; t <= 17; t++) {
  const nP = PARTIAL_ROUNDS[t - 2];
  const c = C.get(t), m = M.get(t), p = P.get(t), s = S.get(t);
  const expect = [[c, t * 8 + nP, "C"], [m, t * t, "M"], [p, t * t, "P"], [s, nP * (2 * t - 1), "S"]];
  for (const [values, size, label] of expect) {
    if (!values || values.length !== size) throw new Error(`${label} for t=${t}: ${values?.length} constants, expected ${size}`);
  }
  u32(t); u32(nP); u32(c.length); u32(s.length);
  [...c, ...m, ...p, ...s].forEach(fe);
}
writeFileSync(target + ".tmp", Buffer.concat(chunks));
renameSync(target + ".tmp", target);
console.log(`wrote ${target}`);
