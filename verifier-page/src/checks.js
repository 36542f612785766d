// The checks of `aggregator verify` (docs/proofs.md, "Verifying"), step by step, in the browser: the same
// order, the same published values, the same messages as the C# ProofChecks. Pure functions of the files,
// the published values and the pinned keys; the page (main.js) only gathers inputs and shows results.
import * as snarkjs from "snarkjs";
// circomlibjs exports only its whole main module; the page needs its optimized Poseidon alone (build.mjs aliases it).
import buildPoseidonOpt from "circomlibjs-poseidon";
import { sha256 } from "@noble/hashes/sha2";

export const INCLUSION_FORMAT = "aggregator-inclusion-proof/2";
export const SOLVENCY_FORMAT = "aggregator-solvency-proof/3";
export const ATTESTATION_FORMAT = "aggregator-collateral-attestation/1";
export const MANIFEST_FORMAT = "aggregator-commitment/2";
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

let poseidonPromise;
async function hasher() {
  poseidonPromise ??= buildPoseidonOpt();
  const poseidon = await poseidonPromise;
  return (inputs) => poseidon.F.toObject(poseidon(inputs.map((x) => BigInt(x))));
}

export class InputError extends Error {}

const text = (doc, name, what) => {
  const value = doc?.[name];
  if (typeof value !== "string") throw new InputError(`${what}: "${name}" is missing or not a string`);
  return value;
};
const decimal = (value, name, what) => {
  if (typeof value !== "string" || !/^[0-9]+$/.test(value)) throw new InputError(`${what}: ${name} is not a decimal string`);
  const n = BigInt(value);
  if (n >= R) throw new InputError(`${what}: ${name} is not a field element`);
  return n;
};

// accountField = the first 31 bytes of SHA-256(UTF-8 id), big-endian.
export function accountField(id) {
  const digest = sha256(new TextEncoder().encode(id));
  let n = 0n;
  for (let i = 0; i < 31; i++) n = (n << 8n) | BigInt(digest[i]);
  return n;
}

export const assetCode = (symbol) => [...new TextEncoder().encode(symbol)].reduce((n, b) => (n << 8n) | BigInt(b), 0n);
export const publisherField = (address) => BigInt(address);

// paramsHash = Poseidon(D, K, code[0], decimals[0], ...) of a depth and assets.
export async function paramsHash(depth, assets) {
  const H = await hasher();
  return H([BigInt(depth), BigInt(assets.length), ...assets.flatMap((a) => [assetCode(a.symbol), BigInt(a.proofDecimals)])]);
}

/// The manifest's published values, checked to recompute (a manifest that does not is refused).
export async function publishedFromManifest(manifest, source) {
  if (manifest?.format !== MANIFEST_FORMAT) throw new InputError(`${source}: not a manifest of format ${MANIFEST_FORMAT}`);
  const H = await hasher();
  const publisher = text(manifest, "publisher", source).toLowerCase();
  if (!/^0x[0-9a-f]{40}$/.test(publisher)) throw new InputError(`${source}: the publisher is not an EVM address`);
  const epoch = BigInt(manifest.epoch);
  const hash = await paramsHash(manifest.depth, manifest.assets);
  if (hash.toString() !== manifest.paramsHash) throw new InputError(`${source}: the manifest's paramsHash ${manifest.paramsHash} is not the hash of its depth and assets (${hash})`);
  const root = decimal(manifest.rootHash, "rootHash", source);
  const commitment = H([root, hash, epoch, publisherField(publisher)]);
  if (commitment.toString() !== manifest.commitment) throw new InputError(`${source}: the manifest's commitment ${manifest.commitment} is not Poseidon(rootHash, paramsHash, epoch, publisher) (${commitment})`);
  return { source, epoch, publisher, commitment, paramsHash: hash, manifest, fromRegistry: false };
}

async function groth16(document, expected, keys, circuit, passed, statement) {
  const signals = document.publicSignals;
  if (!Array.isArray(signals) || signals.some((s) => typeof s !== "string")) throw new InputError('"publicSignals" is missing or malformed');
  if (signals.length !== expected.length || signals.some((s, i) => s !== expected[i])) {
    return { passed, failure: `the file's public signals [${signals.join(", ")}] are not the published [${expected.join(", ")}]` };
  }
  if (document.circuit !== circuit) return { passed, failure: `the file names circuit '${document.circuit}', the published parameters make it ${circuit}` };
  const key = keys[circuit];
  if (!key) throw new InputError(`no pinned verification key for circuit '${circuit}' (known: ${Object.keys(keys).join(", ")})`);
  let valid = false;
  try {
    valid = await snarkjs.groth16.verify(key.vkey, expected, document.proof);
  } catch (error) {
    return { passed, failure: `the Groth16 proof is malformed: ${error.message ?? error}` };
  }
  if (!valid) return { passed, failure: "the Groth16 proof does not verify against the pinned key" };
  passed.push(`Groth16 proof of ${statement} verifies against the pinned key of ${circuit} (SHA-256 ${key.sha256})`);
  return { passed, failure: null };
}

