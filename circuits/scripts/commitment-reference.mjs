#!/usr/bin/env node
// An independent reference of the commitment rules in docs/commitment.md, written against circomlibjs
// alone (nothing shared with the C# code). It writes circuits/test-vectors/commitment.json, which the
// C# tests must reproduce. Generated; never edit the output by hand. Run from anywhere:
//   node circuits/scripts/commitment-reference.mjs
import { buildPoseidon } from "circomlibjs";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const poseidon = await buildPoseidon();
const F = poseidon.F;
const H = (inputs) => F.toObject(poseidon(inputs));

// Whole-unit decimal string -> proof units, rounded up.
function proofUnits(text, decimals) {
  if (text === "") return 0n;
  const [whole, fraction = ""] = text.split(".");
  const kept = fraction.slice(0, decimals).padEnd(decimals, "0");
  const dropped = fraction.slice(decimals);
  return BigInt(whole + kept) + (/[1-9]/.test(dropped) ? 1n : 0n);
}

// Minimal RFC 4180 line split (quoted fields, "" escapes).
function splitCsv(line) {
  const out = []; let field = ""; let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { out.push(field); field = ""; }
    else field += c;
  }
  out.push(field);
  return out;
}

function commit(csv, assets, depth, secretHex) {
  const lines = csv.split(/\r?\n/).filter((l) => l.length > 0);
  const header = splitCsv(lines[0]);
  const secret = BigInt("0x" + secretHex.replace(/^0x/, ""));
  const K = assets.length;
  let nodes = lines.slice(1).map((line) => {
    const cells = splitCsv(line);
    const balances = assets.map(([symbol, decimals]) => proofUnits(cells[header.indexOf(symbol)], decimals));
    const accountField = BigInt("0x" + createHash("sha256").update(cells[0], "utf8").digest("hex").slice(0, 62));
    const salt = H([secret, accountField]);
    const idHash = H([accountField, salt]);
    return { idHash, hash: H([idHash, ...balances]), sums: balances };
  });
  nodes.sort((a, b) => (a.idHash < b.idHash ? -1 : a.idHash > b.idHash ? 1 : 0));
  let empty = { hash: 0n, sums: Array(K).fill(0n) };
  for (let level = 0; level < depth; level++) {
    const parents = [];
    for (let i = 0; i < nodes.length; i += 2) {
      const l = nodes[i], r = nodes[i + 1] ?? empty;
      parents.push({ hash: H([l.hash, ...l.sums, r.hash, ...r.sums]), sums: l.sums.map((s, k) => s + r.sums[k]) });
    }
    empty = { hash: H([empty.hash, ...empty.sums, empty.hash, ...empty.sums]), sums: empty.sums };
    nodes = parents.length > 0 ? parents : [empty];
  }
  return nodes[0];
}

// What is published (docs/commitment.md): the root bound to the parameters, the epoch and the publisher.
// assetCode = the symbol's ASCII bytes read as a big-endian integer.
const assetCode = (symbol) => BigInt("0x" + Buffer.from(symbol, "ascii").toString("hex"));
const paramsHash = (assets, depth) =>
  H([BigInt(depth), BigInt(assets.length), ...assets.flatMap(([s, d]) => [assetCode(s), BigInt(d)])]);
const commitment = (rootHash, params, epoch, publisher) => H([rootHash, params, BigInt(epoch), BigInt(publisher)]);

const ledger = "samples/ledger.csv";
const csv = readFileSync(join(root, ledger), "utf8");
const cases = [
  { ledger, assets: [["BTC", 8], ["ETH", 8], ["SOL", 6], ["USDC", 6]], depth: 20, secret: "00112233445566778899aabbccddeeff",
    epoch: 1767225600, publisher: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266" },
  { ledger, assets: [["USDC", 6], ["BTC", 8], ["ETH", 8], ["SOL", 6]], depth: 3, secret: "00112233445566778899aabbccddeeff",
    epoch: 1, publisher: "0x0000000000000000000000000000000000000001" },
  { ledger, assets: [["BTC", 0], ["ETH", 2], ["SOL", 0], ["USDC", 0]], depth: 4, secret: "ff".repeat(31),
    epoch: 18446744073709551615n, publisher: "0xffffffffffffffffffffffffffffffffffffffff" },
];
const vectors = cases.map((c) => {
  const top = commit(csv, c.assets, c.depth, c.secret);
  return {
    ledger: c.ledger, assets: c.assets.map(([s, d]) => `${s}:${d}`).join(","), depth: c.depth, secret: c.secret,
    epoch: c.epoch.toString(), publisher: c.publisher,
    rootHash: top.hash.toString(), rootSums: top.sums.map(String),
    paramsHash: paramsHash(c.assets, c.depth).toString(),
    commitment: commitment(top.hash, paramsHash(c.assets, c.depth), c.epoch, c.publisher).toString(),
  };
});
const target = join(here, "..", "test-vectors", "commitment.json");
writeFileSync(target + ".tmp", JSON.stringify({ source: "circuits/scripts/commitment-reference.mjs over circomlibjs 0.1.7", vectors }, null, 2) + "\n");
renameSync(target + ".tmp", target);
console.log(`wrote ${vectors.length} vectors to ${target}`);
