#!/usr/bin/env node
// Builds the verifier page: src/main.js (with snarkjs and circomlibjs) bundled by esbuild and inlined,
// with the pinned verification keys of circuits/keys, into one self-contained HTML file,
// src/Aggregator.Api/Verifier/verify.html (served at /verify, written by `aggregator verifier-page`).
// Generated; commit the output, never edit it by hand. Run from anywhere: node verifier-page/build.mjs
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync, renameSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const keysDir = join(root, "circuits", "keys");
const keys = {};
for (const file of readdirSync(keysDir).filter((f) => f.endsWith(".vkey.json")).sort()) {
  const bytes = readFileSync(join(keysDir, file));
  keys[file.replace(/\.vkey\.json$/, "")] = { sha256: createHash("sha256").update(bytes).digest("hex"), vkey: JSON.parse(bytes) };
}
const insecure = JSON.parse(readFileSync(join(keysDir, "manifest.json"), "utf8")).insecure === true;
const bundle = await build({
  entryPoints: [join(here, "src", "main.js")],
  bundle: true,
  write: false,
  format: "iife",
  platform: "browser",
  target: "chrome110",
  minify: true,
  legalComments: "none",
  alias: {
    assert: join(here, "src", "assert-shim.js"),
    "circomlibjs-poseidon": join(here, "node_modules", "circomlibjs", "src", "poseidon_opt.js"),
  },
  define: { "process.browser": "true", "process.env.NODE_DEBUG": "false" },
  logLevel: "warning",
});
// Inline, a script's text must not close its element.
const script = bundle.outputFiles[0].text.replaceAll("</script", "<\\/script");
const json = JSON.stringify(keys).replaceAll("<", "\\u003c");
const page = readFileSync(join(here, "src", "page.html"), "utf8")
  .replace("/*KEYS*/", () => json)
  .replace("/*BUNDLE*/", () => script)
  .replace("<!--INSECURE-->", () => insecure
    ? "<p><strong>These keys come from an insecure development setup: whoever ran it could forge proofs.</strong></p>"
    : "");
const target = join(root, "src", "Aggregator.Api", "Verifier", "verify.html");
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target + ".tmp", page);
renameSync(target + ".tmp", target);
console.log(`wrote ${target} (${page.length} bytes)`);
