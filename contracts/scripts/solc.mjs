// The one solc configuration of this repository: solc-js as pinned in contracts/package.json, optimizer on
// (200 runs), EVM cancun. compile.mjs writes the artifacts with it; runtime-bytecode.mjs compiles a
// ceremony's verifier with it, so that its runtime code can be compared with a deployed one.
import { createRequire } from "node:module";

const solc = createRequire(import.meta.url)("solc");

export const version = () => solc.version();

/// Compiles { "path.sol": { content } } and returns solc's output; prints every message and exits on an error.
export function compile(sources, outputs = ["abi", "evm.bytecode.object"]) {
  const input = {
    language: "Solidity",
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": outputs } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  for (const message of output.errors ?? []) console.error(message.formattedMessage);
  if ((output.errors ?? []).some((e) => e.severity === "error")) process.exit(1);
  return output;
}
