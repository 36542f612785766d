#!/usr/bin/env node
// Prints the runtime (deployed) bytecode, 0x-hex, of contract NAME in FILE.sol compiled with the
// repository's solc configuration (solc.mjs): what `aggregator ceremony verify --registry` compares with
// the code of the registry's verifier. The file is compiled as contracts/generated/ names it.
//   node contracts/scripts/runtime-bytecode.mjs FILE.sol NAME
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { compile } from "./solc.mjs";

const [file, name] = process.argv.slice(2);
if (!file || !name) {
  console.error("usage: runtime-bytecode.mjs FILE.sol NAME");
  process.exit(2);
}
// The source unit is named as compile.mjs names contracts/generated/*.sol: the name is part of the
// metadata whose hash ends the bytecode.
const unit = `generated/${basename(file)}`;
const output = compile({ [unit]: { content: readFileSync(file, "utf8") } }, ["evm.deployedBytecode.object"]);
const contract = output.contracts[unit]?.[name];
if (!contract) {
  console.error(`no contract ${name} in ${file}`);
  process.exit(1);
}
process.stdout.write("0x" + contract.evm.deployedBytecode.object + "\n");
