#!/usr/bin/env node
// Compiles contracts/src/*.sol and contracts/generated/*.sol with the pinned solc-js into
// contracts/artifacts/<Contract>.json ({ contractName, abi, bytecode }). Generated; commit the output,
// never edit it by hand. Run from anywhere: node contracts/scripts/compile.mjs
import { readFileSync, readdirSync, writeFileSync, renameSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile, version } from "./solc.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sources = {};
for (const folder of ["src", "generated"]) {
  const dir = join(root, folder);
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sol")).sort()) {
    sources[`${folder}/${file}`] = { content: readFileSync(join(dir, file), "utf8") };
  }
}
const output = compile(sources);
const artifacts = join(root, "artifacts");
mkdirSync(artifacts, { recursive: true });
for (const [source, contracts] of Object.entries(output.contracts)) {
  for (const [name, contract] of Object.entries(contracts)) {
    if (!contract.evm.bytecode.object) continue; // interfaces
    const artifact = { contractName: name, source, compiler: `solc ${version()}`, abi: contract.abi, bytecode: "0x" + contract.evm.bytecode.object };
    const target = join(artifacts, `${name}.json`);
    writeFileSync(target + ".tmp", JSON.stringify(artifact, null, 2) + "\n");
    renameSync(target + ".tmp", target);
    console.log(`wrote ${target}`);
  }
}
