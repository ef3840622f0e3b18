// Payments per second through the sandbox (issue 14 item 6), and the client's
// own time per payment beside the sandbox's.
//
// A payment is JengaClient.startPayment + payment.wait() until paid: token
// (once per client), push, the sandbox's callback and IPN posted at once
// (--callback-delay-ms 0 --ipn-delay-ms 0) to a merchant server in this
// process that verifies them and hands them in (as a shop does), and the
// status query after a 1 ms firstPoll, whichever decides first.
//   * 1 and 100 payments in flight, against the real sandbox over loopback HTTP;
//     CPU time per payment of this process (library, driver, Node's HTTP client
//     and the merchant server) and of the sandbox process (/proc/PID/stat).
//   * The client's own time: the same payments with a fetch that answers from
//     memory (the sandbox's answers, recorded), so no socket and no waiting:
//     CPU per payment in the library (WebAssembly core and JavaScript driver,
//     WebCrypto signing included), and without the signing.
// Run by `scripts/wasm.sh bench` against the installed package (Linux: reads /proc).
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import * as jenga from "jenga-stk";

const root = process.env.JENGA_ROOT;
const sandboxBin = process.env.JENGA_SANDBOX_BIN ?? `${root}/target/release/jenga-sandbox`;
const N = Number(process.env.BENCH_PAYMENTS ?? 1000);
const CLK_TCK = 100; // getconf CLK_TCK on Linux
const pem = readFileSync(`${root}/tests/keys/test-pkcs8-2048.pem`, "utf8");
const POLICY = { firstPollMs: 1, maxPollIntervalMs: 5, confirmDelayMs: 1, initialBackoffMs: 1, maxBackoffMs: 5, tokenWaitMs: 1 };

function cpuOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) / CLK_TCK) * 1e6; // utime + stime, µs
}
const selfCpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system; // µs
};

// ------------------------------------------------------------ the merchant server and the sandbox
let client;
const live = new Map();
const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);
  try {
    if (req.url.startsWith("/jenga/callback")) {
      const { refs, callback } = client.verifyCallback(req.url, body);
      live.get(refs.orderReference)?.handleCallback(callback);
    } else {
      const ipn = client.verifyIpn(req.headers.authorization, body);
      live.get(ipn.orderReference)?.handleIpn(ipn);
    }
    res.writeHead(200).end();
  } catch {
    res.writeHead(401).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const local = `http://127.0.0.1:${server.address().port}`;
const sandboxArgs = [
  "--public-key", `${root}/tests/keys/test-pkcs8-2048.pub.pem`, "--ipn-url", `${local}/jenga/ipn`,
  "--callback-delay-ms", "0", "--ipn-delay-ms", "0", "--retry-delay-ms", "0",
];
const sandbox = spawn(sandboxBin, sandboxArgs, { stdio: ["ignore", "pipe", "ignore"] });
const sandboxUrl = await new Promise((resolve, reject) => {
  createInterface({ input: sandbox.stdout }).once("line", resolve);
  sandbox.once("exit", (code) => reject(new Error(`the sandbox exited (${code})`)));
});

/** Answers recorded from the sandbox, by endpoint, to replay from memory. */
const recorded = {};
function recordingFetch(url, init) {
  return fetch(url, init).then(async (response) => {
    const body = await response.arrayBuffer();
    const endpoint = url.includes("/authentication/") ? "token" : url.includes("/status/") ? "status" : "init";
    const paid = endpoint !== "status" || jenga.parseStatusResponse(response.status, body).order?.status === "Paid";
    if (paid) recorded[endpoint] = { status: response.status, body: new Uint8Array(body), url };
    return new Response(body, { status: response.status, headers: response.headers });
  });
}

function makeClient(fetchImpl) {
  return new jenga.JengaClient({
    environment: sandboxUrl,
    credentials: { apiKey: "sandbox-api-key", merchantCode: "0000000000", consumerSecret: "sandbox-consumer-secret" },
    privateKeyPem: pem,
    callbackUrl: `${local}/jenga/callback`,
    callbackSecret: "bench callback secret, 32 bytes or more",
    ipn: { username: "sandbox-ipn", password: "sandbox-ipn-password" },
    retryPolicy: POLICY,
    fetch: fetchImpl,
  });
}

let serial = 0;
const details = (prefix) => ({
  orderReference: `${prefix}${++serial}`,
  amount: "2",
  phone: "0722000000",
  customer: { name: "Bench Customer", email: "bench@example.com", identityNumber: "0000000" },
  description: "Bench",
});

async function onePayment(c, prefix) {
  const payment = await c.startPayment(details(prefix));
  live.set(payment.orderReference, payment);
  const outcome = await payment.wait();
  live.delete(payment.orderReference);
  if (outcome.kind !== "paid") throw new Error(`${payment.orderReference}: ${outcome.kind}`);
}

async function run(label, c, count, inFlight, prefix, withSandbox = true) {
  let next = 0;
  const cpu0 = selfCpu();
  const sb0 = withSandbox ? cpuOf(sandbox.pid) : 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < count) await onePayment(c, prefix);
    }),
  );
  const ms = performance.now() - t0;
  const row = {
    label,
    payments: count,
    inFlight,
    perSecond: (count * 1000) / ms,
    clientCpuUs: (selfCpu() - cpu0) / count,
    sandboxCpuUs: withSandbox ? (cpuOf(sandbox.pid) - sb0) / count : null,
  };
  rows.push(row);
  return row;
}

