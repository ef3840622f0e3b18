// One JengaClient payment through the sandbox from the `jenga-stk/web` entry
// (no Node API on the package's path), run by Node, Bun and Deno:
//   <runtime> payment.mjs SANDBOX_URL REPO_ROOT   (scripts/wasm.sh runtimes)
// The push's answer is dropped after it was accepted: one prompt, paid. Then a
// start aborted before it began rejects with an AbortError. Prints one line;
// exits non-zero on any difference.
import * as web from "jenga-stk/web";

const runtime = globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node";
const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const [sandboxUrl, root] = args;
const nodeFs = runtime === "node" ? await import("node:fs") : null;
async function bytes(path) {
  if (runtime === "deno") return Deno.readFileSync(path);
  if (runtime === "bun") return new Uint8Array(await Bun.file(path).arrayBuffer());
  return nodeFs.readFileSync(path);
}
const pkg = "node_modules/jenga-stk/wasm";
web.initializeSync(await bytes(`${pkg}/jenga_stk_wasm_bg.wasm`));
web.initializeSyncSignerSync(await bytes(`${pkg}/jenga_stk_wasm_rsa_bg.wasm`));

const client = new web.JengaClient({
  environment: sandboxUrl,
  credentials: { apiKey: "sandbox-api-key", merchantCode: "0000000000", consumerSecret: "sandbox-consumer-secret" },
  privateKeyPem: new TextDecoder().decode(await bytes(`${root}/tests/keys/test-pkcs8-2048.pem`)),
  callbackUrl: "http://127.0.0.1:1/jenga/callback",
  retryPolicy: { firstPollMs: 100, confirmDelayMs: 50, initialBackoffMs: 20, maxPollIntervalMs: 200 },
});
const details = (orderReference) => ({
  orderReference,
  amount: "2",
  phone: "0722000000",
  customer: { name: "Runtime Test", email: "rt@example.com", identityNumber: "0000000" },
  description: "runtime test",
});
const order = `RT${runtime.toUpperCase()}${Date.now()}`;
await fetch(`${sandboxUrl}/sandbox/faults`, { method: "POST", body: JSON.stringify({ endpoint: "init", fault: "drop_after_accept" }) });
const outcome = await (await client.startPayment(details(order))).wait();
const counters = await (await fetch(`${sandboxUrl}/sandbox/counters`)).json();
const controller = new AbortController();
controller.abort();
const aborted = await client.startPayment(details(`${order}X`), { signal: controller.signal }).then(() => "not aborted", (e) => e.name);
const result = {
  kind: outcome.kind,
  prompts: counters.pushes[order],
  initRequests: counters.initRequests,
  transportFailure: outcome.transportFailure,
  rejection: outcome.rejection?.kind ?? null,
  aborted,
};
console.log(`${runtime} ${JSON.stringify(result)}`);
const ok = result.kind === "paid" && result.prompts === 1 && result.aborted === "AbortError";
if (!ok) {
  console.error(`${runtime}: expected one prompt, paid, and an AbortError`);
  if (globalThis.Deno) Deno.exit(1);
  else process.exit(1);
}
