#!/usr/bin/env bash
# Compiles every circuit under circuits/main/ with circom2 --O2 into the given directory (r1cs, wasm, and the
# symbol file that lays out the native witness).
# Usage: bash circuits/scripts/compile.sh OUT_DIR
set -euo pipefail
circuits="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: compile.sh OUT_DIR}"
mkdir -p "$out"
for main in "$circuits"/main/*.circom; do
  node "$circuits/node_modules/circom2/cli.js" "$main" --r1cs --wasm --sym --O2 -o "$out" > "$out/$(basename "$main" .circom).log"
done
