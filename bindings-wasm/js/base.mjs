// The package's JavaScript helpers, shared by api.mjs, flow.mjs and client.mjs:
// JengaError, HttpRequest, and the checks that turn JavaScript values into
// what crosses into WebAssembly (strings, bytes, epoch milliseconds). No
// payment logic.

export const MAX_INPUT_BYTES = 16 * 1024 * 1024; // beyond this nothing is copied into WebAssembly
const SECRET_HEADERS = ["authorization", "api-key"];
export const SIGN_ALGORITHM = { name: "RSASSA-PKCS1-v1_5" };

/** Every failure of this package: a real Error with a stable `code`. */
export class JengaError extends Error {
  constructor(shape) {
    super(typeof shape?.message === "string" ? shape.message : "jenga-stk error", shape?.cause === undefined ? undefined : { cause: shape.cause });
    const name = shape?.name === "AbortError" ? "AbortError" : "JengaError";
    Object.defineProperty(this, "name", { value: name, enumerable: false, configurable: true, writable: true });
    this.code = typeof shape?.code === "string" ? shape.code : "internal_error";
    this.field = typeof shape?.field === "string" ? shape.field : null;
    this.problems = Object.freeze(
      Array.isArray(shape?.problems)
        ? shape.problems.map((p) => Object.freeze({ field: String(p.field), code: String(p.code), message: String(p.message) }))
        : [],
    );
    this.rejection = shape?.rejection ?? null;
    // Set by JengaClient: how the payment ended, and the request that got no answer.
    this.transportFailure = shape?.transportFailure ?? null;
    this.outcome = shape?.outcome ?? null;
    // Set by JengaClient.startPayment on an "aborted" error: the payment (not serialised here).
    Object.defineProperty(this, "payment", { value: null, enumerable: false, configurable: true, writable: false });
  }

  toJSON() {
    return {
      name: this.name,
      code: this.code,
      field: this.field,
      message: this.message,
      problems: this.problems,
      rejection: this.rejection,
      transportFailure: this.transportFailure,
      outcome: this.outcome,
    };
  }
}

export function fail(code, field, message) {
  return new JengaError({ code, field, message });
}

/**
 * Runs a check that reads the caller's value: a getter or Proxy trap that
 * throws (or anything else but a JengaError) becomes invalid_type for `field`.
 */
export function reading(field, fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof JengaError) throw e;
    throw fail("invalid_type", field, `${field} could not be read (a getter or Proxy threw)`);
  }
}

/** Turns whatever the WebAssembly side threw into a JengaError. */
export function toJengaError(e) {
  if (e instanceof JengaError) return e;
  if (e !== null && typeof e === "object" && typeof e.code === "string" && !(e instanceof Error)) {
    return new JengaError(e);
  }
  const message = e instanceof Error ? e.message : String(e);
  return fail("internal_error", null, `unexpected failure: ${message}`);
}

export function call(fn) {
  try {
    return fn();
  } catch (e) {
    throw toJengaError(e);
  }
}

export function text(value, field, { optional = false } = {}) {
  if (optional && (value === undefined || value === null)) return undefined;
  if (typeof value !== "string") throw fail("invalid_type", field, `${field} must be a string`);
  if (value.length > MAX_INPUT_BYTES) throw fail("body_too_large", field, `${field} is too large`);
  return value;
}

const encoder = new TextEncoder();

/** A body as bytes: a string (UTF-8), a Uint8Array/Buffer, or an ArrayBuffer. */
export function bytes(value, field) {
  return reading(field, () => bytesOf(value, field));
}

export function bytesOf(value, field) {
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

export function millis(now, field = "now") {
  const ms = reading(field, () => (now instanceof Date ? now.getTime() : now));
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw fail("invalid_type", field, `${field} must be a valid Date or epoch milliseconds`);
  }
  return ms;
}

export function status(value) {
  if (!Number.isInteger(value) || value < 100 || value > 599) {
    throw fail("invalid_type", "status", "status must be an HTTP status code (100-599)");
  }
  return value;
}

/** A plain object as JSON text: cyclic, BigInt or non-object input is a JengaError. */
export function json(value, field, { optional = false } = {}) {
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

export function environmentText(environment) {
  if (environment === undefined) return "uat";
  return text(environment, "environment");
}

export function base64(buffer) {
  const view = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < view.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, view.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function hidden(target, name, value) {
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

/** Money in: a decimal string, or a number only when its text is exact (integers, ≤ 2 decimals). */
export function amountText(value, field) {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return value.toString();
  throw fail("invalid_type", field, `${field} must be a decimal string or a number`);
}
