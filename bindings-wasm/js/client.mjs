// JengaClient: one object that takes payments. It only moves bytes: the
// decisions (tokens, retries, when to ask about the order, the outcome) are
// the core's PaymentFlow; this file carries out its actions with `fetch`
// (any WHATWG fetch: Node, Bun, Deno, edge runtimes, or one you pass in),
// `setTimeout` and `AbortSignal`. No Node-only API.

import { JengaError, bytes, fail, reading, text } from "./base.mjs";

/** Letters and digits that cannot be misread (as the core's new payment references use). */
const REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/** The longest single setTimeout (longer waits are slept in steps). */
const MAX_TIMER_MS = 2_147_483_647;
/** Bodies beyond this are cut before they reach the core (which refuses far smaller ones). */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * Which TransportFailure a failed `fetch` was. Only a failure to connect (refused, DNS, TLS)
 * proves the request was never sent; anything else may have reached the provider, so it is
 * `connection_lost` (the flow then asks about the order before pushing again).
 */
const CONNECT_FAILED = new Set([
  // Node (undici) and Bun
  "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN",
  "UND_ERR_CONNECT_TIMEOUT", "ConnectionRefused", "FailedToOpenSocket",
  // TLS: the handshake failed, so no request was sent
  "CERT_HAS_EXPIRED", "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "ERR_TLS_CERT_ALTNAME_INVALID", "ERR_SSL_WRONG_VERSION_NUMBER",
]);
const TIMED_OUT = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);

function transportFailureOf(error) {
  const codes = [error?.cause?.code, error?.code, error?.cause?.cause?.code, error?.cause?.name];
  if (codes.some((c) => CONNECT_FAILED.has(c))) return "connect_failed";
  if (codes.some((c) => TIMED_OUT.has(c))) return "timeout";
  return "connection_lost";
}

/**
 * Under Deno, how a POST must go so that Deno's fetch never re-sends it on its own. Deno retries a
 * request whose body it can replay, once, when the connection closes before any answer
 * (denoland/deno#32566): it takes that for a stale keep-alive connection. But a provider that took
 * the push and then lost the connection looks the same (the sandbox's `drop_after_accept`): the
 * re-sent push would prompt the customer twice. Measured (scripts/dist/npm.sh, and by hand):
 * Deno 2.6 never re-sends; 2.7.0 to 2.9.5 re-send on any connection; from 2.9.6 (#36415) only on
 * a connection that came out of the pool. So every POST gets an HTTP client of its own with no pool
 * (`client`, closed after the exchange), and before 2.9.6 also its body as a stream, which Deno
 * cannot replay (sent with `Transfer-Encoding: chunked`; the bytes are the same). Other runtimes
 * do not re-send (Node, Bun, workerd: checked): `undefined` there.
 */
function denoPost() {
  const deno = globalThis.Deno;
  if (typeof deno?.createHttpClient !== "function") return undefined;
  const [major, minor, patch] = String(deno.version?.deno ?? "").split(".").map(Number);
  const at = major * 1_000_000 + minor * 1_000 + patch;
  const replaysFresh = Number.isFinite(at) && at >= 2_007_000 && at < 2_009_006;
  return { client: deno.createHttpClient({ poolMaxIdlePerHost: 0 }), stream: replaysFresh };
}

/** `text` as a one-chunk stream: a body fetch cannot replay. */
function unreplayable(text) {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** The rejection of an aborted operation: a JengaError named AbortError, the signal's reason as its cause. */
function abortError(signal) {
  return new JengaError({ name: "AbortError", code: "aborted", message: "the operation was aborted", cause: signal?.reason });
}

function checkSignal(signal) {
  if (signal !== undefined && signal !== null && !(typeof signal === "object" && typeof signal.aborted === "boolean" && typeof signal.addEventListener === "function")) {
    throw fail("invalid_type", "signal", "signal must be an AbortSignal");
  }
  return signal ?? undefined;
}

/** Sleeps `ms`, or until one of `wakers` is called, or rejects when `signal` aborts. */
function sleep(ms, signal, wakers) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const finish = (error) => {
      clearTimeout(timer);
      wakers?.delete(wake);
      signal?.removeEventListener("abort", aborted);
      if (error) reject(error);
      else resolve();
    };
    const wake = () => finish(null);
    const aborted = () => finish(abortError(signal));
    const timer = setTimeout(wake, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    wakers?.add(wake);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}

/** `promise`, or a rejection as soon as `signal` aborts (the promise itself goes on). */
function unlessAborted(promise, signal) {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const aborted = () => reject(abortError(signal));
    signal.addEventListener("abort", aborted, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", aborted);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", aborted);
        reject(e);
      },
    );
  });
}

