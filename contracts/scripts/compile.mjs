#!/usr/bin/env node
// Compiles contracts/src/*.sol and contracts/generated/*.sol with the pinned solc-js into
// contracts/artifacts/<Contract>.json ({ contractName, abi, bytecode }). Generated; commit the output,
// never edit it by hand. Run from anywhere: node contracts/scripts/compile.mjs
import { readFileSync, readdirSync, writeFileSync, renameSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const solc = createRequire(import.meta.url)("solc");
const sources = {};
for (const folder of ["src", "generated"]) {
  const dir = join(root, folder);
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sol")).sort()) {
    sources[`${folder}/${file}`] = { content: readFileSync(join(dir, file), "utf8") };
  }
}
const input = {
  language: "Solidity",
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors ?? []).filter((e) => e.severity === "error");
for (const message of output.errors ?? []) console.error(message.formattedMessage);
if (errors.length > 0) process.exit(1);
const artifacts = join(root, "artifacts");
mkdirSync(artifacts, { recursive: true });
for (const [source, contracts] of Object.entries(output.contracts)) {
  for (const [name, contract] of Object.entries(contracts)) {
    if (!contract.evm.bytecode.object) continue; // interfaces
    const artifact = { contractName: name, source, compiler: `solc ${solc.version()}`, abi: contract.abi, bytecode: "0x" + contract.evm.bytecode.object };
    const target = join(artifacts, `${name}.json`);
    writeFileSync(target + ".tmp", JSON.stringify(artifact, null, 2) + "\n");
    renameSync(target + ".tmp", target);
    console.log(`wrote ${target}`);
  }
}
