// StatusQuery: one order status query for those who own their I/O, the
// core's sans-IO StatusQuery as is (the client's shared token, one retry
// after a 401 with a new token, bounded retries with backoff). It decides;
// you send what it asks for. JengaClient.queryStatus drives it with fetch.

import { bytes, fail, millis, reading, status, text } from "./base.mjs";
import { sendAction, seedOf } from "./flow.mjs";

/** Builds StatusQuery over the main module and the flow API (RetryPolicy, SharedTokens). */
export function makeStatusQuery(wasm, { use, inner, randomValues, RetryPolicy, SharedTokens }) {
  /**
   * One status query for an order: ask `poll(now)`, send the request it gives and hand in the
   * answer (`handleResponse`) or the failure (`handleTransportFailure`), sleep until a `wait`, stop
   * at `done` (`response`: the provider's answer, or null with `transportFailure` when none came).
   */
  class StatusQuery {
    #inner;
    constructor(orderReference, tokens, options = {}) {
      const reference = text(orderReference, "orderReference");
      const tokensInner = tokens instanceof SharedTokens ? inner.get(tokens) : undefined;
      if (!tokensInner) throw fail("invalid_type", "tokens", "tokens must be a SharedTokens");
      const { policy, statusSignature, seed } = reading("options", () => {
        if (options === null || typeof options !== "object") throw fail("invalid_type", "options", "options must be an object");
        return { ...options };
      });
      const values = RetryPolicy.values(policy);
      const sig = text(statusSignature, "statusSignature", { optional: true });
      const s = seedOf(seed, randomValues);
      this.#inner = use(() => new wasm.WasmStatusQuery(reference, tokensInner, values, sig, s));
      /** The order reference queried (trimmed): the text a status signature signs. */
      this.orderReference = this.#inner.orderReference;
      Object.freeze(this);
    }

    /** `{type: "send", request}`, `{type: "wait", until}` or `{type: "done", response, transportFailure}`. */
    poll(now) {
      const ms = millis(now);
      const action = use(() => this.#inner.poll(ms));
      if (action.type === "send") return sendAction(action);
      if (action.type === "wait") return Object.freeze({ type: "wait", until: new Date(action.untilMs) });
      return Object.freeze({ type: "done", response: action.response, transportFailure: action.transportFailure });
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

    toString() {
      return `StatusQuery { orderReference: ${this.orderReference} }`;
    }
  }

  return { StatusQuery };
}
