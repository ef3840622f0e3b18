// The shared table of hostile inputs (tests/hostile/hostile.json, also run by
// the Rust core, Python and Kotlin) through the npm package installed from its
// tarball, then JavaScript-only hostile values (undefined, symbols, BigInt,
// cyclic objects, polluted prototypes, a Proxy that throws). Every hostile
// case (`error`) must be a JengaError with the expected code, never a trap or
// another error; every odd-but-valid case (`accepts`) must not throw and must
// classify as stated; the module must keep working afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as jenga from "jenga-stk";

const root = process.env.JENGA_ROOT;
assert.ok(root, "JENGA_ROOT must point at the repository");
const table = JSON.parse(readFileSync(join(root, "tests/hostile/hostile.json"), "utf8"));
const MIN_CASES = 30;
const pem = readFileSync(join(root, "tests/keys/test-pkcs1-2048.pem"), "utf8");
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const SKIP = Symbol("not expressible");

/** Expands a value spec (tests/hostile/README.md) into bytes. */
function expand(spec) {
  if (typeof spec === "string") return Buffer.from(spec, "utf8");
  if ("base64" in spec) return Buffer.from(spec.base64, "base64");
  if ("repeat" in spec) return Buffer.from(spec.repeat.repeat(spec.times), "utf8");
  if ("concat" in spec) return Buffer.concat(spec.concat.map(expand));
  if ("template" in spec) {
    let out = Buffer.from(table.templates[spec.template], "utf8");
    for (const [old, value] of spec.replace) {
      const at = out.indexOf(old);
      assert.ok(at >= 0 && out.indexOf(old, at + 1) === -1, `${JSON.stringify(old)} must occur once in ${spec.template}`);
      out = Buffer.concat([out.subarray(0, at), expand(value), out.subarray(at + Buffer.byteLength(old))]);
    }
    return out;
  }
  throw new Error(`bad spec ${JSON.stringify(spec)}`);
}

/** Bytes as a string for text APIs; SKIP when they are not UTF-8 (a JS string cannot hold them). */
function textOf(bytes) {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return SKIP;
  }
}

const page = () => jenga.StkPush.fromJson(table.templates.request);
const VALID_SIGNATURE = "QUFB";

/** Runs one case: returns SKIP, or throws what the API threw; returning anything else means accepted. */
async function run(api, input) {
  const ctx = table.context;
  const now = new Date(ctx.now);
  switch (api) {
    case "stk_push": {
      const request = textOf(expand(input.request));
      return request === SKIP ? SKIP : jenga.StkPush.fromJson(request);
    }
    case "token_response": {
      const r = jenga.parseTokenResponse(input.status, expand(input.body), now);
      return r.type === "token" ? { type: "token", tokenType: r.tokenType } : r;
    }
    case "init_response":
      return jenga.classifyInitResponse(input.status, expand(input.body));
    case "status_response":
      return jenga.parseStatusResponse(input.status, expand(input.body));
    case "callback":
      return jenga.parseCallback(expand(input.body));
    case "ipn":
      return jenga.parseIpn(expand(input.body));
    case "ipn_auth": {
      const username = "username" in input ? textOf(expand(input.username)) : ctx.ipnUsername;
      const password = "password" in input ? textOf(expand(input.password)) : ctx.ipnPassword;
      const header = input.authorization === null ? null : textOf(expand(input.authorization));
      if ([username, password, header].includes(SKIP)) return SKIP;
      new jenga.IpnAuth(username, password).verify(header);
      return "authenticated";
    }
    case "callback_url": {
      const secret = "secret" in input ? expand(input.secret) : ctx.callbackSecret;
      const url = textOf(expand(input.url));
      return url === SKIP ? SKIP : new jenga.CallbackUrls(secret).verifyUrl(url);
    }
    case "private_key": {
      const text = textOf(expand(input.pem));
      if (text === SKIP) return SKIP;
      // The WebCrypto signer must refuse it with the same code as the synchronous one.
      let asyncError = null;
      await jenga.Signer.fromPem(text).then(
        () => assert.fail("Signer.fromPem accepted it"),
        (e) => (asyncError = e),
      );
      assert.ok(asyncError instanceof jenga.JengaError, `Signer.fromPem threw ${asyncError}`);
      try {
        jenga.SyncSigner.fromPem(text);
      } catch (e) {
        assert.equal(asyncError.code, e.code, "Signer and SyncSigner disagree");
        throw e;
      }
      return "loaded";
    }
    case "signature": {
      const signature = textOf(expand(input.signature));
      return signature === SKIP ? SKIP : page().withSignature(signature).signature;
    }
    case "access_token": {
      const token = textOf(expand(input.token));
      if (token === SKIP) return SKIP;
      const signed = page().withSignature(VALID_SIGNATURE);
      // Both places that take a token refuse it the same way.
      try {
        jenga.orderStatusRequest("uat", token, "OR28922980077");
        assert.fail("orderStatusRequest accepted the token");
      } catch (e) {
        assert.ok(e instanceof jenga.JengaError && e.code === "validation_failed", `orderStatusRequest threw ${e}`);
      }
      return signed.httpRequest("uat", token).toString();
    }
    default:
      throw new Error(`unknown api ${api}`);
  }
}