const firstDifference = (fields) => {
  const first = fields.find(([, actual, expected]) => actual !== expected);
  return first ? `the ${first[0]} in the file is ${first[1]}, the published one is ${first[2]}` : null;
};

function requireLayout(document, what) {
  if (!Number.isInteger(document.depth) || !Array.isArray(document.assets) || document.assets.some((a) => typeof a?.symbol !== "string" || !Number.isInteger(a?.proofDecimals))) {
    throw new InputError(`${what}: the depth or assets are malformed`);
  }
}

// Every parameter the file states, against the published one: a relabelled column, other decimals,
// another epoch or publisher fails here by name, not only in the pairing.
async function publishedMismatch(document, published, what, statesRoot) {
  const differences = [
    ["epoch", text(document, "epoch", what), published.epoch.toString()],
    ["publisher", text(document, "publisher", what).toLowerCase(), published.publisher],
  ];
  const manifest = published.manifest;
  if (manifest) {
    differences.push(["depth", String(document.depth), String(manifest.depth)]);
    differences.push(["number of assets", String(document.assets.length), String(manifest.assets.length)]);
    for (let k = 0; k < Math.min(document.assets.length, manifest.assets.length); k++) {
      differences.push([`asset ${k + 1}'s symbol`, document.assets[k].symbol, manifest.assets[k].symbol]);
      differences.push([`asset ${k + 1} (${manifest.assets[k].symbol})'s proof decimals`, String(document.assets[k].proofDecimals), String(manifest.assets[k].proofDecimals)]);
    }
    if (statesRoot) differences.push(["rootHash", text(document, "rootHash", what), manifest.rootHash]);
  }
  differences.push(["paramsHash", text(document, "paramsHash", what), published.paramsHash.toString()]);
  const fileParams = await paramsHash(document.depth, document.assets);
  differences.push(["paramsHash (of the file's depth and assets)", fileParams.toString(), published.paramsHash.toString()]);
  differences.push(["commitment", text(document, "commitment", what), published.commitment.toString()]);
  const mismatch = firstDifference(differences);
  return mismatch ? `${mismatch} (${published.source})` : null;
}

const publishedLine = (document, published) =>
  `epoch ${published.epoch}, publisher ${published.publisher}, depth ${document.depth}, assets ${document.assets.map((a) => `${a.symbol}:${a.proofDecimals}`).join(",")} and commitment ${published.commitment} are ${published.source}'s`;

/// An account's inclusion file against the published values: { passed: [...], failure: null | reason }.
export async function checkInclusion(document, published, keys) {
  const H = await hasher();
  const what = "the inclusion file";
  if (document?.format !== INCLUSION_FORMAT) throw new InputError(`not an inclusion proof of format ${INCLUSION_FORMAT}`);
  const account = text(document, "account", what);
  const salt = decimal(document.salt, "salt", what);
  if (!Array.isArray(document.balances) || !document.balances.every((b) => typeof b === "string" && /^[0-9]+$/.test(b) && BigInt(b) < 2n ** 64n)) {
    throw new InputError(`${what}: a balance is not a 64-bit unsigned decimal`);
  }
  const balances = document.balances.map(BigInt);
  requireLayout(document, what);
  if (balances.length !== document.assets.length) throw new InputError(`${what}: ${balances.length} balances for ${document.assets.length} assets`);
  const passed = [];
  const leaf = H([H([accountField(account), salt]), ...balances]);
  if (leaf.toString() !== document.leafHash) {
    return { passed, failure: `the leafHash in the file is not Poseidon(idHash, balances) of account '${account}' with this salt (${leaf})` };
  }
  passed.push(`leafHash ${leaf} recomputed from account '${account}', its salt and balances [${balances.join(", ")}]`);

  const mismatch = await publishedMismatch(document, published, what, true);
  if (mismatch) return { passed, failure: mismatch };
  passed.push(publishedLine(document, published));

  const circuit = `inclusion_${document.depth}_${document.assets.length}`;
  const expected = [leaf, published.commitment, published.paramsHash, published.epoch, publisherField(published.publisher)].map(String);
  return groth16(document, expected, keys, circuit, passed, `account '${account}'`);
}

