#!/usr/bin/env bash
# Regenerates every committed artefact that a script produces (Poseidon constants, golden vectors,
# compiled contracts, the verifier page) and fails if any differs from what is committed: they are generated, never
# edited by hand. Needs `npm ci` in circuits/, contracts/ and verifier-page/ first. Usable from any working directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
node circuits/scripts/gen-poseidon-constants.mjs
node circuits/scripts/gen-poseidon-vectors.mjs
node circuits/scripts/commitment-reference.mjs
node contracts/scripts/compile.mjs
node verifier-page/build.mjs
generated=(src/Aggregator.Crypto/Poseidon/poseidon-constants.bin circuits/test-vectors contracts/artifacts src/Aggregator.Api/Verifier/verify.html)
if ! git diff --quiet -- "${generated[@]}" || [ -n "$(git status --porcelain -- "${generated[@]}")" ]; then
  git status --short -- "${generated[@]}"
  echo "generated artefacts differ from the committed ones: rerun the scripts above and commit their output"
  exit 1
fi
echo "generated artefacts match"
