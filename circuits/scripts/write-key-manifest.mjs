#!/usr/bin/env node
// Writes circuits/keys/manifest.json: for each circuit the sha256 of the r1cs the keys were made for,
// its constraint count, and where the powers of tau came from. CI compares freshly compiled r1cs
// hashes with it (scripts/check-keys.sh). Called by setup.sh; never edit the output by hand.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const [build, keys, ptauSource, ptauSha256, insecure] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");
const circuits = {};
for (const file of readdirSync(keys).filter((f) => f.endsWith(".zkey")).sort()) {
  const name = file.replace(/\.zkey$/, "");
  const log = readFileSync(join(build, `${name}.log`), "utf8");
  const constraints = Number(/non-linear constraints: (\d+)/.exec(log)[1]) + Number(/linear constraints: (\d+)/.exec(log.replace(/non-linear/g, ""))[1]);
  circuits[name] = {
    r1csSha256: sha256(join(build, `${name}.r1cs`)),
    constraints,
    zkeySha256: sha256(join(keys, `${name}.zkey`)),
    wasmSha256: sha256(join(keys, `${name}.wasm`)),
    symSha256: sha256(join(keys, `${name}.sym`)),
  };
}
const manifest = {
  insecure: insecure === "true",
  ptau: { source: ptauSource, sha256: ptauSha256 },
  tools: {
    circom2: require("../node_modules/circom2/package.json").version,
    snarkjs: require("../node_modules/snarkjs/package.json").version,
  },
  circuits,
};
const target = join(keys, "manifest.json");
writeFileSync(target + ".tmp", JSON.stringify(manifest, null, 2) + "\n");
renameSync(target + ".tmp", target);
console.log(`wrote ${target}`);