/// A collateral attestation against the published values: the parameters it states, its terms read plainly
/// (prices below 2^64, weights at most 10000, threshold below 2^64), and the proof for exactly those terms.
export async function checkAttestation(document, published, keys) {
  const what = "the attestation";
  if (document?.format !== ATTESTATION_FORMAT) throw new InputError(`not a collateral attestation of format ${ATTESTATION_FORMAT}`);
  requireLayout(document, what);
  const passed = [];
  const mismatch = await publishedMismatch(document, published, what, false);
  if (mismatch) return { passed, failure: mismatch };
  passed.push(publishedLine(document, published));
  const integer = (value, max, name) => {
    if (typeof value !== "string" || !/^[0-9]+$/.test(value) || BigInt(value) > max) throw new InputError(`${what}: '${value}' is not an integer from 0 to ${max} (${name})`);
    return BigInt(value);
  };
  const list = (name, max) => {
    if (!Array.isArray(document[name]) || document[name].length !== document.assets.length) throw new InputError(`${what}: "${name}" is not one value per asset`);
    return document[name].map((v) => integer(v, max, name));
  };
  const prices = list("prices", 2n ** 64n - 1n);
  const weights = list("weights", 10000n);
  const threshold = integer(document.threshold, 2n ** 64n - 1n, "threshold");
  const subject = decimal(document.subject, "subject", what);
  const scope = decimal(document.scope, "scope", what);
  const nullifier = decimal(document.nullifier, "nullifier", what);
  const expected = [published.commitment, published.paramsHash, published.epoch, publisherField(published.publisher), ...prices, ...weights, threshold, subject, scope, nullifier].map(String);
  const whole = (units, decimals) => {
    const scale = 10n ** BigInt(decimals);
    const fraction = (units % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
    return fraction ? `${units / scale}.${fraction}` : `${units / scale}`;
  };
  const valued = document.assets.map((a, k) => `${a.symbol} at ${whole(prices[k], 8)} with a haircut of ${whole(10000n - weights[k], 4)}`).join(", ");
  const subjectText = subject < 2n ** 160n ? "0x" + subject.toString(16).padStart(40, "0") : subject.toString();
  return groth16(document, expected, keys, `collateral_${document.depth}_${document.assets.length}`, passed,
    `an account of this epoch holding collateral worth at least ${whole(threshold, 8)} (${valued}), for subject ${subjectText}, scope ${scope}, nullifier ${nullifier}`);
}

/// An epoch's solvency proof against its manifest.
export async function checkSolvency(document, published, keys) {
  const what = "the solvency proof";
  const manifest = published.manifest;
  if (document?.format !== SOLVENCY_FORMAT) throw new InputError(`not a solvency proof of format ${SOLVENCY_FORMAT}`);
  if (!manifest) throw new InputError("a solvency proof is checked against its manifest (it names the reserves)");
  const passed = [];
  if (!Array.isArray(manifest.reserves)) return { passed, failure: "the manifest records no reserves: the solvency proof was never completed" };
  passed.push(`the manifest's commitment ${manifest.commitment} is Poseidon(rootHash, paramsHash, epoch ${manifest.epoch}, publisher ${manifest.publisher})`);
  const mismatch = firstDifference([
    ["epoch", text(document, "epoch", what), String(manifest.epoch)],
    ["publisher", text(document, "publisher", what), manifest.publisher],
    ["rootHash", text(document, "rootHash", what), manifest.rootHash],
    ["paramsHash", text(document, "paramsHash", what), manifest.paramsHash],
    ["commitment", text(document, "commitment", what), manifest.commitment],
  ]);
  if (mismatch) return { passed, failure: mismatch };
  const expected = [published.commitment, published.paramsHash, published.epoch, publisherField(published.publisher)].map(String)
    .concat(manifest.reserves.map((r) => r.proofUnits))
    .concat(manifest.reserves.map((r) => String(r.coverageBasisPoints)));
  // Coverage in basis points: reserves at least that share of the (hidden) liabilities.
  const percent = (bp) => `${Number(bp) / 100}%`;
  return groth16(document, expected, keys, `solvency_${manifest.assets.length}`, passed,
    `reserves ${manifest.reserves.map((r) => `${r.amount} ${r.symbol} (at least ${percent(r.coverageBasisPoints)} of its liabilities)`).join(", ")}`);
}

// commitmentOf(address,uint64): its selector (keccak-256 of the signature, first 4 bytes).
export const COMMITMENT_OF = "0xbb48f966";

/// The registry's stored commitment and paramsHash of a publisher's epoch, read over JSON-RPC (eth_call).
export async function publishedFromRegistry(rpc, registry, publisher, epoch, fetchJson) {
  if (!/^0x[0-9a-fA-F]{40}$/.test(registry)) throw new InputError("the registry is not an EVM address");
  const data = COMMITMENT_OF + publisher.slice(2).toLowerCase().padStart(64, "0") + BigInt(epoch).toString(16).padStart(64, "0");
  const answer = await fetchJson(rpc, { jsonrpc: "2.0", id: 1, method: "eth_call", params: [{ to: registry, data }, "latest"] });
  if (answer.error) {
    throw new InputError(`the registry holds no commitment for publisher ${publisher}, epoch ${epoch} (${answer.error.message ?? "reverted"})`);
  }
  const hex = answer.result;
  if (typeof hex !== "string" || hex.length !== 2 + 128) throw new InputError("the registry's answer is not (commitment, paramsHash): is it a SolvencyRegistry?");
  return {
    source: `the registry ${registry}`,
    epoch: BigInt(epoch), publisher: publisher.toLowerCase(),
    commitment: BigInt("0x" + hex.slice(2, 66)), paramsHash: BigInt("0x" + hex.slice(66)),
    manifest: null, fromRegistry: true,
  };
}
