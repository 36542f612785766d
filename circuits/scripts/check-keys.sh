#!/usr/bin/env bash
# Fails when a circuit no longer matches the keys committed for it: compiles every circuit under
# circuits/main/ and compares each r1cs's sha256 with circuits/keys/manifest.json, and each symbol file
# (the native witness's layout) with the committed one. CI runs this instead of the setup, which takes
# many minutes. Needs `npm ci` in circuits/. Usable from any working directory.
set -euo pipefail
circuits="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
bash "$circuits/scripts/compile.sh" "$out"
status=0
for r1cs in "$out"/*.r1cs; do
  name="$(basename "$r1cs" .r1cs)"
  actual="$(sha256sum "$r1cs" | cut -d' ' -f1)"
  expected="$(node -e "const m=require('$circuits/keys/manifest.json'); process.stdout.write((m.circuits['$name']||{}).r1csSha256||'')")"
  if [ "$actual" != "$expected" ]; then
    echo "circuit $name no longer matches its committed keys (r1cs sha256 $actual, keys made for ${expected:-nothing}):"
    echo "  rerun 'bash circuits/scripts/setup.sh' (about 15 minutes) and commit circuits/keys and contracts/generated"
    status=1
  elif ! cmp -s "$out/$name.sym" "$circuits/keys/$name.sym"; then
    echo "circuit $name: circuits/keys/$name.sym is not the symbol file circom writes for it (the native witness's layout):"
    echo "  copy $name.sym from 'bash circuits/scripts/compile.sh DIR' into circuits/keys"
    status=1
  else
    echo "circuit $name matches its keys ($actual) and its symbol file"
  fi
done
exit $status
