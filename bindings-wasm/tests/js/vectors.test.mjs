// Every case in tests/vectors/ through the npm package installed from its tarball.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as jenga from "jenga-stk";

const root = process.env.JENGA_ROOT;
assert.ok(root, "JENGA_ROOT must point at the repository");
const vectors = join(root, "tests/vectors");
const key = (stem) => readFileSync(join(root, "tests/keys", `${stem}.pem`), "utf8");
const load = (name) => JSON.parse(readFileSync(join(vectors, name), "utf8"));

/** The raw text of every `"request": …` value, in file order (numbers such as 2e0 kept as written). */
function rawRequests(text) {
  const out = [];
  const marker = '"request": ';
  let at = text.indexOf(marker);
  while (at !== -1) {
    let i = at + marker.length;
    const start = i;
    if (text[i] === '"') {
      i++;
      while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      out.push(JSON.parse(text.slice(start, i + 1)));
    } else {
      let depth = 0;
      for (;;) {
        const c = text[i];
        if (c === '"') {
          i++;
          while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
        } else if (c === "{" || c === "[") depth++;
        else if (c === "}" || c === "]") {
          depth--;
          if (depth === 0) break;
        }
        i++;
      }
      out.push(text.slice(start, i + 1));
    }
    at = text.indexOf(marker, i);
  }
  return out;
}

/** Compares a thrown JengaError with a case's `error` (codes and fields, never messages). */
function assertError(id, error, want) {
  assert.ok(error instanceof jenga.JengaError, `${id}: not a JengaError: ${error}`);
  assert.ok(error instanceof Error);
  assert.equal(error.name, "JengaError");
  assert.ok(error.message.length > 0);
  if (error.code === "validation_failed") {
    const got = error.problems.map((p) => ({ code: p.code, field: p.field }));
    const expected = want.problems ?? [{ code: want.code, field: want.field }];
    assert.deepEqual(got, expected, `${id}: problems`);
  } else {
    assert.equal(error.code, want.code, `${id}: code (${error.message})`);
    assert.equal(error.field, want.field ?? null, `${id}: field`);
  }
}

function run(file, fn) {
  const doc = load(file);
  for (const c of doc.cases) {
    let got;
    let failure;
    try {
      got = fn(c.input, c);
    } catch (e) {
      failure = e;
    }
    if (c.error) {
      assert.ok(failure, `${file} ${c.id}: expected ${c.error.code}, got ${JSON.stringify(got)}`);
      assertError(`${file} ${c.id}`, failure, c.error);
    } else {
      if (failure) throw new Error(`${file} ${c.id}: unexpected ${failure.code}: ${failure.message}`);
      assert.deepEqual(got, c.expected, `${file} ${c.id}`);
    }
  }
  return doc.cases.length;
}

const plain = (value) => JSON.parse(JSON.stringify(value));

test("stk_push.json: bodies, signing strings, signatures and HTTP requests", () => {
  const text = readFileSync(join(vectors, "stk_push.json"), "utf8");
  const raws = rawRequests(text);
  let i = 0;
  const count = run("stk_push.json", (input) => {
    const raw = raws[i++];
    const push = jenga.StkPush.fromJson(raw, input.options);
    const signed = push.signSync(jenga.SyncSigner.fromPem(key(input.key)));
    const request = signed.httpRequest(input.environment, input.accessToken);
    // The same request as a plain object must give the same bytes when its numbers survive JSON.
    if (typeof input.request === "object" && JSON.stringify(input.request) === JSON.stringify(JSON.parse(raw))) {
      assert.equal(jenga.StkPush.create(input.request, input.options).body, push.body);
    }
    return {
      body: push.body,
      signingString: push.signingString,
      signature: signed.signature,
      method: request.method,
      url: request.url,
      headers: Object.entries(request.headers),
    };
  });
  assert.equal(i, count);
});

test("keys.json", () => {
  run("keys.json", (input) => {
    const pem = key(input.key);
    const bits = input.kind === "private" ? jenga.SyncSigner.fromPem(pem).bits : jenga.Verifier.fromPem(pem).bits;
    return { bits };
  });
});

test("signatures.json", () => {
  run("signatures.json", (input) => {
    if (input.operation === "sign") {
      return { signature: jenga.SyncSigner.fromPem(key(input.key)).sign(input.message) };
    }
    // The page example (the first request of stk_push.json) with a signature made elsewhere.
    const pageExample = rawRequests(readFileSync(join(vectors, "stk_push.json"), "utf8"))[0];
    const signed = jenga.StkPush.fromJson(pageExample).withSignature(input.signature);
    jenga.Verifier.fromPem(key("test-pkcs1-2048.pub")).verify("OR28922980077KES07220000002", signed.signature);
    return { verifiesWith: "test-pkcs1-2048.pub" };
  });
});

test("init_responses.json", () => run("init_responses.json", (i) => plain(stripHint(jenga.classifyInitResponse(i.status, i.body)))));

function stripHint(value) {
  if (value && value.type === "rejected") {
    assert.ok(typeof value.hint === "string" && value.hint.length > 0);
    const { hint, ...rest } = value;
    return rest;
  }
  return value;
}