/** The `accepts` view of what a call returned: `type`, and `kind`/`action` for a rejection. */
function acceptedView(api, outcome) {
  if (!["init_response", "token_response", "status_response"].includes(api)) return {};
  if (outcome.type === "rejected") return { type: "rejected", kind: outcome.kind, action: outcome.action };
  return { type: outcome.type };
}

/** "" when every key of `accepts` has the same value in `got`, else what differs. */
function acceptMismatch(got, accepts) {
  const ok = Object.entries(accepts).every(([k, v]) => got[k] === v);
  return ok ? "" : `expected ${JSON.stringify(accepts)}, got ${JSON.stringify(got)}`;
}

/** "" when the error matches the case's expectation, else what differs. */
function mismatch(e, want) {
  if (!(e instanceof jenga.JengaError)) return `not a JengaError: ${e?.name}: ${e?.message ?? String(e)}`;
  const first = e.problems[0];
  const got = { code: e.code, field: e.field, problem: first?.code, problemField: first?.field };
  const ok =
    e.code === want.code &&
    e.field === want.field &&
    got.problem === want.problem &&
    (want.problem === undefined || first.field === want.field) &&
    typeof e.message === "string" &&
    e.message.length > 0;
  return ok ? "" : `got ${JSON.stringify(got)} (${e.message.slice(0, 200)})`;
}

function stillWorks() {
  const push = page();
  assert.equal(push.signingString, "OR28922980077KES07220000002");
  assert.equal(jenga.parseCallback(table.templates.callback).outcome.result, "paid");
}

test("every case of the shared hostile table: a JengaError with its code and field, or accepted as stated", async () => {
  assert.ok(table.cases.length >= MIN_CASES, `the hostile table shrank to ${table.cases.length} cases`);
  assert.equal(new Set(table.cases.map((c) => c.id)).size, table.cases.length, "duplicate ids");
  const failures = [];
  const skipped = [];
  let ran = 0;
  let oddButValid = 0;
  for (const { id, api, input, error: want, accepts } of table.cases) {
    assert.ok((accepts === undefined) !== (want === undefined), `${id}: a case has \`error\` or \`accepts\`, never both`);
    let outcome;
    let threw = false;
    try {
      outcome = await run(api, input);
    } catch (e) {
      threw = true;
      outcome = e;
    }
    if (!threw && outcome === SKIP) {
      skipped.push(id);
      continue;
    }
    ran++;
    if (accepts !== undefined) {
      oddButValid++;
      if (threw) {
        failures.push(`${id}: THREW ${outcome?.code ?? outcome?.name}: ${String(outcome?.message).slice(0, 200)}, expected to parse as ${JSON.stringify(accepts)}`);
      } else {
        const why = acceptMismatch(acceptedView(api, outcome), accepts);
        if (why) failures.push(`${id}: ${why}`);
      }
      continue;
    }
    if (!threw) {
      failures.push(`${id}: ACCEPTED, expected ${JSON.stringify(want)}: ${JSON.stringify(outcome)?.slice(0, 200)}`);
      continue;
    }
    const why = mismatch(outcome, want);
    if (why) failures.push(`${id}: expected ${JSON.stringify(want)}, ${why}`);
  }
  console.log(
    `hostile: ${ran} of ${table.cases.length} cases ran in JavaScript (${oddButValid} odd but valid); not expressible as a JS string: ${skipped.join(", ") || "none"}`,
  );
  assert.deepEqual(failures, []);
  assert.ok(ran >= MIN_CASES);
  assert.ok(oddButValid > 0, "no odd-but-valid (accepts) case ran");
  stillWorks();
});

