#!/usr/bin/env bash
# Compiles the circuits for the deployment's parameters (inclusion D=20 K=4, solvency K=4, collateral
# D=20 K=4) and runs the
# Groth16 setup, writing circuits/keys/ (proving keys, verification keys, witness generators, manifest)
# and contracts/generated/ (Solidity verifiers). Generated; commit the output, never edit it by hand.
#
#   bash circuits/scripts/setup.sh                  # development: a locally generated, INSECURE ptau
#   bash circuits/scripts/setup.sh CEREMONY.ptau    # production: a ceremony's powers of tau (2^15 or more)
#
# Needs `npm ci` in circuits/. The local ptau's `prepare phase2` takes about 10 minutes on 2 cores.
set -euo pipefail
circuits="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$circuits"
ceremony="${1:-}"
build="$circuits/build"
keys="$circuits/keys"
verifiers="$circuits/../contracts/generated"
mkdir -p "$build" "$keys" "$verifiers"
snarkjs() { node "$circuits/node_modules/snarkjs/build/cli.cjs" "$@"; }

bash "$circuits/scripts/compile.sh" "$build"

if [ -n "$ceremony" ]; then
  ptau="$(cd "$(dirname "$ceremony")" && pwd)/$(basename "$ceremony")"
  ptau_source="ceremony file $(basename "$ceremony")"
  insecure=false
else
  ptau="$build/pot15_final.ptau"
  ptau_source="locally generated powers of tau (2^15), one contribution of random entropy: INSECURE, development only"
  insecure=true
  if [ ! -f "$ptau" ]; then
    snarkjs powersoftau new bn128 15 "$build/pot15_0000.ptau"
    snarkjs powersoftau contribute "$build/pot15_0000.ptau" "$build/pot15_0001.ptau" --name="aggregator-dev" -e="$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    snarkjs powersoftau prepare phase2 "$build/pot15_0001.ptau" "$build/pot15_final.ptau.tmp"
    mv "$build/pot15_final.ptau.tmp" "$ptau"
  fi
fi
ptau_sha=$(sha256sum "$ptau" | cut -d' ' -f1)

for circuit in inclusion_20_4 solvency_4 collateral_20_4; do
  snarkjs groth16 setup "$build/$circuit.r1cs" "$ptau" "$build/${circuit}_0000.zkey"
  snarkjs zkey contribute "$build/${circuit}_0000.zkey" "$build/${circuit}.zkey" --name="aggregator-dev" -e="$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  snarkjs zkey export verificationkey "$build/${circuit}.zkey" "$build/${circuit}.vkey.json"
  cp "$build/${circuit}.zkey" "$keys/${circuit}.zkey"
  cp "$build/${circuit}.vkey.json" "$keys/${circuit}.vkey.json"
  cp "$build/${circuit}_js/${circuit}.wasm" "$keys/${circuit}.wasm"
  cp "$build/${circuit}.sym" "$keys/${circuit}.sym"
done
snarkjs zkey export solidityverifier "$keys/inclusion_20_4.zkey" "$verifiers/InclusionVerifier.sol"
snarkjs zkey export solidityverifier "$keys/solvency_4.zkey" "$verifiers/SolvencyVerifier.sol"
snarkjs zkey export solidityverifier "$keys/collateral_20_4.zkey" "$verifiers/CollateralVerifier.sol"
# snarkjs names every verifier Groth16Verifier; give each its own contract name.
sed -i 's/contract Groth16Verifier/contract InclusionVerifier/' "$verifiers/InclusionVerifier.sol"
sed -i 's/contract Groth16Verifier/contract SolvencyVerifier/' "$verifiers/SolvencyVerifier.sol"
sed -i 's/contract Groth16Verifier/contract CollateralVerifier/' "$verifiers/CollateralVerifier.sol"

node "$circuits/scripts/write-key-manifest.mjs" "$build" "$keys" "$ptau_source" "$ptau_sha" "$insecure"
echo "keys written to $keys; verifiers to $verifiers"
