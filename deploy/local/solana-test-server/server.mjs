#!/usr/bin/env node
// A local (demo and test) Solana JSON-RPC server on 127.0.0.1 backed by litesvm: balances come from real
// transactions (system transfers, SPL Token and Token-2022 mints, associated token accounts) run by the
// real programs. It answers, in Solana's documented response shapes, only what the adapter uses:
// getSlot, getBalance, getMultipleAccounts, getTokenAccountsByOwner (jsonParsed), single or batched.
// Setup goes through extra methods: test_airdrop, test_createMint, test_mintTo, test_advanceSlot.
// Usage: node server.mjs PORT   (prints "listening <url>" once ready)
import { createServer } from "node:http";
import { LiteSVM } from "litesvm";
import {
  address, generateKeyPairSigner, createTransactionMessage, setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash, appendTransactionMessageInstructions,
  signTransactionMessageWithSigners, pipe, lamports,
} from "@solana/kit";
import { getCreateAccountInstruction } from "@solana-program/system";
import {
  getInitializeMint2Instruction, getCreateAssociatedTokenIdempotentInstructionAsync, getMintToInstruction,
  findAssociatedTokenPda, getMintSize, TOKEN_PROGRAM_ADDRESS,
} from "@solana-program/token";

// Current validators report rentEpoch as 2^64 - 1, which a JS number cannot hold: a placeholder is
// swapped for the exact digits in the serialized answer.
const U64_MAX = "__U64_MAX__";
const TOKEN_2022 = address("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");
const port = Number(process.argv[2] ?? 8899);
const svm = new LiteSVM();
const payer = await generateKeyPairSigner();
svm.airdrop(payer.address, lamports(1_000_000_000_000n));
const mints = new Map(); // address -> { decimals, program }
// owner -> set of token account addresses created through test_mintTo. Only addresses are indexed (a
// scan of every program account per request would not scale to the benchmark's 10,000 owners); the
// balances themselves are always read from the SVM.
const tokenAccountsOf = new Map();

const slot = () => svm.getClock().slot;

// Transactions go one at a time: each takes the latest blockhash and expires it afterwards, so two
// interleaved sends (a batch of test_mintTo calls) would race for it.
let queue = Promise.resolve();
function send(instructions) {
  const run = queue.then(() => sendNow(instructions));
  queue = run.catch(() => {});
  return run;
}

async function sendNow(instructions) {
  const message = pipe(createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: svm.latestBlockhash(), lastValidBlockHeight: 1_000_000n }, m),
    (m) => appendTransactionMessageInstructions(instructions, m));
  const result = svm.sendTransaction(await signTransactionMessageWithSigners(message));
  if (typeof result.err === "function") throw new Error(`transaction failed: ${result.err()} ${result.meta?.().logs?.().join("\n") ?? ""}`);
  svm.expireBlockhash();
}

function context() {
  return { apiVersion: "2.2.0", slot: Number(slot()) };
}

