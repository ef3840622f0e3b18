// The payment flow for those who own their I/O: SharedTokens, RetryPolicy and
// PaymentFlow, the core's sans-IO state machine as is. It decides; you send
// the requests it asks for and hand in what came back (JengaClient does that
// with fetch). Thin: JavaScript values in, the core's actions out.

import { HttpRequest, JengaError, bytes, fail, hidden, millis, reading, status, text } from "./base.mjs";

/** The policy's fields, in the order the WebAssembly module takes them. */
const POLICY_FIELDS = [
  "maxPushes",
  "maxRetries",
  "initialBackoffMs",
  "maxBackoffMs",
  "confirmDelayMs",
  "firstPollMs",
  "maxPollIntervalMs",
  "timeoutMs",
  "requestTimeoutMs",
  "tokenWaitMs",
];

/**
 * The core names a policy's durations without their unit (`policy.firstPoll`); here they are the
 * option names (`policy.firstPollMs`), in fields and messages alike.
 */
function withOptionNames(error) {
  if (!(error instanceof JengaError) || error.code !== "validation_failed") return error;
  // `policy.timeout`, and camelCase names alone (`initialBackoff`), not English words.
  const rename = (text) =>
    text.replace(/\b(policy\.)?([a-z]\w*)\b/g, (all, prefix, name) =>
      (prefix || /[A-Z]/.test(name)) && POLICY_FIELDS.includes(`${name}Ms`) ? `${prefix ?? ""}${name}Ms` : all,
    );
  return new JengaError({
    code: error.code,
    field: error.field === null ? null : rename(error.field),
    message: rename(error.message),
    problems: error.problems.map((p) => ({ field: rename(p.field), code: p.code, message: rename(p.message) })),
  });
}

/** A request the flow or a status query wants sent, as `{type: "send", request}`. */
export function sendAction(action) {
  const secretBody = action.endpoint === "token"; // it carries the consumer secret
  const request = Object.freeze({
    endpoint: action.endpoint,
    http: new HttpRequest({ ...action.request, secretBody }),
    timeoutMs: action.timeoutMs,
  });
  return Object.freeze({ type: "send", request });
}

/** A seed for the flow's or the query's jitter: a bigint or safe integer, or 64 random bits. */
export function seedOf(seed, randomValues) {
  let s = seed;
  if (s === undefined || s === null) {
    if (typeof randomValues !== "function") throw fail("unsupported", "seed", "no crypto.getRandomValues: give a seed");
    s = randomValues(new BigUint64Array(1))[0];
  }
  if (typeof s === "number" && Number.isSafeInteger(s) && s >= 0) s = BigInt(s);
  if (typeof s !== "bigint" || s < 0n || s > MAX_U64) throw fail("invalid_type", "seed", "seed must be a bigint from 0 to 2^64 - 1");
  return s;
}

const MAX_U64 = (1n << 64n) - 1n;

function credentialsOf(credentials) {
  if (credentials === null || typeof credentials !== "object") {
    throw fail("invalid_type", "credentials", "credentials must be { apiKey, merchantCode, consumerSecret }");
  }
  return reading("credentials", () => [
    text(credentials.apiKey, "credentials.apiKey"),
    text(credentials.merchantCode, "credentials.merchantCode"),
    text(credentials.consumerSecret, "credentials.consumerSecret"),
  ]);
}

