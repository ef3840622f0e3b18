// Test helper (not a test file): the sandbox binary started for a test file by
// the package's own `jenga-stk/testing` (so every client test exercises it
// too), and a merchant web server that hands the sandbox's callbacks and IPNs
// to the payments waiting for them, as a shop does.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { startSandbox } from "jenga-stk/testing";

export const root = process.env.JENGA_ROOT;
assert.ok(root, "JENGA_ROOT must point at the repository");
assert.ok(process.env.JENGA_SANDBOX_BIN, "JENGA_SANDBOX_BIN must point at the sandbox binary (scripts/wasm.sh test)");

export const PRIVATE_KEY = readFileSync(`${root}/tests/keys/test-pkcs8-2048.pem`, "utf8");
export const CREDENTIALS = Object.freeze({ apiKey: "sandbox-api-key", merchantCode: "0000000000", consumerSecret: "sandbox-consumer-secret" });
export const IPN = Object.freeze({ username: "sandbox-ipn", password: "sandbox-ipn-password" });
export const CALLBACK_SECRET = "client tests' callback secret, 32+ bytes";
/** A fast policy: no test sleeps longer than needed. */
export const FAST = Object.freeze({
  firstPollMs: 100,
  confirmDelayMs: 50,
  initialBackoffMs: 20,
  maxBackoffMs: 100,
  maxPollIntervalMs: 200,
  requestTimeoutMs: 2000,
  timeoutMs: 15000,
  tokenWaitMs: 10,
});

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Starts a merchant server (callbacks and IPNs go to the payments registered with `track`) and
 * the sandbox pointing at it. `extra` are more sandbox settings (startSandbox's options).
 */
export async function start(jenga, extra = {}) {
  /** orderReference → { payment, kinds: outcome kinds after each delivery handed in } */
  const tracked = new Map();
  const deliveries = { callbacks: 0, ipns: 0, refused: 0 };
  // Any client of these tests verifies: they share the callback secret and IPN credentials.
  let verifier = null;
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    try {
      if (req.url.startsWith("/jenga/callback")) {
        const { refs, callback } = verifier.verifyCallback(req.url, body);
        deliveries.callbacks++;
        const t = tracked.get(refs.orderReference);
        if (t) {
          t.payment.handleCallback(callback);
          t.kinds.push(t.payment.outcome?.kind ?? null);
        }
      } else if (req.url === "/jenga/ipn") {
        const ipn = verifier.verifyIpn(req.headers.authorization, body);
        deliveries.ipns++;
        const t = ipn.orderReference === null ? undefined : tracked.get(ipn.orderReference);
        if (t) {
          t.payment.handleIpn(ipn);
          t.kinds.push(t.payment.outcome?.kind ?? null);
        }
      }
      res.writeHead(200).end("{}");
    } catch (e) {
      deliveries.refused++;
      res.writeHead(e instanceof jenga.JengaError ? 401 : 500).end(String(e?.code ?? e));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const local = `http://127.0.0.1:${server.address().port}`;
  const sandbox = await startSandbox({
    publicKeyPath: `${root}/tests/keys/test-pkcs8-2048.pub.pem`,
    ipnUrl: `${local}/jenga/ipn`,
    callbackDelayMs: 20,
    ipnDelayMs: 20,
    retryDelayMs: 20,
    ...extra,
  });
  const url = sandbox.baseUrl;
  assert.deepEqual(sandbox.credentials, CREDENTIALS);
  assert.deepEqual(sandbox.ipn, IPN);

  const env = {
    url,
    local,
    deliveries,
    /** A client for the sandbox; `options` override the defaults. */
    client(options = {}) {
      const client = new jenga.JengaClient({
        environment: url,
        credentials: CREDENTIALS,
        privateKeyPem: PRIVATE_KEY,
        callbackUrl: `${local}/jenga/callback`,
        callbackSecret: CALLBACK_SECRET,
        ipn: IPN,
        retryPolicy: FAST,
        ...options,
      });
      verifier ??= client;
      return client;
    },
    /** Hands this payment the deliveries for its order. */
    track(payment) {
      const t = { payment, kinds: [] };
      tracked.set(payment.orderReference, t);
      return t;
    },
    faults: (f) => sandbox.fault(f),
    setDeliveries: (d) => sandbox.deliveries(d),
    counters: () => sandbox.counters(),
    settle: () => sandbox.settle(10_000),
    reset: () => sandbox.reset(),
    async stop() {
      await sandbox.stop();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return env;
}

/** The order's details, paid by the sandbox unless another phone is given. */
export function details(orderReference, phone = "0722000000") {
  return {
    orderReference,
    amount: "2",
    phone,
    customer: { name: "Test Customer", email: "customer@example.com", identityNumber: "0000000" },
    description: "Client test",
  };
}
