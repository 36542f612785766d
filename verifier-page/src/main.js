// The verifier page: gathers the file, the published values (this API, a dropped manifest, or the registry
// over a JSON-RPC URL the owner gives) and shows each check of checks.js as passed or failed. Nothing
// leaves the page except the requests the owner asks for (the API that served it, the JSON-RPC URL).
import { checkAttestation, checkInclusion, checkSolvency, publishedFromManifest, publishedFromRegistry, InputError, ATTESTATION_FORMAT, INCLUSION_FORMAT, SOLVENCY_FORMAT } from "./checks.js";

const keys = JSON.parse(document.getElementById("pinned-keys").textContent);
const $ = (id) => document.getElementById(id);
const served = location.protocol === "http:" || location.protocol === "https:";

let proofText = "";
let manifestText = "";

function readInto(file, set, label) {
  const reader = new FileReader();
  reader.onload = () => { set(String(reader.result)); $(label).textContent = `${file.name} (${file.size} bytes)`; };
  reader.readAsText(file);
}

function dropZone(zone, set, label) {
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    if (e.dataTransfer.files.length > 0) readInto(e.dataTransfer.files[0], set, label);
  });
}

dropZone($("proof-zone"), (t) => { proofText = t; $("proof-text").value = t; }, "proof-name");
dropZone($("manifest-zone"), (t) => { manifestText = t; $("source-manifest").checked = true; }, "manifest-name");
$("proof-file").addEventListener("change", (e) => e.target.files[0] && readInto(e.target.files[0], (t) => { proofText = t; $("proof-text").value = t; }, "proof-name"));
$("manifest-file").addEventListener("change", (e) => e.target.files[0] && readInto(e.target.files[0], (t) => { manifestText = t; $("source-manifest").checked = true; }, "manifest-name"));
$("proof-text").addEventListener("input", (e) => { proofText = e.target.value; });
if (!served) {
  $("source-api").disabled = true;
  $("source-api-label").title = "this page was opened from a file: there is no API behind it";
  $("source-manifest").checked = true;
}

const keyList = $("keys");
for (const [circuit, key] of Object.entries(keys)) {
  const item = document.createElement("li");
  item.textContent = `${circuit}: SHA-256 ${key.sha256}`;
  keyList.appendChild(item);
}

async function fetchJson(url, body) {
  const response = await fetch(url, body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new InputError(`${url.toString().split("?")[0]} answered HTTP ${response.status}`);
  return response.json();
}

function parse(text, what) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${what} is not JSON: ${error.message}`);
  }
}

// The published values the file is checked against, from the source the owner chose.
async function published(file) {
  const chosen = [...document.getElementsByName("source")].find((r) => r.checked)?.value;
  if (chosen === "registry") {
    const rpc = $("rpc").value.trim();
    if (!/^https?:\/\//.test(rpc)) throw new InputError("give the JSON-RPC URL of the registry's chain (http:// or https://)");
    return publishedFromRegistry(rpc, $("registry").value.trim(), String(file.publisher).toLowerCase(), file.epoch, fetchJson);
  }
  if (chosen === "api") {
    const url = new URL(`./v1/epochs/${String(file.publisher).toLowerCase()}/${file.epoch}/manifest`, location.href);
    return publishedFromManifest(await fetchJson(url), `the manifest published by ${url.origin}`);
  }
  if (!manifestText) throw new InputError("drop or choose the epoch's manifest.json");
  return publishedFromManifest(parse(manifestText, "the manifest"), "the manifest given");
}

function show(result) {
  const checks = $("checks");
  checks.replaceChildren();
  for (const line of result.passed) {
    const item = document.createElement("li");
    item.className = "passed";
    item.textContent = `✓ ${line}`;
    checks.appendChild(item);
  }
  if (result.failure) {
    const item = document.createElement("li");
    item.className = "failed";
    item.textContent = `✗ ${result.failure}`;
    checks.appendChild(item);
  }
  const verdict = $("verdict");
  verdict.dataset.state = result.state;
  verdict.textContent = result.verdict;
  $("timing").textContent = `checked in ${result.ms.toFixed(0)} ms`;
  window.verifierResult = result;
}

$("verify").addEventListener("click", async () => {
  const started = performance.now();
  $("verdict").dataset.state = "running";
  $("verdict").textContent = "checking…";
  let result;
  try {
    if (!proofText.trim()) throw new InputError("drop, choose or paste a proof file");
    const file = parse(proofText, "the proof file");
    const values = await published(file);
    const checks = { [SOLVENCY_FORMAT]: checkSolvency, [INCLUSION_FORMAT]: checkInclusion, [ATTESTATION_FORMAT]: checkAttestation };
    const check = checks[file.format];
    if (!check) throw new InputError(`not a proof file this page knows (${Object.keys(checks).join(", ")})`);
    const outcome = await check(file, values, keys);
    // Valid against a manifest is not published: only the registry says what was published.
    const state = outcome.failure ? "invalid" : values.fromRegistry ? "valid-published" : "valid-unpublished";
    const verdict = outcome.failure ? "INVALID"
      : values.fromRegistry ? `VALID: the commitment is the one ${values.source} holds for this epoch and publisher`
      : "VALID against this manifest; publication not checked";
    result = { ...outcome, state, verdict };
  } catch (error) {
    const known = error instanceof InputError;
    result = { passed: [], failure: known ? error.message : `internal error: ${error.message ?? error}`, state: "error", verdict: "NOT CHECKED" };
  }
  result.ms = performance.now() - started;
  show(result);
});
