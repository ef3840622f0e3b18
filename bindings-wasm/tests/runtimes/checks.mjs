// What every runtime the npm package claims must pass, with no runtime API
// (the caller hands in the package, the files and the sandbox): run by
// run.mjs under Node, Bun and Deno, and by worker.mjs under workerd.
//   1. every conformance vector (../js/conformance.mjs);
//   2. WebCrypto signatures (Signer) equal to OpenSSL's, computed by
//      `openssl dgst -sha256 -sign` in scripts/dist/npm.sh;
//   3. a payment through the sandbox whose push answer is dropped after it
//      was accepted (`drop_after_accept`): one init request, one prompt, paid
//      (no runtime re-sends the push on its own), then a start aborted
//      before it began rejects with an AbortError.
import { suites } from "./conformance.mjs";

const CREDENTIALS = { apiKey: "sandbox-api-key", merchantCode: "0000000000", consumerSecret: "sandbox-consumer-secret" };
const FAST = { firstPollMs: 100, confirmDelayMs: 50, initialBackoffMs: 20, maxBackoffMs: 100, maxPollIntervalMs: 200 };

function details(orderReference) {
  return {
    orderReference,
    amount: "2",
    phone: "0722000000",
    customer: { name: "Runtime Test", email: "rt@example.com", identityNumber: "0000000" },
    description: "runtime test",
  };
}

async function control(sandboxUrl, method, path, body) {
  const r = await fetch(`${sandboxUrl}/sandbox/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} /sandbox/${path}: ${r.status} ${text}`);
  return text === "" ? null : JSON.parse(text);
}

/** Runs `fn`, recording "ok" or the failure's message under `name` in `results`. */
async function check(results, name, fn) {
  try {
    const detail = await fn();
    results[name] = detail === undefined ? "ok" : detail;
  } catch (e) {
    results[name] = `FAILED: ${e?.stack ?? e}`;
    results.ok = false;
  }
}

/**
 * `jenga`: the package's API (an entry, initialized); `vector(name)`, `key(stem)`: file texts;
 * `assert`: node:assert/strict or the like; `openssl`: [{ key, message, signature }];
 * `sandboxUrl`: a running jenga-sandbox; `label`: which runtime and entry.
 * Resolves to { ok, … } with one entry per check.
 */
export async function runChecks({ jenga, vector, key, assert, openssl, sandboxUrl, label, vectors = true }) {
  const results = { label, ok: true };
  if (vectors) {
    let cases = 0;
    for (const suite of suites({ jenga, vector, key, assert })) {
      await check(results, `vectors ${suite.file}`, async () => {
        await suite.run();
        cases++;
      });
    }
    results.vectorFiles = cases;
  }

  await check(results, "webcrypto = openssl", async () => {
    assert.ok(openssl.length >= 4, "OpenSSL's signatures were handed in");
    const signers = new Map();
    for (const { key: stem, message, signature } of openssl) {
      if (!signers.has(stem)) signers.set(stem, await jenga.Signer.fromPem(key(stem)));
      assert.equal(await signers.get(stem).sign(message), signature, `${stem} over ${JSON.stringify(message)}`);
    }
    return `${openssl.length} signatures equal`;
  });

  if (sandboxUrl) {
    await check(results, "payment, push answer dropped", async () => {
      await control(sandboxUrl, "POST", "reset");
      const client = new jenga.JengaClient({
        environment: sandboxUrl,
        credentials: CREDENTIALS,
        privateKeyPem: key("test-pkcs8-2048"),
        callbackUrl: "http://127.0.0.1:1/jenga/callback",
        retryPolicy: FAST,
      });
      const order = `RT${label.replace(/[^A-Za-z0-9]/g, "").toUpperCase().slice(0, 12)}${Date.now() % 1_000_000}`;
      // A token first (as a shop that took a payment already): the push then goes over
      // a connection that served a request before, where a pooling client may re-send.
      assert.equal((await client.queryStatus("RTWARM")).type, "not_found");
      await control(sandboxUrl, "POST", "faults", { endpoint: "init", fault: "drop_after_accept" });
      const payment = await client.startPayment(details(order));
      const outcome = await payment.wait();
      const counters = await control(sandboxUrl, "GET", "counters");
      const seen = { kind: outcome.kind, initRequests: counters.initRequests, prompts: counters.pushes[order], transportFailure: outcome.transportFailure };
      assert.deepEqual(seen, { kind: "paid", initRequests: 1, prompts: 1, transportFailure: "connection_lost" }, JSON.stringify(seen));
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(client.startPayment(details(`${order}X`), { signal: controller.signal }), (e) => e instanceof jenga.JengaError && e.name === "AbortError");
      return seen;
    });
  }
  return results;
}