const rows = [];
// Warm-up (JIT, the sandbox's first orders), recording the sandbox's answers.
client = makeClient(recordingFetch);
for (let i = 0; i < 50; i++) await onePayment(client, "WARM");
client = makeClient(undefined);
await run("warm-up", client, 200, 10, "WARMUP");
rows.length = 0;

await run("sandbox, 1 in flight", client, N, 1, "SEQ");
await run("sandbox, 100 in flight", client, N * 2, 100, "PAR");

// ------------------------------------------------------------ the client's own time (no network)
/** The recorded answers, with the order reference rewritten to the request's. */
function memoryFetch(url, init) {
  if (url.includes("/authentication/")) return Promise.resolve(new Response(recorded.token.body, { status: 200 }));
  const order = url.includes("/status/order/") ? decodeURIComponent(url.split("/status/order/")[1]) : JSON.parse(init.body).order.orderReference;
  const r = url.includes("/status/") ? recorded.status : recorded.init;
  const text = new TextDecoder().decode(r.body).replaceAll(recordedOrder, order);
  return Promise.resolve(new Response(text, { status: r.status }));
}
const recordedOrder = decodeURIComponent(recorded.status.url.split("/status/order/")[1]);
client = makeClient(memoryFetch);
await run("in memory (no network), 1 in flight", client, N, 1, "MEM", false);

// The same without WebCrypto: the flow alone, driven by hand with the recorded answers.
const signed = jenga.StkPush.create({
  order: { orderReference: "FLOW1", orderAmount: "2", orderCurrency: "KES", countryCode: "KE", description: "Bench" },
  customer: { name: "Bench Customer", email: "bench@example.com", phoneNumber: "0722000000", identityNumber: "0000000" },
  payment: { paymentReference: "PFLOW1", paymentCurrency: "KES", callbackUrl: `${local}/jenga/callback`, details: { msisdn: "0722000000", paymentAmount: "2" } },
}).withSignature((await (await jenga.Signer.fromPem(pem)).sign("x")));
const tokens = new jenga.SharedTokens(sandboxUrl, { apiKey: "k", merchantCode: "m", consumerSecret: "s" });
const statusBody = new TextDecoder().decode(recorded.status.body).replaceAll(recordedOrder, "FLOW1");
const initBody = new TextDecoder().decode(recorded.init.body).replaceAll(recordedOrder, "FLOW1");
function flowOnce(now) {
  const flow = new jenga.PaymentFlow(signed, { tokens }, { policy: POLICY, seed: 1n, now });
  for (let t = now; ; t += 1) {
    const action = flow.poll(t);
    if (action.type === "done") return action.outcome;
    if (action.type === "wait") continue;
    const e = action.request.endpoint;
    flow.handleResponse(t, 200, null, e === "token" ? recorded.token.body : e === "init" ? initBody : statusBody);
  }
}
for (let i = 0; i < 200; i++) flowOnce(Date.now());
{
  const cpu0 = selfCpu();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) if (flowOnce(Date.now()).kind !== "paid") throw new Error("not paid");
  const ms = performance.now() - t0;
  rows.push({ label: "PaymentFlow alone (no fetch, no signing)", payments: N, inFlight: 1, perSecond: (N * 1000) / ms, clientCpuUs: (selfCpu() - cpu0) / N, sandboxCpuUs: null });
}

// What the RSA signature of each push costs (WebCrypto, on Node's thread pool; counted as CPU).
{
  const signer = await jenga.Signer.fromPem(pem);
  for (let i = 0; i < 200; i++) await signer.sign("OR1KES07220000002");
  const cpu0 = selfCpu();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await signer.sign(`OR${i}KES07220000002`);
  const ms = performance.now() - t0;
  rows.push({ label: "one WebCrypto signature (part of each payment)", payments: N, inFlight: 1, perSecond: (N * 1000) / ms, clientCpuUs: (selfCpu() - cpu0) / N, sandboxCpuUs: null });
}

sandbox.kill();
server.close();

console.log(`node ${process.version}, ${N} payments per run (twice that at 100 in flight); CPU is user + system time; sandbox ${sandboxBin.replace(root + "/", "")}`);
console.log("| run | payments/s | client CPU per payment | sandbox CPU per payment |");
console.log("|---|---:|---:|---:|");
for (const r of rows) {
  const sb = r.sandboxCpuUs === null ? "—" : `${(r.sandboxCpuUs / 1000).toFixed(2)} ms`;
  console.log(`| ${r.label} | ${r.perSecond.toFixed(0)} | ${(r.clientCpuUs / 1000).toFixed(2)} ms | ${sb} |`);
}
process.exit(0);
