// The JavaScript face of jenga-stk: JavaScript idiom on top of the core
// compiled to WebAssembly. Thin: it checks JavaScript types, converts values
// (objects to JSON text, strings to bytes, Dates to milliseconds), turns the
// core's error objects into JengaError, and signs with WebCrypto. Every
// payment rule lives in the Rust core.
//
// This file is the single source; the CommonJS copy (api.cjs) is generated
// from it when the package is built.

const MAX_INPUT_BYTES = 16 * 1024 * 1024; // beyond this nothing is copied into WebAssembly
const SECRET_HEADERS = ["authorization", "api-key"];
const SIGN_ALGORITHM = { name: "RSASSA-PKCS1-v1_5" };

/** Every failure of this package: a real Error with a stable `code`. */
export class JengaError extends Error {
  constructor(shape) {
    super(typeof shape?.message === "string" ? shape.message : "jenga-stk error");
    Object.defineProperty(this, "name", { value: "JengaError", enumerable: false, configurable: true, writable: true });
    this.code = typeof shape?.code === "string" ? shape.code : "internal_error";
    this.field = typeof shape?.field === "string" ? shape.field : null;
    this.problems = Object.freeze(
      Array.isArray(shape?.problems)
        ? shape.problems.map((p) => Object.freeze({ field: String(p.field), code: String(p.code), message: String(p.message) }))
        : [],
    );
    this.rejection = shape?.rejection ?? null;
  }

  toJSON() {
    return { name: this.name, code: this.code, field: this.field, message: this.message, problems: this.problems, rejection: this.rejection };
  }
}

function fail(code, field, message) {
  return new JengaError({ code, field, message });
}

/**
 * Runs a check that reads the caller's value: a getter or Proxy trap that
 * throws (or anything else but a JengaError) becomes invalid_type for `field`.
 */
function reading(field, fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof JengaError) throw e;
    throw fail("invalid_type", field, `${field} could not be read (a getter or Proxy threw)`);
  }
}

/** Turns whatever the WebAssembly side threw into a JengaError. */
function toJengaError(e) {
  if (e instanceof JengaError) return e;
  if (e !== null && typeof e === "object" && typeof e.code === "string" && !(e instanceof Error)) {
    return new JengaError(e);
  }
  const message = e instanceof Error ? e.message : String(e);
  return fail("internal_error", null, `unexpected failure: ${message}`);
}

function call(fn) {
  try {
    return fn();
  } catch (e) {
    throw toJengaError(e);
  }
}

function text(value, field, { optional = false } = {}) {
  if (optional && (value === undefined || value === null)) return undefined;
  if (typeof value !== "string") throw fail("invalid_type", field, `${field} must be a string`);
  if (value.length > MAX_INPUT_BYTES) throw fail("body_too_large", field, `${field} is too large`);
  return value;
}

const encoder = new TextEncoder();

/** A body as bytes: a string (UTF-8), a Uint8Array/Buffer, or an ArrayBuffer. */
function bytes(value, field) {
  return reading(field, () => bytesOf(value, field));
}

function bytesOf(value, field) {
  let out;
  if (typeof value === "string") {
    if (value.length > MAX_INPUT_BYTES) throw fail("body_too_large", field, `${field} is too large`);
    out = encoder.encode(value);
  } else if (value instanceof Uint8Array) {
    out = value;
  } else if (value instanceof ArrayBuffer) {
    out = new Uint8Array(value);
  } else if (ArrayBuffer.isView(value)) {
    out = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  } else {
    throw fail("invalid_type", field, `${field} must be a string, Uint8Array or ArrayBuffer`);
  }
  if (out.byteLength > MAX_INPUT_BYTES) throw fail("body_too_large", field, `${field} is too large`);
  return out;
}

function millis(now, field = "now") {
  const ms = reading(field, () => (now instanceof Date ? now.getTime() : now));
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw fail("invalid_type", field, `${field} must be a valid Date or epoch milliseconds`);
  }
  return ms;
}

function status(value) {
  if (!Number.isInteger(value) || value < 100 || value > 599) {
    throw fail("invalid_type", "status", "status must be an HTTP status code (100-599)");
  }
  return value;
}

