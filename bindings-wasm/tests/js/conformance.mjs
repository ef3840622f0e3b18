// Every conformance vector of tests/vectors/ through a jenga-stk API object,
// with no runtime API: the files and keys are handed in as text, so the same
// cases run under Node (vectors.test.mjs), Bun, Deno and workerd
// (tests/runtimes/, scripts/dist/npm.sh). Codes are compared, never messages.
//   suites({ jenga, vector: (name) => text, key: (stem) => text, assert })
//     → [{ name, file, run }]   (run() throws on the first difference)
// `assert` is node:assert/strict or anything with the same equal, deepEqual,
// ok, match and fail.

/** Every vector file, each run by one suite below. */
export const FILES = [
  "answers.json", "callback_urls.json", "callbacks.json", "flows.json", "init_responses.json", "ipn.json", "keys.json",
  "reconcile.json", "signature_doctor.json", "signatures.json", "status_requests.json", "status_responses.json", "stk_push.json",
  "token_responses.json", "token_state.json", "transport.json",
];

/** Base64 to bytes without Buffer. */
function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export function suites({ jenga, vector, key, assert }) {
  const load = (name) => JSON.parse(vector(name));
  const list = [];
  // Each suite is named after the one file it runs.
  const test = (name, run) => list.push({ name, file: name.split(/[: ]/)[0], run });

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
    const text = vector("stk_push.json");
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
      const pageExample = rawRequests(vector("stk_push.json"))[0];
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

  /** The outcome as the transcripts state it (tests/vectors/README.md, "Flow transcripts"). */
  const outcomeView = (o) => ({
    kind: o.kind,
    state: o.reconciliation.state,
    decidedBy: o.reconciliation.decidedBy,
    confirmed: o.reconciliation.confirmed,
    mpesaReceipt: o.reconciliation.mpesaReceipt,
    amountPaid: o.reconciliation.amountPaid,
    paymentReferences: [...o.paymentReferences],
    rejectionKind: o.rejection?.kind ?? null,
    transportFailure: o.transportFailure,
  });

  /** The error code of `fn()`, or null (a JengaError is required). */
  function errorCode(fn) {
    try {
      fn();
      return null;
    } catch (e) {
      assert.ok(e instanceof jenga.JengaError, String(e));
      return e.code;
    }
  }

  test("flows.json: every payment-flow transcript, saved and restored between steps", async () => {
    const doc = load("flows.json");
    assert.equal(doc.operation, "flow");
    assert.ok(doc.cases.length >= 20);
    const page = load("stk_push.json").cases.find((c) => c.id === "page-example").input.request;
    const signer = await jenga.Signer.fromPem(key("test-pkcs1-2048"));
    let steps = 0;
    for (const c of doc.cases) {
      const input = c.input;
      const request = structuredClone(page);
      if (input.callbackUrl !== null) request.payment.callbackUrl = input.callbackUrl;
      const signed = await jenga.StkPush.create(request).sign(signer);
      const tokens = new jenga.SharedTokens("uat", { apiKey: "key", merchantCode: "merchant", consumerSecret: "secret" });
      const context = { tokens, callbackUrls: input.callbackSecret === null ? undefined : new jenga.CallbackUrls(input.callbackSecret) };
      const policy = new jenga.RetryPolicy(input.policy);
      const start = Date.parse(input.start);
      let flow = new jenga.PaymentFlow(signed, context, { policy, seed: BigInt(input.seed), now: new Date(start) });
      let awaiting = false;
      for (const [n, step] of input.steps.entries()) {
        const at = `${c.id} step ${n} ${JSON.stringify(step).slice(0, 120)}`;
        const now = new Date(start + step.at);
        const wantError = step.error ?? null;
        if (step.poll) {
          let action;
          const code = errorCode(() => {
            action = flow.poll(now);
          });
          assert.equal(code, step.poll.error ?? null, at);
          if (action?.type === "send") {
            const want = step.poll.send;
            assert.ok(want, `${at}: sent ${action.request.http}`);
            assert.equal(action.request.endpoint, want.endpoint, at);
            assert.equal(action.request.http.method, want.method, at);
            assert.equal(action.request.http.url, want.url, at);
            if (action.request.endpoint === "init") {
              const body = JSON.parse(action.request.http.body);
              assert.equal(body.payment.paymentReference, want.paymentReference, at);
              if ("callbackUrl" in want) assert.equal(body.payment.callbackUrl, want.callbackUrl, at);
            }
            assert.equal(action.request.timeoutMs, input.policy.requestTimeoutMs, at);
            awaiting = true;
          } else if (action?.type === "wait") {
            assert.ok(typeof step.poll.wait === "number", `${at}: waits until ${action.until.toISOString()}`);
            assert.ok(action.until instanceof Date);
            assert.equal(action.until.getTime(), start + step.poll.wait, at);
          } else if (action?.type === "done") {
            assert.deepEqual(outcomeView(action.outcome), step.poll.done, at);
            assert.deepEqual(flow.outcome, action.outcome, at);
            assert.equal(flow.phase, "done", at);
          }
        } else if (step.answer) {
          const a = step.answer;
          assert.equal(errorCode(() => flow.handleResponse(now, a.status, a.retryAfter ?? null, a.body)), wantError, at);
          awaiting = false;
        } else if (step.fail) {
          assert.equal(errorCode(() => flow.handleTransportFailure(now, step.fail)), wantError, at);
          awaiting = false;
        } else if (step.callback) {
          const callback = jenga.parseCallback(step.callback);
          assert.equal(errorCode(() => flow.handleCallback(callback)), wantError, at);
        } else if (step.ipn) {
          const ipn = jenga.parseIpn(step.ipn);
          assert.equal(errorCode(() => flow.handleIpn(ipn)), wantError, at);
        } else if ("check" in step) {
          flow.checkStatus();
        } else if ("restore" in step) {
          flow = jenga.PaymentFlow.fromJSON(flow.toJSON(), context);
          awaiting = false;
        } else {
          assert.fail(`${at}: unknown step`);
        }
        // Saved and restored between steps, as a web app does: the same JSON again, as text too.
        if (!awaiting) {
          const saved = JSON.stringify(flow);
          flow = jenga.PaymentFlow.fromJSON(saved, context);
          assert.equal(JSON.stringify(flow), saved, `${at}: the restored flow saves differently`);
        }
        steps++;
      }
    }
    assert.ok(steps > 200, `${steps} steps`);
  });

  test("signature_doctor.json: codes in order, signed text and fingerprints", () => {
    const doc = load("signature_doctor.json");
    assert.equal(doc.operation, "diagnose_signature");
    assert.ok(doc.cases.length > 50);
    const seen = new Set();
    for (const c of doc.cases) {
      const i = c.input;
      const header = i.signature ?? fromBase64(i.signatureBytesBase64);
      const d = jenga.diagnoseSignature(i.body, header, key(i.publicKey), i.privateKey === null ? undefined : key(i.privateKey));
      const e = c.expected;
      assert.deepEqual(
        { ok: d.ok, codes: d.findings.map((f) => f.code), signedText: d.signedText },
        { ok: e.ok, codes: e.codes, signedText: e.signedText },
        c.id,
      );
      assert.equal(d.registeredKey.fingerprint, e.registeredFingerprint, c.id);
      assert.equal(d.signingKey?.fingerprint ?? null, e.signingKeyFingerprint ?? null, c.id);
      for (const f of d.findings) {
        assert.ok(f.message.length > 0 && f.fix.length > 0, c.id);
        seen.add(f.code);
      }
    }
    assert.ok(seen.size >= 12, `only ${seen.size} finding codes seen`);
  });

  return list;
}