/** Builds SharedTokens, RetryPolicy and PaymentFlow over the main module. */
export function makeFlowApi(wasm, { use, inner, evidence, randomValues }) {
  let defaults;

  /**
   * The flow's retries, polling schedule and timeouts (milliseconds). Omitted fields take the
   * core's defaults; an unknown field is an error (a typo would otherwise be ignored); a policy
   * that would spin (a zero first poll, confirm delay or token wait, no pushes, a cap below its
   * start) is "validation_failed" with every problem (`policy.*` fields), as the core checks it.
   */
  class RetryPolicy {
    constructor(options = {}) {
      const given = reading("policy", () => {
        if (options === null || typeof options !== "object") throw fail("invalid_type", "policy", "policy must be an object");
        return { ...options };
      });
      for (const name of Object.keys(given)) {
        if (!POLICY_FIELDS.includes(name)) {
          throw fail("invalid_option", `policy.${name}`, `unknown policy field ${name} (known: ${POLICY_FIELDS.join(", ")})`);
        }
      }
      defaults ??= use(() => wasm.retryPolicyDefaults());
      const values = POLICY_FIELDS.map((name, i) => {
        const value = given[name] ?? defaults[i];
        if (typeof value !== "number") throw fail("invalid_type", `policy.${name}`, `policy.${name} must be a number`);
        return value;
      });
      try {
        use(() => wasm.checkRetryPolicy(Float64Array.from(values)));
      } catch (e) {
        throw withOptionNames(e);
      }
      POLICY_FIELDS.forEach((name, i) => {
        this[name] = values[i];
      });
      Object.freeze(this);
    }

    /** The values in the WebAssembly module's order. */
    static values(policy) {
      const p = policy instanceof RetryPolicy ? policy : new RetryPolicy(policy ?? {});
      return Float64Array.from(POLICY_FIELDS.map((name) => p[name]));
    }
  }

  /**
   * The token shared by every payment of one client: however many payments start at once, one
   * token request is made (the others wait for it). Holds the credentials: redacted when shown.
   */
  class SharedTokens {
    #inner;
    constructor(environment, credentials, options) {
      const env = environment === undefined ? "uat" : text(environment, "environment");
      const [apiKey, merchantCode, secret] = credentialsOf(credentials);
      const { marginSeconds = 60 } = reading("options", () => ({ ...options }));
      if (typeof marginSeconds !== "number") throw fail("invalid_type", "marginSeconds", "marginSeconds must be a number");
      this.#inner = use(() => new wasm.WasmSharedTokens(env, apiKey, merchantCode, secret, marginSeconds));
      this.environment = env;
      inner.set(this, this.#inner);
      Object.freeze(this);
    }

    /**
     * For `now`: `{ type: "use", accessToken }`, `{ type: "refresh", request }` (this caller
     * fetches the token; the refresh is held for `leaseMs`), or `{ type: "wait" }` (another caller
     * is fetching it: look again shortly).
     */
    grant(now, leaseMs = 30_000) {
      const ms = millis(now);
      if (typeof leaseMs !== "number") throw fail("invalid_type", "leaseMs", "leaseMs must be a number");
      const grant = use(() => this.#inner.grant(ms, leaseMs));
      if (grant.type === "refresh") {
        return Object.freeze({ type: "refresh", request: new HttpRequest({ ...grant.request, secretBody: true }) });
      }
      const out = { type: grant.type };
      if (grant.type === "use") hidden(out, "accessToken", grant.accessToken);
      return Object.freeze(out);
    }

    /** The answer to the token request of a `refresh` grant: the token (kept for everyone) or the rejection. */
    onRefreshResponse(httpStatus, body, now) {
      const s = status(httpStatus);
      const b = bytes(body, "body");
      const ms = millis(now);
      const answer = use(() => this.#inner.onRefreshResponse(s, b, ms));
      if (answer.type !== "token") return Object.freeze(answer);
      const token = {
        type: "token",
        tokenType: answer.tokenType,
        issuedAt: answer.issuedAt,
        providerExpiresAt: answer.providerExpiresAt,
        lifetime: answer.lifetime,
        expiresAt: answer.expiresAt,
      };
      hidden(token, "accessToken", answer.accessToken);
      return Object.freeze(token);
    }

    /** The token request of a `refresh` grant got no answer: another caller may fetch it. */
    onRefreshFailed() {
      use(() => this.#inner.onRefreshFailed());
    }

    /** A call made with `accessToken` was answered 401: forget that token (unless already replaced). */
    invalidate(accessToken) {
      const token = text(accessToken, "accessToken");
      use(() => this.#inner.invalidate(token));
    }

    /** Whether a token is held (fresh or not). */
    get hasToken() {
      return use(() => this.#inner.hasToken);
    }

    toString() {
      return `SharedTokens { environment: ${this.environment}, credentials: <redacted> }`;
    }

    toJSON() {
      return { type: "SharedTokens", environment: this.environment, credentials: "<redacted>" };
    }

    [Symbol.for("nodejs.util.inspect.custom")]() {
      return this.toJSON();
    }
  }

  /** The core's flow context for `{ tokens, callbackUrls }` (a short-lived WebAssembly object). */
  function withContext(context, fn) {
    const { tokens, callbackUrls } = reading("context", () => {
      if (context === null || typeof context !== "object") throw fail("invalid_type", "context", "context must be { tokens, callbackUrls? }");
      return { tokens: context.tokens, callbackUrls: context.callbackUrls };
    });
    const tokensInner = tokens instanceof SharedTokens ? inner.get(tokens) : undefined;
    if (!tokensInner) throw fail("invalid_type", "context.tokens", "context.tokens must be a SharedTokens");
    const urlsInner = callbackUrls === undefined || callbackUrls === null ? null : inner.get(callbackUrls);
    if (urlsInner !== null && !(urlsInner instanceof wasm.WasmCallbackUrls)) {
      throw fail("invalid_type", "context.callbackUrls", "context.callbackUrls must be a CallbackUrls");
    }
    const wasmContext = use(() => new wasm.WasmFlowContext(tokensInner));
    try {
      if (urlsInner) use(() => wasmContext.setCallbackUrls(urlsInner));
      return fn(wasmContext);
    } finally {
      wasmContext.free();
    }
  }

  function evidenceOf(value, field, what) {
    const body = value !== null && typeof value === "object" ? evidence.get(value) : undefined;
    if (!body) throw fail("invalid_type", field, `${field} must be what ${what} returned (authenticate it first)`);
    return body;
  }

  function actionOf(action) {
    if (action.type === "send") return sendAction(action);
    if (action.type === "wait") return Object.freeze({ type: "wait", until: new Date(action.untilMs) });
    return Object.freeze({ type: "done", outcome: action.outcome });
  }

  /**
   * One STK push, from the token to its outcome: the core's sans-IO flow. Ask `poll(now)` what to
   * do; send the request it gives and hand in the answer (`handleResponse`) or the failure
   * (`handleTransportFailure`); sleep until a `wait`; stop at `done`. Hand in callbacks and IPNs
   * (authenticated) as they come. `toJSON()` saves it (no secrets); `PaymentFlow.fromJSON`
   * restores it anywhere, with the same decisions.
   */
  class PaymentFlow {
    #inner;
    constructor(push, context, options = {}) {
      if (push === FROM_SAVED) {
        this.#inner = context;
        Object.freeze(this);
        return;
      }
      const source = push !== null && typeof push === "object" ? inner.get(push) : undefined;
      if (!source || typeof source.signature !== "string") {
        throw fail("invalid_type", "push", "push must be a SignedStkPush (StkPush.sign() or withSignature())");
      }
      const { policy, statusSignature, seed, now } = reading("options", () => ({ ...options }));
      const values = RetryPolicy.values(policy);
      const sig = text(statusSignature, "statusSignature", { optional: true });
      const s = seedOf(seed, randomValues);
      const ms = millis(now === undefined ? Date.now() : now);
      this.#inner = withContext(context, (ctx) =>
        use(() => new wasm.WasmPaymentFlow(source.request, source.options, source.signature, ctx, values, sig, s, ms)),
      );
      Object.freeze(this);
    }

    /** Restores a flow saved with `toJSON()` (the object, or its JSON text), with its context given again. */
    static fromJSON(saved, context) {
      let textOf;
      if (typeof saved === "string") textOf = saved;
      else if (saved !== null && typeof saved === "object") textOf = reading("saved", () => JSON.stringify(saved));
      else throw fail("invalid_type", "saved", "saved must be what toJSON() returned, or its JSON text");
      const b = bytes(textOf, "saved");
      const restored = withContext(context, (ctx) => use(() => wasm.WasmPaymentFlow.fromJson(b, ctx)));
      return new PaymentFlow(FROM_SAVED, restored);
    }

    /** What to do next at `now`: `{type: "send", request}`, `{type: "wait", until}` or `{type: "done", outcome}`. */
    poll(now) {
      const ms = millis(now);
      return actionOf(use(() => this.#inner.poll(ms)));
    }

    /** The answer to the request of the last `send`: its status, `Retry-After` header (or null) and body. */
    handleResponse(now, httpStatus, retryAfter, body) {
      const ms = millis(now);
      const s = status(httpStatus);
      const after = text(retryAfter, "retryAfter", { optional: true });
      const b = bytes(body, "body");
      use(() => this.#inner.handleResponse(ms, s, after, b));
    }

    /** The request of the last `send` got no answer: "connect_failed", "timeout" or "connection_lost". */
    handleTransportFailure(now, failure) {
      const ms = millis(now);
      const f = text(failure, "failure");
      use(() => this.#inner.handleTransportFailure(ms, f));
    }

    /** A callback: what `CallbackUrls.verifyCallback(...).callback` (or `parseCallback`) returned. */
    handleCallback(callback) {
      const body = evidenceOf(callback, "callback", "CallbackUrls.verifyCallback (its .callback) or parseCallback");
      use(() => this.#inner.handleCallback(body));
    }

    /** An IPN: what `parseIpn` (after `IpnAuth.verify`) or `JengaClient.verifyIpn` returned. */
    handleIpn(ipn) {
      const body = evidenceOf(ipn, "ipn", "parseIpn or JengaClient.verifyIpn");
      use(() => this.#inner.handleIpn(body));
    }

    /** Asks for a status query at the next poll, even after the deadline (no effect on a paid flow). */
    checkStatus() {
      use(() => this.#inner.checkStatus());
    }

    /** The outcome once ended (recomputed when evidence comes later), else null. */
    get outcome() {
      return use(() => this.#inner.outcome());
    }

    /** "starting", "confirming", "waiting" or "done". */
    get phase() {
      return use(() => this.#inner.phase());
    }

    /** The provider's acceptance of the push, once it came, else null. */
    get accepted() {
      return use(() => this.#inner.accepted());
    }

    /** Whether the provider is known to have the push (the customer has, or had, the prompt). */
    get pushKnown() {
      return use(() => this.#inner.pushKnown());
    }

    get orderReference() {
      return use(() => this.#inner.orderReference());
    }

    /** The latest push's payment reference. */
    get paymentReference() {
      return use(() => this.#inner.paymentReference());
    }

    /** Every payment reference pushed, the first one first. */
    get paymentReferences() {
      return Object.freeze(use(() => this.#inner.paymentReferences()));
    }

    /** After this instant the flow stops trying and ends undecided. */
    get deadline() {
      return new Date(use(() => this.#inner.deadline()));
    }

    /** The saved state: versioned JSON data with no secrets (`JSON.stringify(flow)` gives its text). */
    toJSON() {
      return JSON.parse(use(() => this.#inner.toJson()));
    }

    toString() {
      return `PaymentFlow { orderReference: ${this.orderReference}, phase: ${this.phase} }`;
    }
  }

  const FROM_SAVED = Object.freeze({});

  return { RetryPolicy, SharedTokens, PaymentFlow };
}