/** A plain object as JSON text: cyclic, BigInt or non-object input is a JengaError. */
function json(value, field, { optional = false } = {}) {
  if (optional && (value === undefined || value === null)) return "{}";
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw fail("invalid_type", field, `${field} must be an object`);
  }
  let out;
  try {
    out = JSON.stringify(value);
  } catch (e) {
    throw fail("invalid_type", field, `${field} cannot be serialised to JSON (${e instanceof Error ? e.message : e})`);
  }
  if (typeof out !== "string") throw fail("invalid_type", field, `${field} must be an object`);
  if (out.length > MAX_INPUT_BYTES) throw fail("body_too_large", field, `${field} is too large`);
  return out;
}

function environmentText(environment) {
  if (environment === undefined) return "uat";
  return text(environment, "environment");
}

function base64(buffer) {
  const view = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < view.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, view.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function hidden(target, name, value) {
  Object.defineProperty(target, name, { value, enumerable: false });
}

/** An HTTP request as a value, ready for `fetch(request.url, request)`. */
export class HttpRequest {
  constructor(shape) {
    this.method = shape.method;
    this.url = shape.url;
    this.headers = Object.fromEntries(shape.headers);
    this.body = shape.method === "GET" ? undefined : shape.body;
    hidden(this, "secretBody", shape.secretBody === true);
    Object.freeze(this.headers);
    Object.freeze(this);
  }

  /** Secrets (Authorization, Api-Key, a secret body) are redacted. */
  toJSON() {
    const headers = {};
    for (const [name, value] of Object.entries(this.headers)) {
      headers[name] = SECRET_HEADERS.includes(name.toLowerCase()) ? "<redacted>" : value;
    }
    const body = this.secretBody ? `<redacted: ${this.body.length} characters>` : this.body;
    return { method: this.method, url: this.url, headers, body };
  }

  toString() {
    return `${this.method} ${this.url}`;
  }

  [Symbol.for("nodejs.util.inspect.custom")]() {
    return this.toJSON();
  }
}

/**
 * Builds the public API over the main WebAssembly module `wasm`. `rsa()`
 * returns the second module (the core's RSA: `SyncSigner` and `Verifier`),
 * loading it on first use; it throws a JengaError where it cannot be loaded
 * synchronously and has not been initialised.
 */
export function makeApi(
  wasm,
  { subtle, ready = () => {}, encodeBase64 = base64, rsa = () => { throw fail("unsupported", null, "no RSA module in this build"); } } = {},
) {
  const use = (fn) => {
    ready();
    return call(fn);
  };

  /** A validated STK push request: exact body and signing string. */
  class StkPush {
    #request;
    #options;
    constructor(token, request, options, shape) {
      if (token !== StkPush.#token) throw fail("invalid_type", null, "use StkPush.create()");
      this.#request = request;
      this.#options = options;
      this.body = shape.body;
      this.signingString = shape.signingString;
      this.orderReference = shape.orderReference;
      this.paymentReference = shape.paymentReference;
      this.orderAmount = shape.orderAmount;
      this.paymentAmount = shape.paymentAmount;
      this.currency = shape.currency;
      this.msisdn = shape.msisdn;
      this.callbackUrl = shape.callbackUrl;
      Object.freeze(this);
    }

    static #token = Symbol("StkPush");

    /** Validates `request` (the provider's JSON shape) under `options`, reporting every problem at once. */
    static create(request, options) {
      const requestJson = json(request, "request");
      const optionsJson = json(options, "options", { optional: true });
      const shape = use(() => wasm.buildStkPush(requestJson, optionsJson));
      return new StkPush(StkPush.#token, requestJson, optionsJson, shape);
    }

    /** Validates request JSON text as is (amount texts such as 2.50 reach the core unchanged). */
    static fromJson(requestJson, options) {
      const requestText = text(requestJson, "request");
      const optionsJson = json(options, "options", { optional: true });
      const shape = use(() => wasm.buildStkPush(requestText, optionsJson));
      return new StkPush(StkPush.#token, requestText, optionsJson, shape);
    }

    /** Signs with a signer (WebCrypto `Signer` or `SyncSigner`). */
    async sign(signer) {
      if (!reading("signer", () => signer instanceof Signer || signer instanceof SyncSigner)) {
        throw fail("invalid_type", "signer", "signer must be a Signer or SyncSigner");
      }
      return this.withSignature(await signer.sign(this.signingString));
    }

    /** Signs synchronously with a `SyncSigner` (the core's RSA compiled to WebAssembly). */
    signSync(signer) {
      if (!reading("signer", () => signer instanceof SyncSigner)) throw fail("invalid_type", "signer", "signer must be a SyncSigner");
      return this.withSignature(signer.sign(this.signingString));
    }

    /** Attaches a Base64 signature made elsewhere (KMS, HSM); malformed Base64 is refused. */
    withSignature(signature) {
      const sig = text(signature, "signature");
      use(() => wasm.checkSignature(sig));
      return new SignedStkPush(this, sig, this.#request, this.#options);
    }
  }

  /** A request with its signature. */
  class SignedStkPush {
    #request;
    #options;
    constructor(push, signature, request, options) {
      this.push = push;
      this.signature = signature;
      this.#request = request;
      this.#options = options;
      Object.freeze(this);
    }

    /** The HTTP request: `environment` is "uat", "live" or a base URL. */
    httpRequest(environment, accessToken) {
      const env = environmentText(environment);
      const token = text(accessToken, "accessToken");
      return new HttpRequest(use(() => wasm.stkPushHttpRequest(this.#request, this.#options, env, token, this.signature)));
    }
  }

  /** The default signer: WebCrypto (RSASSA-PKCS1-v1_5, SHA-256), key imported once. */
  class Signer {
    #key;
    constructor(token, key, bits) {
      if (token !== Signer.#token) throw fail("invalid_type", null, "use Signer.fromPem()");
      this.#key = key;
      this.bits = bits;
      Object.freeze(this);
    }

    static #token = Symbol("Signer");

    /** Loads a PKCS#1 or PKCS#8 PEM private key (same checks and errors as everywhere). */
    static async fromPem(pem) {
      const source = text(pem, "pem");
      if (!subtle) throw fail("unsupported", null, "WebCrypto (crypto.subtle) is not available; use SyncSigner");
      // Checked and re-encoded by the core, without RSA arithmetic in WebAssembly.
      const loaded = use(() => new wasm.WasmPkcs8Key(source));
      const bits = loaded.bits;
      let der;
      try {
        der = use(() => loaded.der());
      } finally {
        loaded.free(); // the WebAssembly copy of the key is zeroized now
      }
      const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
      let key;
      try {
        key = await subtle.importKey("pkcs8", der, algorithm, false, ["sign"]);
      } catch (e) {
        throw fail("key_invalid", null, `WebCrypto refused the key: ${e instanceof Error ? e.message : e}`);
      } finally {
        der.fill(0);
      }
      return new Signer(Signer.#token, key, bits);
    }

    /** Signs `message` (a string, as UTF-8, or bytes); resolves to Base64. */
    sign(message) {
      let data;
      try {
        data = bytes(message, "message");
      } catch (e) {
        return Promise.reject(e);
      }
      return subtle.sign(SIGN_ALGORITHM, this.#key, data).then(encodeBase64);
    }

    toString() {
      return `Signer { bits: ${this.bits}, key: <redacted> }`;
    }

    toJSON() {
      return { type: "Signer", bits: this.bits, key: "<redacted>" };
    }
  }

  /**
   * A synchronous signer: the core's blinded RSA compiled to WebAssembly (slower than Signer),
   * in a second module loaded on first use (`jenga-stk/web`: after `await initializeSyncSigner()`).
   */
  class SyncSigner {
    #inner;
    constructor(token, inner) {
      if (token !== SyncSigner.#token) throw fail("invalid_type", null, "use SyncSigner.fromPem()");
      this.#inner = inner;
      this.bits = inner.bits;
      Object.freeze(this);
    }

    static #token = Symbol("SyncSigner");

    static fromPem(pem) {
      const source = text(pem, "pem");
      return new SyncSigner(SyncSigner.#token, use(() => new (rsa().WasmSigner)(source)));
    }

    sign(message) {
      const data = bytes(message, "message");
      return use(() => this.#inner.sign(data));
    }

    toString() {
      return `SyncSigner { bits: ${this.bits}, key: <redacted> }`;
    }

    toJSON() {
      return { type: "SyncSigner", bits: this.bits, key: "<redacted>" };
    }
  }

  /**
   * Verifies RSA-SHA256 signatures with an SPKI or PKCS#1 PEM public key (the RSA module, like
   * `SyncSigner`).
   */
  class Verifier {
    #inner;
    constructor(pem) {
      const source = text(pem, "pem");
      this.#inner = use(() => new (rsa().WasmVerifier)(source));
      this.bits = this.#inner.bits;
      Object.freeze(this);
    }

    static fromPem(pem) {
      return new Verifier(pem);
    }

    /** Throws JengaError("signature_mismatch" or "invalid_signature_encoding") unless valid. */
    verify(message, signature) {
      const data = bytes(message, "message");
      const sig = text(signature, "signature");
      use(() => this.#inner.verify(data, sig));
    }
  }

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

  function tokenOf(shape) {
    if (shape.type !== "token") return Object.freeze(shape);
    const token = {
      type: "token",
      tokenType: shape.tokenType,
      issuedAt: shape.issuedAt,
      providerExpiresAt: shape.providerExpiresAt,
      lifetime: shape.lifetime,
      expiresAt: shape.expiresAt,
    };
    hidden(token, "accessToken", shape.accessToken);
    return Object.freeze(token);
  }

  /** The merchant token request. */
  function tokenRequest(environment, credentials) {
    const env = environmentText(environment);
    const [apiKey, merchantCode, secret] = credentialsOf(credentials);
    return new HttpRequest({ ...use(() => wasm.tokenRequest(env, apiKey, merchantCode, secret)), secretBody: true });
  }

  /** Parses the token response received at `now` (a Date or epoch milliseconds). */
  function parseTokenResponse(httpStatus, body, now) {
    const s = status(httpStatus);
    const b = bytes(body, "body");
    const ms = millis(now);
    return tokenOf(use(() => wasm.parseTokenResponse(s, b, ms)));
  }

  /** Holds the token; says "use" or "refresh" for a given `now`. */
  class TokenState {
    #inner;
    constructor(environment, credentials, options) {
      const env = environmentText(environment);
      const [apiKey, merchantCode, secret] = credentialsOf(credentials);
      const { marginSeconds = 60 } = reading("options", () => ({ ...options }));
      if (typeof marginSeconds !== "number") throw fail("invalid_type", "marginSeconds", "marginSeconds must be a number");
      this.#inner = use(() => new wasm.WasmTokenState(env, apiKey, merchantCode, secret, marginSeconds));
      Object.freeze(this);
    }

    /** `{ type: "use", accessToken }` or `{ type: "refresh", request }`. */
    nextAction(now) {
      const ms = millis(now);
      const action = use(() => this.#inner.nextAction(ms));
      if (action.type === "refresh") {
        return Object.freeze({ type: "refresh", request: new HttpRequest({ ...action.request, secretBody: true }) });
      }
      const out = { type: "use" };
      hidden(out, "accessToken", action.accessToken);
      return Object.freeze(out);
    }

    /** Takes the token response; returns the token, or throws JengaError ("provider_rejected" with `rejection`). */
    onResponse(httpStatus, body, now) {
      const s = status(httpStatus);
      const b = bytes(body, "body");
      const ms = millis(now);
      return tokenOf(use(() => this.#inner.onResponse(s, b, ms)));
    }

    /** Forgets the token (after a 401). */
    invalidate() {
      use(() => this.#inner.invalidate());
    }

    toString() {
      return "TokenState { credentials: <redacted> }";
    }

    toJSON() {
      return { type: "TokenState", credentials: "<redacted>" };
    }
  }

  /**
   * Classifies the answer to the STK push initiation. Every body classifies (an HTML 502 is a
   * rejection with `bodyExcerpt`); only a wrong JavaScript type throws.
   */
  function classifyInitResponse(httpStatus, body) {
    const s = status(httpStatus);
    const b = bytes(body, "body");
    return use(() => wasm.classifyInitResponse(s, b));
  }

  /**
   * What to do when no HTTP answer came (`fetch` threw): `endpoint` is "token", "init" or
   * "status"; `failure` is "connect_failed", "timeout" or "connection_lost".
   */
  function adviseTransportFailure(endpoint, failure) {
    const e = text(endpoint, "endpoint");
    const f = text(failure, "failure");
    return use(() => wasm.adviseTransportFailure(e, f));
  }

  /** The order status query; `signature` (Base64, of the order reference) is optional. */
  function orderStatusRequest(environment, accessToken, orderReference, signature) {
    const env = environmentText(environment);
    const token = text(accessToken, "accessToken");
    const reference = text(orderReference, "orderReference");
    const sig = text(signature, "signature", { optional: true });
    return new HttpRequest(use(() => wasm.orderStatusRequest(env, token, reference, sig)));
  }

  function parseStatusResponse(httpStatus, body) {
    const s = status(httpStatus);
    const b = bytes(body, "body");
    return use(() => wasm.parseStatusResponse(s, b));
  }

  function parseCallback(body) {
    const b = bytes(body, "body");
    return use(() => wasm.parseCallback(b));
  }

  function parseIpn(body) {
    const b = bytes(body, "body");
    return use(() => wasm.parseIpn(b));
  }

  function signingStringOfBody(body) {
    const b = bytes(body, "body");
    return use(() => wasm.signingStringOfBody(b));
  }

  /** Per-payment callback URLs carrying an HMAC-SHA256 token; verifies received callbacks. */
  class CallbackUrls {
    #inner;
    constructor(secret) {
      const s = bytes(secret, "secret");
      this.#inner = use(() => new wasm.WasmCallbackUrls(s));
      Object.freeze(this);
    }

    callbackUrl(baseUrl, orderReference, paymentReference) {
      const base = text(baseUrl, "baseUrl");
      const order = text(orderReference, "orderReference");
      const payment = text(paymentReference, "paymentReference");
      return use(() => this.#inner.callbackUrl(base, order, payment));
    }

    /** The references of a received URL (full URL or request target), or a JengaError. */
    verifyUrl(url) {
      const u = text(url, "url");
      return use(() => this.#inner.verifyUrl(u));
    }

    /** `{ refs, callback }` once the URL's token and the body agree. */
    verifyCallback(url, body) {
      const u = text(url, "url");
      const b = bytes(body, "body");
      return use(() => this.#inner.verifyCallback(u, b));
    }

    toString() {
      return "CallbackUrls { secret: <redacted> }";
    }

    toJSON() {
      return { type: "CallbackUrls", secret: "<redacted>" };
    }
  }

  /** The IPN's Basic-auth credentials, compared in constant time. */
  class IpnAuth {
    #inner;
    constructor(username, password) {
      const u = text(username, "username");
      const p = text(password, "password");
      this.#inner = use(() => new wasm.WasmIpnAuth(u, p));
      Object.freeze(this);
    }

    /** Throws JengaError ("ipn_auth_missing" / "ipn_auth_invalid") unless the header matches. */
    verify(authorization) {
      const header = text(authorization, "authorization", { optional: true });
      use(() => this.#inner.verify(header));
    }

    authorizationHeader() {
      return use(() => this.#inner.authorizationHeader());
    }

    toString() {
      return "IpnAuth { username: <redacted>, password: <redacted> }";
    }

    toJSON() {
      return { type: "IpnAuth", username: "<redacted>", password: "<redacted>" };
    }
  }

  /** Decides paid / failed / pending from the bodies held for an order. */
  function reconcile(expected, evidence = {}) {
    if (expected === null || typeof expected !== "object") throw fail("invalid_type", "expected", "expected must be an object");
    if (evidence === null || typeof evidence !== "object") throw fail("invalid_type", "evidence", "evidence must be an object");
    const [order, amount, currency] = reading("expected", () => [
      text(expected.orderReference, "expected.orderReference"),
      expected.amount === undefined || expected.amount === null ? undefined : amountText(expected.amount, "expected.amount"),
      text(expected.currency, "expected.currency", { optional: true }),
    ]);
    const [callback, ipns, statusBody] = reading("evidence", () => {
      const ipnsIn = evidence.ipns ?? [];
      if (!Array.isArray(ipnsIn)) throw fail("invalid_type", "evidence.ipns", "evidence.ipns must be an array");
      return [
        evidence.callback === undefined || evidence.callback === null ? undefined : bytes(evidence.callback, "evidence.callback"),
        ipnsIn.map((b, i) => bytes(b, `evidence.ipns[${i}]`)),
        evidence.status === undefined || evidence.status === null ? undefined : bytes(evidence.status, "evidence.status"),
      ];
    });
    return use(() => wasm.reconcile(order, amount, currency, callback, ipns, statusBody));
  }

  return {
    JengaError,
    HttpRequest,
    StkPush,
    SignedStkPush,
    Signer,
    SyncSigner,
    Verifier,
    TokenState,
    CallbackUrls,
    IpnAuth,
    tokenRequest,
    parseTokenResponse,
    classifyInitResponse,
    adviseTransportFailure,
    orderStatusRequest,
    parseStatusResponse,
    parseCallback,
    parseIpn,
    signingStringOfBody,
    reconcile,
  };
}

/** Money in: a decimal string, or a number only when its text is exact (integers, ≤ 2 decimals). */
function amountText(value, field) {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return value.toString();
  throw fail("invalid_type", field, `${field} must be a decimal string or a number`);
}
