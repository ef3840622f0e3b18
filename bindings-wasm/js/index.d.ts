// Types of the jenga-stk npm package. Checked by `tsc --noEmit --strict` over
// examples/node/typed-example.ts against the installed tarball, and by the
// conformance tests that compare every output with tests/vectors/.

/** A decimal amount as exact text: "2", "2.5", "1500.50". Never a binary float. */
export type Decimal = string;
/** An RFC 3339 date-time with its offset, e.g. "2024-08-09T16:22:47+03:00". */
export type IsoDateTime = string;
/** "uat", "live", or a base URL such as "http://127.0.0.1:8080" (the sandbox). */
export type Environment = "uat" | "live" | (string & {});
/** A body: text (UTF-8) or bytes. */
export type Body = string | Uint8Array | ArrayBuffer;

export interface Problem {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

/** Every failure of this package. */
export class JengaError extends Error {
  readonly name: "JengaError";
  /** Stable machine code: "validation_failed", "key_too_small", "not_json", "provider_rejected", … */
  readonly code: string;
  /** The field or JSON path at fault, when there is one. */
  readonly field: string | null;
  /** For "validation_failed": every problem found. */
  readonly problems: readonly Problem[];
  /** For "provider_rejected": the provider's refusal. */
  readonly rejection: Rejection | null;
  toJSON(): { name: string; code: string; field: string | null; message: string; problems: readonly Problem[]; rejection: Rejection | null };
}

/** An HTTP request as a value: `fetch(request.url, request)`. `toJSON()` redacts secrets. */
export class HttpRequest {
  private constructor();
  readonly method: "GET" | "POST";
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  toJSON(): { method: string; url: string; headers: Record<string, string>; body: string | undefined };
}

/** The provider's request shape. Amounts: decimal strings, or numbers whose text is exact. */
export interface StkPushRequest {
  order: {
    orderReference: string;
    orderAmount: Decimal | number;
    orderCurrency: string;
    source?: string;
    countryCode: "KE" | "UG" | "TZ" | "RW" | "SS" | "DRC" | (string & {});
    description: string;
  };
  customer: {
    name: string;
    email: string;
    phoneNumber: string;
    identityNumber: string;
    firstAddress?: string;
    secondAddress?: string;
  };
  payment: {
    paymentReference: string;
    paymentCurrency: string;
    channel?: string;
    service?: string;
    provider?: string;
    callbackUrl: string;
    details: { msisdn: string; paymentAmount: Decimal | number };
  };
}

export interface RequestOptions {
  /** "whole" (2, the default) or "two" (2.00). */
  amountDecimals?: "whole" | "two";
  /** "number" (the default) or "string". */
  amountEncoding?: "number" | "string";
  /** "asGiven" (the default), "local" (0722000000) or "international" (254722000000). */
  phoneFormat?: "asGiven" | "local" | "international";
  maxAmount?: Decimal;
  maxReferenceLength?: number;
  maxDescriptionLength?: number;
}

/** A validated request: the exact body and the string to sign. */
export class StkPush {
  private constructor();
  static create(request: StkPushRequest, options?: RequestOptions): StkPush;
  /** Validates request JSON text as is: number texts such as 2.50 or 2e0 reach the core unchanged. */
  static fromJson(requestJson: string, options?: RequestOptions): StkPush;
  readonly body: string;
  readonly signingString: string;
  readonly orderReference: string;
  readonly paymentReference: string;
  readonly orderAmount: Decimal;
  readonly paymentAmount: Decimal;
  readonly currency: string;
  readonly msisdn: string;
  readonly callbackUrl: string;
  sign(signer: Signer | SyncSigner): Promise<SignedStkPush>;
  signSync(signer: SyncSigner): SignedStkPush;
  withSignature(signatureBase64: string): SignedStkPush;
}

export class SignedStkPush {
  private constructor();
  readonly push: StkPush;
  /** Base64: the Signature header. */
  readonly signature: string;
  httpRequest(environment: Environment, accessToken: string): HttpRequest;
}

/** The default signer: WebCrypto RSASSA-PKCS1-v1_5 with SHA-256 (OpenSSL-fast in Node). */
export class Signer {
  private constructor();
  static fromPem(pem: string): Promise<Signer>;
  readonly bits: number;
  sign(message: string | Uint8Array): Promise<string>;
}

/** A synchronous signer: the core's blinded RSA in WebAssembly. */
export class SyncSigner {
  private constructor();
  static fromPem(pem: string): SyncSigner;
  readonly bits: number;
  sign(message: string | Uint8Array): string;
}

export class Verifier {
  constructor(pem: string);
  static fromPem(pem: string): Verifier;
  readonly bits: number;
  /** Throws JengaError unless `signature` signs `message`. */
  verify(message: string | Uint8Array, signature: string): void;
}

export interface Credentials {
  apiKey: string;
  merchantCode: string;
  consumerSecret: string;
}

/**
 * Where a token's lifetime came from: "timestamps" (`expiresIn` − `issuedAt`, the documented
 * form), "seconds" (`expiresIn` as a number of seconds) or "assumed" (none usable: the
 * documented 15 minutes were assumed).
 */
export type TokenLifetime = "timestamps" | "seconds" | "assumed";

/** A token. `accessToken` is not enumerable: JSON.stringify and console.log do not show it. */
export interface Token {
  readonly type: "token";
  readonly accessToken: string;
  readonly tokenType: string;
  readonly issuedAt: IsoDateTime | null;
  readonly providerExpiresAt: IsoDateTime | null;
  readonly lifetime: TokenLifetime;
  /** On the caller's clock: when the answer was received plus the stated (or assumed) lifetime. */
  readonly expiresAt: IsoDateTime;
}

/**
 * What to do next. "check_status_first": the push may already be on the customer's phone (a 5xx,
 * an unreadable or unknown answer to the push, a timeout): query the order's status, and push
 * again (with new references) only if the provider does not know the order.
 */
export type NextAction = "do_not_retry" | "refresh_token_and_retry" | "retry_with_backoff" | "fix_signature" | "check_status_first";
export type RejectionKind =
  | "invalid_request" | "duplicate_reference" | "unauthorized" | "invalid_signature" | "not_found"
  | "telco_not_authorized" | "push_failed" | "service_error" | "transaction_not_found" | "rate_limited"
  | "server_error" | "invalid_response" | "unknown";

export interface Rejection {
  readonly type?: "rejected";
  readonly httpStatus: number;
  readonly providerCode: string | null;
  readonly message: string | null;
  readonly errorCode: string | null;
  readonly kind: RejectionKind;
  readonly action: NextAction;
  /**
   * For a body that is not the provider's JSON (an HTML gateway page, plain text): its first words,
   * tags removed and long token-like runs redacted, for logs. `null` for JSON or empty bodies.
   */
  readonly bodyExcerpt: string | null;
  readonly hint?: string;
}

export interface RejectedResponse extends Rejection {
  readonly type: "rejected";
  readonly hint: string;
}

export type TokenResponse = Token | RejectedResponse;

export function tokenRequest(environment: Environment, credentials: Credentials): HttpRequest;
export function parseTokenResponse(status: number, body: Body, now: Date | number): TokenResponse;

export type TokenAction =
  | { readonly type: "use"; readonly accessToken: string }
  | { readonly type: "refresh"; readonly request: HttpRequest };

export class TokenState {
  constructor(environment: Environment, credentials: Credentials, options?: { marginSeconds?: number });
  nextAction(now: Date | number): TokenAction;
  /** Throws JengaError with code "provider_rejected" (see `rejection`) when the provider refuses. */
  onResponse(status: number, body: Body, now: Date | number): Token;
  invalidate(): void;
}

export interface InitAccepted {
  readonly type: "accepted";
  readonly code: string;
  readonly message: string | null;
  readonly invoiceNumber: string | null;
  readonly amount: Decimal | null;
  readonly charge: Decimal | null;
  readonly amountDebited: Decimal | null;
  readonly paymentReference: string | null;
  readonly orderReference: string | null;
}

export type InitResponse = InitAccepted | RejectedResponse;
/** Every body classifies (HTML, plain text, empty: a rejection); only a wrong JavaScript type throws. */
export function classifyInitResponse(status: number, body: Body): InitResponse;

/** The provider's endpoint a request went to. */
export type Endpoint = "token" | "init" | "status";
/**
 * How a request failed without an HTTP answer: "connect_failed" (refused, DNS, TLS: certainly not
 * sent), "timeout" or "connection_lost" (it may have been sent).
 */
export type TransportFailure = "connect_failed" | "timeout" | "connection_lost";
/**
 * What to do when no HTTP answer came: "check_status_first" for a push that may have been sent,
 * otherwise "retry_with_backoff". Throws JengaError "invalid_type" for another endpoint or failure.
 */
export function adviseTransportFailure(endpoint: Endpoint, failure: TransportFailure): NextAction;

export function orderStatusRequest(environment: Environment, accessToken: string, orderReference: string, signature?: string): HttpRequest;

export interface Order {
  readonly orderReference: string;
  readonly orderAmount: Decimal;
  readonly amountPaid: Decimal;
  /** "Paid", "Pending", or another status kept as sent. */
  readonly status: string;
  readonly createdOn: IsoDateTime | null;
}

export interface Invoice {
  readonly amount: Decimal | null;
  readonly amountDebited: Decimal | null;
  readonly charge: Decimal | null;
  /** "Pending", "Paid", "Cancelled", "Expired", or another status kept as sent. */
  readonly status: string;
  readonly orderReference: string | null;
  readonly mpesaReceipt: string | null;
  readonly createdOn: IsoDateTime | null;
  readonly completedOn: IsoDateTime | null;
}

export type StatusResponse =
  | { readonly type: "found"; readonly order: Order; readonly invoices: readonly Invoice[] }
  | { readonly type: "not_found"; readonly message: string | null }
  | RejectedResponse;
export function parseStatusResponse(status: number, body: Body): StatusResponse;

export type FailureReason =
  | "insufficient_funds" | "subscriber_busy" | "expired" | "push_not_sent" | "cancelled"
  | "timeout" | "wrong_pin" | "provider_error" | "unknown";

export type CallbackOutcome =
  | {
      readonly result: "paid";
      readonly mpesaReceipt: string;
      readonly amount: Decimal;
      /** Kept as sent: it may be masked ("2547*****000") or start with "+". */
      readonly phoneNumber: string | null;
      readonly transactionDate: IsoDateTime | null;
      readonly balance: Decimal | null;
    }
  | { readonly result: "failed"; readonly reason: FailureReason };

export interface StkCallback {
  readonly transactionReference: string;
  readonly merchantRequestId: string | null;
  readonly checkoutRequestId: string | null;
  readonly resultCode: number;
  readonly resultDesc: string | null;
  readonly outcome: CallbackOutcome;
}
export function parseCallback(body: Body): StkCallback;

export interface CallbackRefs {
  readonly orderReference: string;
  readonly paymentReference: string;
}

export class CallbackUrls {
  /** A merchant secret of at least 32 bytes. */
  constructor(secret: string | Uint8Array);
  callbackUrl(baseUrl: string, orderReference: string, paymentReference: string): string;
  verifyUrl(url: string): CallbackRefs;
  verifyCallback(url: string, body: Body): { readonly refs: CallbackRefs; readonly callback: StkCallback };
}

export interface Ipn {
  readonly callbackType: string;
  /** `reference` is your order reference; `null` for a payment that did not come from a push. */
  readonly customer: { readonly name: string | null; readonly mobileNumber: string | null; readonly reference: string | null };
  readonly transaction: {
    readonly date: IsoDateTime | null;
    readonly reference: string;
    /** "MPESA", "CARD", "PWE", "EQUITEL", "PAYPAL", or another mode kept as sent. */
    readonly paymentMode: string | null;
    readonly amount: Decimal;
    readonly currency: string | null;
    readonly serviceCharge: Decimal | null;
    readonly billNumber: string | null;
    readonly servedBy: string | null;
    readonly additionalInfo: string | null;
    readonly orderAmount: Decimal | null;
    readonly orderCurrency: string | null;
    /** "SUCCESS", "FAILED", or another status kept as sent. */
    readonly status: string;
    readonly remarks: string | null;
  };
  readonly bank: { readonly reference: string | null; readonly transactionType: string | null; readonly account: string | null } | null;
  /** transaction.reference: drop redeliveries with it. */
  readonly dedupeKey: string;
  /** customer.reference: your order reference; `null` for a payment that did not come from a push. */
  readonly orderReference: string | null;
}
export function parseIpn(body: Body): Ipn;

export class IpnAuth {
  constructor(username: string, password: string);
  /** Throws JengaError ("ipn_auth_missing" / "ipn_auth_invalid") unless the header matches. */
  verify(authorization: string | null | undefined): void;
  authorizationHeader(): string;
}

export function signingStringOfBody(body: Body): string;

export type PaymentState = "paid" | "failed" | "pending";
export type EvidenceSource = "ipn" | "status_query" | "callback";

/**
 * "sources_disagree": a success beside a status query saying every attempt failed, or one IPN both
 * SUCCESS and FAILED; "payments_disagree": successes naming different receipts, amounts or
 * currencies (perhaps paid twice: review by hand); "reference_mismatch": evidence about another
 * order, ignored; "amount_mismatch" / "currency_mismatch": paid other than expected.
 */
export type ConflictKind = "sources_disagree" | "payments_disagree" | "reference_mismatch" | "amount_mismatch" | "currency_mismatch";

export interface Conflict {
  readonly kind: ConflictKind;
  /** In a fixed order: "ipn", "status_query", "callback". */
  readonly sources: readonly EvidenceSource[];
  readonly description: string;
}

export interface Reconciliation {
  readonly state: PaymentState;
  readonly decidedBy: EvidenceSource | null;
  readonly confirmed: boolean;
  readonly mpesaReceipt: string | null;
  readonly amountPaid: Decimal | null;
  /** The currency paid, when a successful piece of evidence states it (the status query never does). */
  readonly currencyPaid: string | null;
  /**
   * True when the order is paid and the currency paid is stated and is the expected one; false: the
   * currency is unconfirmed (or wrong: see `conflicts`). The amount is compared whatever this says.
   */
  readonly currencyConfirmed: boolean;
  /** In a fixed order, whatever the order of the evidence. */
  readonly conflicts: readonly Conflict[];
}

export function reconcile(
  expected: { orderReference: string; amount?: Decimal | number; currency?: string },
  evidence: { callback?: Body | null; ipns?: readonly Body[]; status?: Body | null },
): Reconciliation;