// ---------------------------------------------------------------- JavaScript-only hostile values

const cyclic = { order: {} };
cyclic.order.self = cyclic;
const throwingProxy = new Proxy(
  {},
  Object.fromEntries(
    ["get", "has", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf", "defineProperty", "set", "apply"].map((trap) => [
      trap,
      () => {
        throw new Error("proxy trap");
      },
    ]),
  ),
);
const polluted = Object.create({ order: { orderReference: "OR1" }, toString: () => "{}" });
/** Values no string or byte parameter accepts. */
const aDate = new Date(0);
const notText = [undefined, null, 0, 42.5, NaN, true, Symbol("s"), 10n, {}, [], [1, 2], cyclic, throwingProxy, polluted, () => "x", aDate];

function expectJengaError(fn, code, label) {
  let thrown = null;
  try {
    const r = fn();
    assert.ok(!(r && typeof r.then === "function"), `${label}: returned a promise`);
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown !== null, `${label}: accepted`);
  assert.ok(thrown instanceof jenga.JengaError, `${label}: threw ${thrown?.name}: ${thrown?.message ?? String(thrown)}`);
  assert.equal(thrown.code, code, `${label}: ${thrown.message}`);
  stillWorks();
}

/** A label for a hostile value that touches none of its traps. */
const show = (v) => {
  if (v === throwingProxy) return "<throwing Proxy>";
  if (v === cyclic) return "<cyclic object>";
  if (v === polluted) return "<object with a polluted prototype>";
  if (typeof v === "symbol" || typeof v === "bigint" || typeof v === "function") return `<${typeof v}>`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return "<object>";
  }
};

test("wrong JavaScript types for every text and body parameter are invalid_type", () => {
  const creds = { apiKey: "a", merchantCode: "m", consumerSecret: "s" };
  const calls = {
    "StkPush.fromJson": (v) => jenga.StkPush.fromJson(v),
    "StkPush.withSignature": (v) => page().withSignature(v),
    "SignedStkPush.httpRequest token": (v) => page().withSignature(VALID_SIGNATURE).httpRequest("uat", v),
    "SyncSigner.fromPem": (v) => jenga.SyncSigner.fromPem(v),
    "parseTokenResponse body": (v) => jenga.parseTokenResponse(200, v, 0),
    "parseTokenResponse now": (v) => jenga.parseTokenResponse(200, table.templates.token, v),
    "parseTokenResponse status": (v) => jenga.parseTokenResponse(v, table.templates.token, 0),
    "classifyInitResponse body": (v) => jenga.classifyInitResponse(200, v),
    "parseStatusResponse body": (v) => jenga.parseStatusResponse(200, v),
    "parseCallback": (v) => jenga.parseCallback(v),
    "parseIpn": (v) => jenga.parseIpn(v),
    "IpnAuth username": (v) => new jenga.IpnAuth(v, "pass"),
    "CallbackUrls secret": (v) => new jenga.CallbackUrls(v),
    "CallbackUrls.verifyUrl": (v) => new jenga.CallbackUrls(table.context.callbackSecret).verifyUrl(v),
    "tokenRequest credentials.consumerSecret": (v) => jenga.tokenRequest("uat", { ...creds, consumerSecret: v }),
    "TokenState credentials.apiKey": (v) => new jenga.TokenState("uat", { ...creds, apiKey: v }),
  };
  let count = 0;
  for (const [name, call] of Object.entries(calls)) {
    for (const value of notText) {
      // A Date or finite epoch milliseconds is a valid `now`; neither is text or bytes anywhere else.
      if (name === "parseTokenResponse now" && (value === aDate || Number.isFinite(value))) continue;
      // Statuses: 0 and 42.5 are numbers but not HTTP statuses, so invalid_type too.
      expectJengaError(() => call(value), "invalid_type", `${name}(${show(value)})`);
      count++;
    }
  }
  // IpnAuth.verify: absent (undefined or null) is ipn_auth_missing; any other non-string is invalid_type.
  const auth = new jenga.IpnAuth("jenga", "pass");
  for (const value of notText) {
    const code = value === undefined || value === null ? "ipn_auth_missing" : "invalid_type";
    expectJengaError(() => auth.verify(value), code, `IpnAuth.verify(${show(value)})`);
    count++;
  }
  console.log(`hostile: ${count} wrong-type calls in JavaScript`);
});