/** Builds JengaClient and Payment over the public API. */
export function makeClient(api, { randomValues, loadSigner }) {
  const { CallbackUrls, IpnAuth, PaymentFlow, RetryPolicy, SharedTokens, Signer, StatusQuery, StkPush, SyncSigner } = api;
  const { parseIpn } = api;

  function random(n) {
    if (typeof randomValues !== "function") throw fail("unsupported", null, "crypto.getRandomValues is not available");
    return randomValues(new Uint8Array(n));
  }

  /** A payment reference nobody else has: "P" and 13 random letters or digits (65 bits). */
  function randomReference() {
    let out = "P";
    for (const b of random(13)) out += REFERENCE_ALPHABET[b % 32];
    return out;
  }

  /**
   * One HTTP exchange for a flow's request: `{status, retryAfter, body}`, or `{failure}` when no
   * answer came. The request's timeout covers the whole exchange, the body included.
   */
  async function exchange(fetchImpl, request, signal) {
    const { method, url, headers, body } = request.http;
    let deno;
    try {
      deno = method === "POST" ? denoPost() : undefined;
    } catch {
      return { failure: "connect_failed" }; // nothing was sent
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, Math.min(request.timeoutMs, MAX_TIMER_MS));
    const aborted = () => controller.abort();
    signal?.addEventListener("abort", aborted, { once: true });
    try {
      const init = { method, headers, body, signal: controller.signal };
      if (deno) {
        init.client = deno.client;
        if (deno.stream && typeof body === "string") {
          init.body = unreplayable(body);
          init.duplex = "half";
        }
      }
      const response = await fetchImpl(url, init);
      let answer = new Uint8Array(await response.arrayBuffer());
      if (answer.byteLength > MAX_ANSWER_BYTES) answer = answer.subarray(0, MAX_ANSWER_BYTES);
      return { status: response.status, retryAfter: response.headers.get("retry-after"), body: answer };
    } catch (e) {
      if (signal?.aborted) return { aborted: true };
      return { failure: timedOut ? "timeout" : transportFailureOf(e) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", aborted);
      deno?.client.close();
    }
  }

  const PAYMENT = Symbol("Payment");
  /** Payment's driver, for JengaClient.startPayment (set by Payment's static block). */
  let drive;

  /**
   * One payment of a JengaClient: wait for its outcome, hand it callbacks and IPNs, save it with
   * `toJSON()` (no secrets) and resume it with `client.resume(saved)`.
   */
  class Payment {
    #client;
    #flow;
    #wakers = new Set();
    #running = null;

    constructor(token, client, flow) {
      if (token !== PAYMENT) throw fail("invalid_type", null, "use client.startPayment() or client.resume()");
      this.#client = client;
      this.#flow = flow;
      Object.freeze(this);
    }

    static {
      drive = (payment, signal, enough) => payment.#drive(signal, enough);
    }

    /** Carries out the flow's actions until it ends, or until `enough()` says so after a step. */
    async #drive(signal, enough) {
      const flow = this.#flow;
      const { fetchImpl } = this.#client;
      for (;;) {
        if (signal?.aborted) throw abortError(signal);
        const action = flow.poll(Date.now());
        if (action.type === "done") return action.outcome;
        if (action.type === "wait") {
          await sleep(action.until.getTime() - Date.now(), signal, this.#wakers);
          continue;
        }
        const answer = await exchange(fetchImpl, action.request, signal);
        if (answer.aborted) {
          // The request may have been sent: the flow must know its answer was lost, so that a
          // push is asked about (never re-sent blindly) and a saved state is right.
          flow.handleTransportFailure(Date.now(), "connection_lost");
          throw abortError(signal);
        }
        if (answer.failure) flow.handleTransportFailure(Date.now(), answer.failure);
        else flow.handleResponse(Date.now(), answer.status, answer.retryAfter, answer.body);
        if (enough?.()) return null;
      }
    }

    /**
     * Drives the payment to its end (status queries while waiting; a callback or IPN handed in
     * wakes it) and resolves to the Outcome. `signal` aborts the wait (an AbortError); the
     * payment stays usable.
     */
    async wait({ signal } = {}) {
      const s = checkSignal(reading("options", () => signal));
      for (;;) {
        if (!this.#running) {
          const run = this.#drive(s);
          this.#running = run;
          run.then(
            () => this.#release(run),
            () => this.#release(run),
          );
          return await run;
        }
        try {
          return await unlessAborted(this.#running, s);
        } catch (e) {
          // The wait being joined was aborted by its own caller: carry on with this one.
          if (e instanceof JengaError && e.code === "aborted" && !s?.aborted) continue;
          throw e;
        }
      }
    }

    #release(run) {
      if (this.#running === run) this.#running = null;
    }

    #wake() {
      for (const wake of [...this.#wakers]) wake();
    }

    /** A callback for this payment: what `client.verifyCallback(...).callback` returned. */
    handleCallback(callback) {
      this.#flow.handleCallback(callback);
      this.#wake();
    }

    /** An IPN for this payment: what `client.verifyIpn(...)` returned. */
    handleIpn(ipn) {
      this.#flow.handleIpn(ipn);
      this.#wake();
    }

    /** Asks the provider about the order at the next step, even after the deadline (then `wait()`). */
    checkStatus() {
      this.#flow.checkStatus();
      this.#wake();
    }

    /** The Outcome once the payment ended, else null. */
    get outcome() {
      return this.#flow.outcome;
    }

    /** "starting", "confirming", "waiting" or "done". */
    get phase() {
      return this.#flow.phase;
    }

    /** The provider's acceptance of the push, once it came. */
    get accepted() {
      return this.#flow.accepted;
    }

    /** Whether the provider has the push (the customer has, or had, the prompt). */
    get pushKnown() {
      return this.#flow.pushKnown;
    }

    get orderReference() {
      return this.#flow.orderReference;
    }

    get paymentReference() {
      return this.#flow.paymentReference;
    }

    get paymentReferences() {
      return this.#flow.paymentReferences;
    }

    get deadline() {
      return this.#flow.deadline;
    }

    /** The saved state (no secrets): store it with the order; `client.resume(saved)` continues it. */
    toJSON() {
      return this.#flow.toJSON();
    }

    toString() {
      return `Payment { orderReference: ${this.orderReference}, phase: ${this.phase} }`;
    }
  }

  function optionsOf(options) {
    if (options === null || typeof options !== "object") throw fail("invalid_type", "options", "options must be an object");
    return reading("options", () => ({ ...options }));
  }

  /**
   * Takes M-Pesa payments: `startPayment` pushes the prompt, `wait` gives the outcome; the
   * webhook helpers authenticate callbacks and IPNs. One token for all its payments. Holds the
   * credentials, the key and the webhook secrets: shown redacted.
   */
  class JengaClient {
    #tokens;
    #signer;
    #environment;
    #callbackUrl;
    #callbackUrls;
    #ipnAuth;
    #requestOptions;
    #policy;
    #signStatusQueries;
    #fetch;

    constructor(options) {
      const o = optionsOf(options);
      this.#environment = o.environment === undefined ? "uat" : text(o.environment, "environment");
      this.#tokens = new SharedTokens(this.#environment, o.credentials, { marginSeconds: o.tokenMarginSeconds ?? 60 });
      this.#policy = o.retryPolicy instanceof RetryPolicy ? o.retryPolicy : new RetryPolicy(o.retryPolicy ?? {});
      this.#callbackUrl = text(o.callbackUrl, "callbackUrl");
      this.#callbackUrls = o.callbackSecret === undefined ? null : new CallbackUrls(o.callbackSecret);
      if (o.ipn !== undefined) {
        const ipn = reading("ipn", () => ({ ...o.ipn }));
        this.#ipnAuth = new IpnAuth(ipn.username, ipn.password);
      } else {
        this.#ipnAuth = null;
      }
      this.#requestOptions = o.requestOptions ?? {};
      this.#signStatusQueries = o.signStatusQueries === true;
      const fetchImpl = o.fetch ?? globalThis.fetch;
      if (typeof fetchImpl !== "function") throw fail("invalid_option", "fetch", "no global fetch: pass options.fetch");
      this.#fetch = o.fetch ? fetchImpl : (...args) => globalThis.fetch(...args);
      if (o.signer !== undefined) {
        const signer = o.signer;
        const usable = reading("signer", () => signer instanceof Signer || signer instanceof SyncSigner || typeof signer?.sign === "function");
        if (!usable) throw fail("invalid_type", "signer", "signer must be a Signer, a SyncSigner or an object with sign(text) → Base64");
        this.#signer = signer;
      } else {
        const pem = text(o.privateKeyPem, "privateKeyPem");
        // Checked and imported now (WebCrypto is asynchronous); a bad key rejects the first payment.
        this.#signer = loadSigner(pem);
        this.#signer.catch(() => {});
      }
      Object.freeze(this);
    }

    get environment() {
      return this.#environment;
    }

    /** The retry policy in use. */
    get retryPolicy() {
      return this.#policy;
    }

    async #sign(message) {
      const signer = await this.#signer;
      return text(await signer.sign(message), "signature");
    }

    #payment(flow) {
      return new Payment(PAYMENT, { fetchImpl: this.#fetch }, flow);
    }

    #context() {
      return { tokens: this.#tokens, callbackUrls: this.#callbackUrls ?? undefined };
    }

    /**
     * Pushes the prompt for an order and drives it until the provider has it (or the flow ends).
     * Resolves to the Payment (its outcome may already be known, or undecided: the prompt may be
     * on the phone). Rejects with a JengaError "validation_failed" (every problem) before anything
     * is sent, "payment_rejected" or "payment_not_sent" when nothing reached the customer (with
     * `outcome`, `rejection`, `transportFailure`), or "aborted" (an AbortError whose `payment` may
     * have been pushed: save it with `toJSON()` and resume it; never start the order again blindly).
     */
    async startPayment(details, { signal } = {}) {
      const s = checkSignal(reading("options", () => signal));
      const d = optionsOf(details);
      const customer = reading("customer", () => ({ ...(d.customer ?? {}) }));
      const paymentReference = d.paymentReference ?? randomReference();
      const currency = d.currency ?? "KES";
      const request = (callbackUrl) => ({
        order: {
          orderReference: d.orderReference,
          orderAmount: d.amount,
          orderCurrency: currency,
          countryCode: d.countryCode ?? "KE",
          description: d.description,
        },
        customer: {
          name: customer.name,
          email: customer.email,
          phoneNumber: d.phone,
          identityNumber: customer.identityNumber,
        },
        payment: {
          paymentReference,
          paymentCurrency: currency,
          callbackUrl,
          details: { msisdn: d.phone, paymentAmount: d.amount },
        },
      });
      // Every problem at once, before the callback URL is made from the references.
      let push = StkPush.create(request(this.#callbackUrl), this.#requestOptions);
      if (this.#callbackUrls) {
        const url = this.#callbackUrls.callbackUrl(this.#callbackUrl, push.orderReference, push.paymentReference);
        push = StkPush.create(request(url), this.#requestOptions);
      }
      const signed = push.withSignature(await this.#sign(push.signingString));
      const statusSignature = this.#signStatusQueries ? await this.#sign(push.orderReference) : undefined;
      const flow = new PaymentFlow(signed, this.#context(), { policy: this.#policy, statusSignature, now: Date.now() });
      const payment = this.#payment(flow);
      try {
        await drive(payment, s, () => flow.phase === "waiting" || flow.pushKnown);
      } catch (e) {
        // The push may have been sent: hand the payment over, to save and resume (never to
        // start the order again blindly).
        if (e instanceof JengaError && e.code === "aborted") Object.defineProperty(e, "payment", { value: payment });
        throw e;
      }
      const outcome = flow.outcome;
      if (outcome && (outcome.kind === "rejected" || outcome.kind === "not_sent")) {
        const why = outcome.rejection
          ? `${outcome.rejection.kind}${outcome.rejection.message ? `: ${outcome.rejection.message}` : ""}`
          : outcome.transportFailure ?? "no answer";
        throw new JengaError({
          code: outcome.kind === "rejected" ? "payment_rejected" : "payment_not_sent",
          message: `${outcome.kind === "rejected" ? "the provider refused the push" : "the push could not be sent"} (${why}); nothing reached the customer`,
          rejection: outcome.rejection,
          transportFailure: outcome.transportFailure,
          outcome,
        });
      }
      return payment;
    }

    /** A payment saved with `payment.toJSON()` (the object or its JSON text), to wait on or hand evidence to. */
    resume(saved) {
      return this.#payment(PaymentFlow.fromJSON(saved, this.#context()));
    }

    /**
     * Authenticates a callback (the URL it was posted to, or its request target, and the raw body):
     * `{ refs, callback }`; hand `callback` to the payment of `refs.orderReference`. A forged or
     * altered callback is a JengaError ("callback_*").
     */
    verifyCallback(url, body) {
      if (!this.#callbackUrls) throw fail("not_configured", "callbackSecret", "verifyCallback needs the client's callbackSecret");
      return this.#callbackUrls.verifyCallback(url, body);
    }

    /**
     * Authenticates an IPN (its `Authorization` header and raw body) and parses it; hand it to the
     * payment of `ipn.orderReference` (null: not from a push). A JengaError ("ipn_auth_*") otherwise.
     */
    verifyIpn(authorization, body) {
      if (!this.#ipnAuth) throw fail("not_configured", "ipn", "verifyIpn needs the client's ipn credentials");
      const b = bytes(body, "body");
      this.#ipnAuth.verify(authorization);
      return parseIpn(b);
    }

    /**
     * One status query for an order, driven over the core's StatusQuery (the client's token; after
     * a 401, one retry with a new token; 5xx, 429 and lost answers retried within the policy):
     * resolves to the provider's answer (found, not found, or its refusal, a refused token request
     * included). No answer at all after the retries is a JengaError "transport_failed" (with
     * `transportFailure`).
     */
    async queryStatus(orderReference, { signal } = {}) {
      const s = checkSignal(reading("options", () => signal));
      const reference = text(orderReference, "orderReference");
      // Validated first; the signature is of the reference the core queries (trimmed).
      let query = new StatusQuery(reference, this.#tokens, { policy: this.#policy });
      if (this.#signStatusQueries) {
        const statusSignature = await this.#sign(query.orderReference);
        query = new StatusQuery(reference, this.#tokens, { policy: this.#policy, statusSignature });
      }
      for (;;) {
        if (s?.aborted) throw abortError(s);
        const action = query.poll(Date.now());
        if (action.type === "done") {
          if (action.response !== null) return action.response;
          throw new JengaError({
            code: "transport_failed",
            message: `the status query got no answer (${action.transportFailure})`,
            transportFailure: action.transportFailure,
          });
        }
        if (action.type === "wait") {
          await sleep(action.until.getTime() - Date.now(), s);
          continue;
        }
        const answer = await exchange(this.#fetch, action.request, s);
        if (answer.aborted) {
          query.handleTransportFailure(Date.now(), "connection_lost"); // a token refresh is released
          throw abortError(s);
        }
        if (answer.failure) query.handleTransportFailure(Date.now(), answer.failure);
        else query.handleResponse(Date.now(), answer.status, answer.retryAfter, answer.body);
      }
    }

    toString() {
      return `JengaClient { environment: ${this.#environment}, credentials: <redacted>, key: <redacted> }`;
    }

    toJSON() {
      return { type: "JengaClient", environment: this.#environment, credentials: "<redacted>", key: "<redacted>" };
    }

    [Symbol.for("nodejs.util.inspect.custom")]() {
      return this.toJSON();
    }
  }

  return { JengaClient, Payment };
}