function rpcError(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

function checkMinContextSlot(config) {
  if (config?.minContextSlot !== undefined && BigInt(config.minContextSlot) > slot()) {
    throw rpcError(-32016, "Minimum context slot has not been reached");
  }
}

// SPL token account layout (both programs share the first 165 bytes): mint 0..32, owner 32..64, amount 64..72, state 108.
function parseTokenAccount(pubkey, account) {
  const data = Buffer.from(account.data);
  const mint = encodeAddress(data.subarray(0, 32));
  const owner = encodeAddress(data.subarray(32, 64));
  const amount = data.readBigUInt64LE(64);
  const decimals = mints.get(mint)?.decimals ?? 0;
  const ui = Number(amount) / 10 ** decimals;
  return {
    pubkey,
    account: {
      data: {
        parsed: {
          info: {
            isNative: false, mint, owner, state: data[108] === 2 ? "frozen" : "initialized",
            tokenAmount: { amount: amount.toString(), decimals, uiAmount: ui, uiAmountString: String(ui) },
          },
          type: "account",
        },
        program: account.programAddress === TOKEN_2022 ? "spl-token-2022" : "spl-token",
        space: data.length,
      },
      executable: false,
      lamports: Number(account.lamports),
      owner: account.programAddress,
      rentEpoch: U64_MAX,
      space: data.length,
    },
  };
}

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
function encodeAddress(bytes) {
  let value = BigInt("0x" + Buffer.from(bytes).toString("hex"));
  let out = "";
  while (value > 0n) { out = ALPHABET[Number(value % 58n)] + out; value /= 58n; }
  for (const b of bytes) { if (b !== 0) break; out = "1" + out; }
  return out;
}

const methods = {
  getSlot([config] = []) {
    checkMinContextSlot(config);
    return Number(slot());
  },
  getBalance([owner, config]) {
    checkMinContextSlot(config);
    return { context: context(), value: Number(svm.getBalance(address(owner)) ?? 0n) };
  },
  getMultipleAccounts([keys, config]) {
    checkMinContextSlot(config);
    if (keys.length > 100) throw rpcError(-32602, "Too many inputs provided; max 100");
    return {
      context: context(),
      value: keys.map((key) => {
        const account = svm.getAccount(address(key));
        if (!account.exists) return null;
        return {
          data: [Buffer.from(account.data).toString("base64"), "base64"],
          executable: account.executable, lamports: Number(account.lamports), owner: account.programAddress,
          rentEpoch: U64_MAX, space: account.data.length,
        };
      }),
    };
  },
  getTokenAccountsByOwner([owner, filter, config]) {
    checkMinContextSlot(config);
    if (config?.encoding !== "jsonParsed") throw rpcError(-32602, "this test server answers encoding jsonParsed only");
    const program = filter.programId ? address(filter.programId) : mints.get(filter.mint)?.program ?? TOKEN_PROGRAM_ADDRESS;
    const value = [];
    for (const key of tokenAccountsOf.get(owner) ?? []) {
      const account = svm.getAccount(address(key));
      if (!account.exists || account.programAddress !== program) continue;
      const parsed = parseTokenAccount(key, account);
      const info = parsed.account.data.parsed.info;
      if (info.owner === owner && (!filter.mint || info.mint === filter.mint)) value.push(parsed);
    }
    return { context: context(), value };
  },
  test_airdrop([owner, amount]) {
    svm.airdrop(address(owner), lamports(BigInt(amount)));
    return true;
  },
  async test_createMint([decimals, program]) {
    const programAddress = program === "token-2022" ? TOKEN_2022 : TOKEN_PROGRAM_ADDRESS;
    const mint = await generateKeyPairSigner();
    const space = BigInt(getMintSize());
    await send([
      getCreateAccountInstruction({ payer, newAccount: mint, lamports: svm.minimumBalanceForRentExemption(space), space, programAddress }),
      getInitializeMint2Instruction({ mint: mint.address, decimals, mintAuthority: payer.address }, { programAddress }),
    ]);
    mints.set(mint.address, { decimals, program: programAddress });
    return mint.address;
  },
  async test_mintTo([mint, owner, amount]) {
    const { program } = mints.get(mint);
    const [ata] = await findAssociatedTokenPda({ mint: address(mint), owner: address(owner), tokenProgram: program });
    await send([
      await getCreateAssociatedTokenIdempotentInstructionAsync({ payer, mint: address(mint), owner: address(owner), tokenProgram: program }),
      getMintToInstruction({ mint: address(mint), token: ata, mintAuthority: payer, amount: BigInt(amount) }, { programAddress: program }),
    ]);
    if (!tokenAccountsOf.has(owner)) tokenAccountsOf.set(owner, new Set());
    tokenAccountsOf.get(owner).add(ata);
    return ata;
  },
  test_advanceSlot([by]) {
    svm.warpToSlot(slot() + BigInt(by ?? 1));
    return Number(slot());
  },
};

async function answer(request) {
  const { id = null, method, params = [] } = request ?? {};
  if (!methods[method]) return { jsonrpc: "2.0", id, error: { code: -32601, message: `Method not found: ${method}` } };
  try {
    return { jsonrpc: "2.0", id, result: await methods[method](params) };
  } catch (error) {
    return { jsonrpc: "2.0", id, error: { code: error.code ?? -32603, message: error.message } };
  }
}

const server = createServer(async (req, res) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  let payload;
  try {
    payload = JSON.parse(body);
  } catch {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }));
    return;
  }
  const result = Array.isArray(payload) ? await Promise.all(payload.map(answer)) : await answer(payload);
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(result).replaceAll(`"${U64_MAX}"`, "18446744073709551615"));
});
server.listen(port, "127.0.0.1", () => console.log(`listening http://127.0.0.1:${server.address().port}`));