const tokenView = (t) =>
  t.type === "token"
    ? {
        type: "token",
        accessToken: t.accessToken,
        tokenType: t.tokenType,
        issuedAt: t.issuedAt,
        providerExpiresAt: t.providerExpiresAt,
        lifetime: t.lifetime,
        expiresAt: t.expiresAt,
      }
    : stripHint(plain(t));

test("token_responses.json", () => run("token_responses.json", (i) => tokenView(jenga.parseTokenResponse(i.status, i.body, new Date(i.now)))));

/** The answers table's view: the type, and kind and action for a rejection (nothing else is compared). */
const answerView = (r) => (r.type === "rejected" ? { type: "rejected", kind: r.kind, action: r.action } : { type: r.type });
const ANSWER_NOW = new Date(1_626_159_785_000); // the instant core/tests/lifecycle_vectors.rs uses

test("answers.json: every endpoint's answers classify (type, kind, action)", () => {
  const endpoints = new Set();
  const count = run("answers.json", (i) => {
    endpoints.add(i.endpoint);
    if (i.endpoint === "token") return answerView(jenga.parseTokenResponse(i.status, i.body, ANSWER_NOW));
    if (i.endpoint === "init") return answerView(jenga.classifyInitResponse(i.status, i.body));
    if (i.endpoint === "status") return answerView(jenga.parseStatusResponse(i.status, i.body));
    throw new Error(`unknown endpoint ${i.endpoint}`);
  });
  assert.deepEqual([...endpoints].sort(), ["init", "status", "token"]);
  assert.ok(count >= 700, `answers.json shrank to ${count} cases`);
});

test("transport.json: advice when no HTTP answer came", () => {
  run("transport.json", (i) => ({ action: jenga.adviseTransportFailure(i.endpoint, i.failure) }));
});

test("token_state.json", () => {
  run("token_state.json", (input) => {
    const state = new jenga.TokenState("uat", { apiKey: "key", merchantCode: "merchant", consumerSecret: "secret" }, { marginSeconds: input.marginSeconds });
    const actions = [];
    for (const step of input.steps) {
      if (step.op === "next") {
        const action = state.nextAction(new Date(step.now));
        if (action.type === "refresh") assert.match(action.request.url, /\/authentication\/api\/v3\/authenticate\/merchant$/);
        actions.push(action.type);
      } else if (step.op === "response") {
        try {
          state.onResponse(step.status, step.body, Date.parse(step.now));
          actions.push("stored");
        } catch (e) {
          assert.ok(e instanceof jenga.JengaError && e.code === "provider_rejected", String(e));
          actions.push(`rejected:${e.rejection.kind}`);
        }
      } else {
        state.invalidate();
        actions.push("invalidated");
      }
    }
    return { actions };
  });
});

test("status_responses.json", () => run("status_responses.json", (i) => stripHint(plain(jenga.parseStatusResponse(i.status, i.body)))));

test("status_requests.json", async () => {
  const doc = load("status_requests.json");
  for (const c of doc.cases) {
    const signer = await jenga.Signer.fromPem(key(c.input.key ?? "test-pkcs1-2048"));
    const signature = c.input.sign ? await signer.sign(c.input.orderReference) : undefined;
    const request = jenga.orderStatusRequest(c.input.environment, c.input.accessToken, c.input.orderReference, signature);
    const verifier = jenga.Verifier.fromPem(key(`${c.input.key ?? "test-pkcs1-2048"}.pub`));
    const headers = Object.entries(request.headers).map(([n, v]) => {
      if (n !== "Signature") return [n, v];
      verifier.verify(c.input.orderReference, v);
      return [n, null];
    });
    assert.deepEqual({ method: request.method, url: request.url, headers }, c.expected, c.id);
    assert.equal(request.body, undefined);
  }
});

test("callbacks.json", () => run("callbacks.json", (i) => plain(jenga.parseCallback(i.body))));

test("callback_urls.json", () => {
  run("callback_urls.json", (i) => {
    const urls = new jenga.CallbackUrls(i.secret);
    if (i.operation === "make") return { url: urls.callbackUrl(i.baseUrl, i.orderReference, i.paymentReference) };
    if (i.operation === "verify") return plain(urls.verifyUrl(i.url));
    return plain(urls.verifyCallback(i.url, i.body).callback);
  });
});

test("ipn.json", () => {
  run("ipn.json", (i) => {
    if (i.operation === "parse") return plain(jenga.parseIpn(i.body));
    new jenga.IpnAuth(i.username, i.password).verify(i.authorization);
    return { authenticated: true };
  });
});

test("reconcile.json", () => {
  run("reconcile.json", (i) => {
    const result = plain(
      jenga.reconcile(
        { orderReference: i.expected.orderReference, amount: i.expected.amount, currency: i.expected.currency },
        { callback: i.callback, ipns: i.ipns, status: i.status },
      ),
    );
    for (const c of result.conflicts) {
      assert.ok(c.description.length > 0);
      delete c.description;
    }
    return result;
  });
});

test("every vector file is run by this suite", () => {
  const files = readdirSync(vectors).filter((f) => f.endsWith(".json")).sort();
  assert.deepEqual(files, [
    "answers.json", "callback_urls.json", "callbacks.json", "init_responses.json", "ipn.json", "keys.json", "reconcile.json",
    "signatures.json", "status_requests.json", "status_responses.json", "stk_push.json", "token_responses.json", "token_state.json",
    "transport.json",
  ]);
});