test("wrong JavaScript values for object parameters", async () => {
  const request = JSON.parse(table.templates.request);
  for (const value of [undefined, null, 0, "text", true, Symbol("s"), 10n, [], [request], cyclic, throwingProxy, () => 1]) {
    expectJengaError(() => jenga.StkPush.create(value), "invalid_type", `StkPush.create(${show(value)})`);
  }
  // Inherited (prototype) properties are not read: only own properties count.
  expectJengaError(() => jenga.StkPush.create(polluted), "validation_failed", "StkPush.create(polluted)");
  expectJengaError(() => jenga.StkPush.create(Object.create(request)), "validation_failed", "StkPush.create(Object.create(page))");
  for (const value of [0, "two", true, Symbol("s"), [], cyclic, throwingProxy]) {
    expectJengaError(() => jenga.StkPush.create(request, value), "invalid_type", `StkPush.create(page, ${show(value)})`);
  }
  for (const value of [undefined, null, 0, "creds", Symbol("s"), throwingProxy]) {
    expectJengaError(() => new jenga.TokenState("uat", value), "invalid_type", `TokenState(uat, ${show(value)})`);
    expectJengaError(() => jenga.tokenRequest("uat", value), "invalid_type", `tokenRequest(uat, ${show(value)})`);
  }
  for (const value of [null, 0, "x", Symbol("s"), throwingProxy]) {
    expectJengaError(() => jenga.reconcile(value, {}), "invalid_type", `reconcile(${show(value)})`);
    expectJengaError(() => jenga.reconcile({ orderReference: "OR1" }, value), "invalid_type", `reconcile(_, ${show(value)})`);
  }
  const creds = { apiKey: "a", merchantCode: "m", consumerSecret: "s" };
  for (const value of [throwingProxy, { marginSeconds: "60" }, { marginSeconds: 10n }, { marginSeconds: Symbol("s") }]) {
    expectJengaError(() => new jenga.TokenState("uat", creds, value), "invalid_type", `TokenState(uat, creds, ${show(value)})`);
  }
  // Signers: a foreign object pretending to be one, and a throwing Proxy.
  for (const value of [undefined, null, {}, { sign: () => "QUFB" }, throwingProxy]) {
    await assert.rejects(page().sign(value), (e) => e instanceof jenga.JengaError && e.code === "invalid_type", `sign(${show(value)})`);
    expectJengaError(() => page().signSync(value), "invalid_type", `signSync(${show(value)})`);
  }
  for (const value of [undefined, null, 1, Symbol("s"), throwingProxy]) {
    await assert.rejects(jenga.Signer.fromPem(value), (e) => e instanceof jenga.JengaError && e.code === "invalid_type", `Signer.fromPem(${show(value)})`);
  }
  stillWorks();
  // And the real thing still signs after all of that.
  const signed = page().signSync(jenga.SyncSigner.fromPem(pem));
  assert.ok(signed.signature.length > 300);
});
