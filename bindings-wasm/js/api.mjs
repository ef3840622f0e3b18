// The JavaScript face of jenga-stk: JavaScript idiom on top of the core
// compiled to WebAssembly. Thin: it checks JavaScript types, converts values
// (objects to JSON text, strings to bytes, Dates to milliseconds), turns the
// core's error objects into JengaError, and signs with WebCrypto. Every
// payment rule lives in the Rust core.
//
// This file and the modules it imports (base.mjs, flow.mjs, query.mjs,
// client.mjs) are the single source; their CommonJS copies (*.cjs) are
// generated when the package is built (bindings-wasm/tools/esm-to-cjs.mjs).
// In Node both `import` and `require` load the CommonJS copies (index.mjs
// re-exports index.cjs): one WebAssembly instance, one JengaError class.

import {
  JengaError,
  HttpRequest,
  SIGN_ALGORITHM,
  amountText,
  base64,
  bytes,
  call,
  environmentText,
  fail,
  hidden,
  json,
  millis,
  reading,
  status,
  text,
} from "./base.mjs";
import { makeFlowApi } from "./flow.mjs";
import { makeStatusQuery } from "./query.mjs";
import { makeClient } from "./client.mjs";

/**
 * Builds the public API over the main WebAssembly module `wasm`. `rsa()`
 * returns the second module (key checks, the core's RSA for `SyncSigner` and
 * `Verifier`, the signature doctor), loading it on first use; it throws a
 * JengaError where it cannot be loaded synchronously and has not been
 * initialised. `rsaAsync()` may load it asynchronously (the WebCrypto
 * `Signer`'s key check). `randomValues` is WebCrypto's `getRandomValues`.
 */
export function makeApi(
  wasm,
  {
    subtle,
    ready = () => {},
    encodeBase64 = base64,
    rsa = () => {
      throw fail("unsupported", null, "no RSA module in this build");
    },
    rsaAsync = async () => rsa(),
    randomValues,
  } = {},
) {
  const use = (fn) => {
    ready();
    return call(fn);
  };
  // The WebAssembly objects and inputs behind the public objects, for the
  // other parts of the package (never exposed).
  const inner = new WeakMap();
  // The body of every callback and IPN this package parsed, by the object it
  // returned: a PaymentFlow is handed the object and re-reads the bytes.
  const evidence = new WeakMap();

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
      inner.set(this, { request, options, signature });
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
      // Checked and re-encoded by the core, without RSA arithmetic, in the second module.
      ready();
      const keys = await rsaAsync();
      const loaded = call(() => new keys.WasmPkcs8Key(source));
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

  /** Keeps a copy of the bytes a parsed callback or IPN came from (PaymentFlow reads them). */
  function remember(parsed, body) {
    evidence.set(parsed, body.slice());
    return parsed;
  }

  function parseCallback(body) {
    const b = bytes(body, "body");
    return remember(use(() => wasm.parseCallback(b)), b);
  }

  function parseIpn(body) {
    const b = bytes(body, "body");
    return remember(use(() => wasm.parseIpn(b)), b);
  }

  /**
   * The signing string of a received body, from the body's own texts (with `Verifier`, to check a
   * request signed elsewhere). In the second module (`jenga-stk/web`: after `await
   * initializeSyncSigner()`).
   */
  function signingStringOfBody(body) {
    const b = bytes(body, "body");
    return use(() => rsa().signingStringOfBody(b));
  }

  /** Per-payment callback URLs carrying an HMAC-SHA256 token; verifies received callbacks. */
  class CallbackUrls {
    #inner;
    constructor(secret) {
      const s = bytes(secret, "secret");
      this.#inner = use(() => new wasm.WasmCallbackUrls(s));
      inner.set(this, this.#inner);
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
      const verified = use(() => this.#inner.verifyCallback(u, b));
      remember(verified.callback, b);
      return verified;
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

  /**
   * Why the provider answers `403 Invalid signature`: the body and `Signature` header as sent,
   * the public key registered in the portal, and optionally the private key signing (only its
   * public half is used). Runs in the second module (`jenga-stk/web`: after `await
   * initializeSyncSigner()`).
   */
  function diagnoseSignature(body, signatureHeader, registeredPublicKeyPem, privateKeyPem) {
    const b = bytes(body, "body");
    const header = bytes(signatureHeader, "signatureHeader");
    const pub = text(registeredPublicKeyPem, "registeredPublicKeyPem");
    const priv = text(privateKeyPem, "privateKeyPem", { optional: true });
    return use(() => rsa().diagnoseSignature(b, header, pub, priv));
  }

  const flowApi = makeFlowApi(wasm, { use, inner, evidence, randomValues });
  const queryApi = makeStatusQuery(wasm, { use, inner, randomValues, ...flowApi });
  const api = {
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
    diagnoseSignature,
    ...flowApi,
    ...queryApi,
  };
  const clientApi = makeClient(api, { randomValues, loadSigner: (pem) => Signer.fromPem(pem) });
  return { ...api, ...clientApi };
}
