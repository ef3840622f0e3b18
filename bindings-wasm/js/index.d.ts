// Types of the jenga-stk npm package, for every entry: shipped as index.d.cts
// (`require`), re-exported by index.d.mts (`import`) and web.d.mts
// (`jenga-stk/web`, and `jenga-stk` outside Node), as the JavaScript is: in
// Node, `import` re-exports the CommonJS entry. Checked by `tsc --noEmit
// --strict` over examples/node/typed-*.ts, the READMEs' TypeScript and a
// CommonJS file against the installed tarball, and by `attw` on the tarball.

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

/**
 * Every failure of this package. An aborted operation (an `AbortSignal`) is a JengaError named
 * "AbortError" with code "aborted" and the signal's reason as `cause`.
 */
export class JengaError extends Error {
  /** Made by this package; your own code may throw one too (e.g. a handler refusing a body). */
  constructor(shape: {
    code: string;
    message?: string;
    field?: string | null;
    problems?: readonly Problem[];
    rejection?: Rejection | null;
    transportFailure?: TransportFailure | null;
    outcome?: Outcome | null;
    /** "AbortError" for an aborted operation; otherwise "JengaError". */
    name?: "JengaError" | "AbortError";
    cause?: unknown;
  });
  readonly name: "JengaError" | "AbortError";
  /**
   * Stable machine code: "validation_failed", "key_too_small", "not_json", "provider_rejected",
   * the flow's "flow_busy", "flow_idle", "flow_not_this_payment", "flow_state_invalid", the
   * client's "payment_rejected", "payment_not_sent", "transport_failed", "not_configured",
   * "aborted", …
   */
  readonly code: string;
  /** The field or JSON path at fault, when there is one. */
  readonly field: string | null;
  /** For "validation_failed": every problem found. */
  readonly problems: readonly Problem[];
  /** For "provider_rejected" and "payment_rejected": the provider's refusal. */
  readonly rejection: Rejection | null;
  /** For "transport_failed" and "payment_not_sent": the request that got no answer, if any. */
  readonly transportFailure: TransportFailure | null;
  /** For "payment_rejected" and "payment_not_sent": how the payment ended. */
  readonly outcome: Outcome | null;
  /**
   * For "aborted" from `JengaClient.startPayment`: the payment, whose push may have been sent.
   * Save it (`toJSON()`) and resume it; never start the order again blindly.
   */
  readonly payment: Payment | null;
  toJSON(): {
    name: string;
    code: string;
    field: string | null;
    message: string;
    problems: readonly Problem[];
    rejection: Rejection | null;
    transportFailure: TransportFailure | null;
    outcome: Outcome | null;
  };
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

/**
 * The signing string of a received body, from the body's own texts (with `Verifier`, to check a
 * request signed elsewhere). In the second module: `jenga-stk/web` needs `await initializeSyncSigner()`.
 */
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
  /**
   * True when a person should look before the goods go: an amount or currency that is not the
   * order's, two receipts, contradicting sources (evidence about another order does not set it).
   * A paid order with `needsReview` is still paid; whether to ship a short payment is yours to say.
   */
  readonly needsReview: boolean;
}

export function reconcile(
  expected: { orderReference: string; amount?: Decimal | number; currency?: string },
  evidence: { callback?: Body | null; ipns?: readonly Body[]; status?: Body | null },
): Reconciliation;

// ---------------------------------------------------------------------------------------------
// The signature doctor (in the second module: `jenga-stk/web` needs `await initializeSyncSigner()`).

/** Stable codes of the doctor's findings, in the order they are reported. */
export type FindingCode =
  | "not_base64" | "wrong_length" | "key_mismatch" | "unknown_key" | "wrong_algorithm" | "wrong_order"
  | "separators" | "amount_text" | "msisdn_text" | "wrong_field" | "missing_value" | "unknown";

/** One reason the provider refuses the signature. */
export interface Finding {
  readonly code: FindingCode;
  /** For humans; not stable: compare codes. */
  readonly message: string;
  /** What to do about it, for humans. */
  readonly fix: string;
  /** The text that was actually signed, when the doctor found it. */
  readonly signedText: string | null;
}

/** A public key as the doctor saw it. */
export interface KeyInfo {
  readonly bits: number;
  /** SHA-256 of the SubjectPublicKeyInfo DER, lowercase hex (`openssl pkey -pubin -outform DER | openssl dgst -sha256`). */
  readonly fingerprint: string;
}

export interface Diagnosis {
  /** The signature is valid (then `findings` is empty). */
  readonly ok: boolean;
  readonly findings: readonly Finding[];
  /** The text that must be signed for this body. */
  readonly signingString: string;
  /** The text that was signed, when the doctor found it. */
  readonly signedText: string | null;
  readonly registeredKey: KeyInfo;
  /** The public half of the private key given, if one was. */
  readonly signingKey: KeyInfo | null;
  /** How the signature was made, as far as the doctor could tell (for humans). */
  readonly algorithm: string | null;
  readonly notes: readonly string[];
}

/**
 * Why the provider answers "403 Invalid signature": the body and `Signature` header as sent, the
 * public key registered in the portal and, optionally, the private key you sign with (only its
 * public half is used; nothing of it is shown). An unusable input is a JengaError whose `field`
 * is "body", "registeredPublicKeyPem" or "privateKeyPem".
 */
export function diagnoseSignature(
  body: Body,
  signatureHeader: string | Uint8Array,
  registeredPublicKeyPem: string,
  privateKeyPem?: string,
): Diagnosis;

// ---------------------------------------------------------------------------------------------
// The payment flow (sans-IO): for those who own their I/O. JengaClient drives it for you.

/** The flow's retries, polling schedule and timeouts; durations in milliseconds. */
export interface RetryPolicyOptions {
  /** Pushes for one payment at most, the first included (a push is repeated only after an explicit refusal, or when the provider does not know the order). Default 2. */
  maxPushes?: number;
  /** Retries of a token or status request after a transient failure. Default 2. */
  maxRetries?: number;
  /** The first backoff; doubles each retry (with jitter). Default 500. */
  initialBackoffMs?: number;
  /** The longest backoff. Default 5000. */
  maxBackoffMs?: number;
  /** After an ambiguous push, the wait before asking the provider about the order. Default 2000. */
  confirmDelayMs?: number;
  /** After an accepted push, the wait before the first status query. Default 5000. */
  firstPollMs?: number;
  /** The longest wait between status queries (they grow ×1.5). Default 30000. */
  maxPollIntervalMs?: number;
  /** How long the flow keeps trying; then it ends undecided. Default 180000. */
  timeoutMs?: number;
  /** Each HTTP request's timeout (the body included). Default 30000. */
  requestTimeoutMs?: number;
  /** While another payment fetches the token, how long to wait before looking again. Default 50. */
  tokenWaitMs?: number;
}

/**
 * A complete policy: every field set (the core's defaults for those not given). An unknown field
 * is an "invalid_option" error; a policy that would spin (a zero `firstPollMs`, `confirmDelayMs`
 * or `tokenWaitMs`, no pushes, a cap below its start) is "validation_failed" with every problem
 * (`policy.firstPollMs`, …).
 */
export class RetryPolicy implements Required<RetryPolicyOptions> {
  constructor(options?: RetryPolicyOptions);
  readonly maxPushes: number;
  readonly maxRetries: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly confirmDelayMs: number;
  readonly firstPollMs: number;
  readonly maxPollIntervalMs: number;
  readonly timeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly tokenWaitMs: number;
}

/** What a payment may do about the token now. */
export type TokenGrant =
  | { readonly type: "use"; readonly accessToken: string }
  | { readonly type: "refresh"; readonly request: HttpRequest }
  | { readonly type: "wait" };

/** The token shared by every payment of one client: one token request however many payments start at once. */
export class SharedTokens {
  constructor(environment: Environment, credentials: Credentials, options?: { marginSeconds?: number });
  readonly environment: string;
  /** `refresh`: this caller fetches the token (the refresh is held for `leaseMs`, default 30000); `wait`: another caller is fetching it. */
  grant(now: Date | number, leaseMs?: number): TokenGrant;
  onRefreshResponse(status: number, body: Body, now: Date | number): TokenResponse;
  onRefreshFailed(): void;
  /** A call made with `accessToken` was answered 401. */
  invalidate(accessToken: string): void;
  readonly hasToken: boolean;
}

/** What a flow needs besides its push; given again when a saved flow is restored. */
export interface FlowContext {
  tokens: SharedTokens;
  /** The secret the push's callback URL was made with: a push sent again gets a URL for its new payment reference. */
  callbackUrls?: CallbackUrls;
}

export interface PaymentFlowOptions {
  policy?: RetryPolicy | RetryPolicyOptions;
  /** The status query's `Signature` header (Base64 of the order reference signed), when your account needs one. */
  statusSignature?: string;
  /** Feeds the jitter and new payment references: any u64 (default: crypto.getRandomValues). A fixed one replays the same decisions. */
  seed?: bigint | number;
  /** Default: now. */
  now?: Date | number;
}

/** Where the flow stands. */
export type Phase = "starting" | "confirming" | "waiting" | "done";

/** One HTTP request to send, and for which endpoint. */
export interface FlowRequest {
  readonly endpoint: Endpoint;
  readonly http: HttpRequest;
  /** Give up after this long (the body included), then report "timeout". */
  readonly timeoutMs: number;
}

/** What to do next. */
export type FlowAction =
  | { readonly type: "send"; readonly request: FlowRequest }
  | { readonly type: "wait"; readonly until: Date }
  | { readonly type: "done"; readonly outcome: Outcome };

/**
 * "paid": ship the goods. "failed": the customer's payment failed (a new payment may be started).
 * "rejected": the provider refused the push; "not_sent": it could not be sent: nothing reached the
 * customer. "undecided": the prompt may be on the phone: keep the order pending, hand in the IPN
 * when it comes or check again later; never push again blindly.
 */
export type OutcomeKind = "paid" | "failed" | "rejected" | "not_sent" | "undecided";

export interface Outcome {
  readonly kind: OutcomeKind;
  /** The decision over every callback, IPN and status answer seen. */
  readonly reconciliation: Reconciliation;
  /** For "rejected", the provider's refusal; otherwise the last refusal seen, if any. */
  readonly rejection: Rejection | null;
  /** The last request that got no answer at all, if any. */
  readonly transportFailure: TransportFailure | null;
  /** Every payment reference pushed, the first one first. */
  readonly paymentReferences: readonly string[];
}

/** A saved flow: versioned JSON data with no secrets. Store it as is (or `JSON.stringify` it). */
export interface SavedPaymentFlow {
  readonly version: number;
  readonly [field: string]: unknown;
}

/**
 * One STK push from the token to its outcome: the core's sans-IO flow. Ask `poll(now)`; send what
 * it asks and hand in the answer or the failure; sleep until a `wait`; stop at `done`. Misuse is a
 * JengaError: "flow_busy" (poll before the answer), "flow_idle" (an answer nothing awaits),
 * "flow_not_this_payment" (evidence for another payment), "flow_state_invalid" (fromJSON).
 */
export class PaymentFlow {
  constructor(push: SignedStkPush, context: FlowContext, options?: PaymentFlowOptions);
  static fromJSON(saved: SavedPaymentFlow | string, context: FlowContext): PaymentFlow;
  poll(now: Date | number): FlowAction;
  handleResponse(now: Date | number, status: number, retryAfter: string | null | undefined, body: Body): void;
  handleTransportFailure(now: Date | number, failure: TransportFailure): void;
  /** A callback returned by `CallbackUrls.verifyCallback(...).callback` (or `parseCallback`). */
  handleCallback(callback: StkCallback): void;
  /** An IPN returned by `parseIpn` (after `IpnAuth.verify`) or `JengaClient.verifyIpn`. */
  handleIpn(ipn: Ipn): void;
  /** A status query at the next poll, even past the deadline (no effect on a paid flow). */
  checkStatus(): void;
  readonly outcome: Outcome | null;
  readonly phase: Phase;
  readonly accepted: InitAccepted | null;
  readonly pushKnown: boolean;
  readonly orderReference: string;
  readonly paymentReference: string;
  readonly paymentReferences: readonly string[];
  readonly deadline: Date;
  toJSON(): SavedPaymentFlow;
}

export interface StatusQueryOptions {
  policy?: RetryPolicy | RetryPolicyOptions;
  /** The status query's `Signature` header (Base64 of the order reference signed), when your account needs one. */
  statusSignature?: string;
  /** Feeds the backoff's jitter: any u64 (default: crypto.getRandomValues). */
  seed?: bigint | number;
}

/** What a status query wants next. */
export type QueryAction =
  | { readonly type: "send"; readonly request: FlowRequest }
  | { readonly type: "wait"; readonly until: Date }
  | {
      readonly type: "done";
      /** The provider's answer (found, not found, or its refusal: a refused token request included), or null when none came. */
      readonly response: StatusResponse | null;
      /** When no answer came: how the last attempt failed. */
      readonly transportFailure: TransportFailure | null;
    };

/**
 * One order status query, sans-IO (the core's StatusQuery): the shared token, one retry after a 401
 * with a new token, 5xx, 429 and lost answers retried within the policy. Like PaymentFlow: `poll`,
 * send, hand in the answer or the failure, until `done`. `JengaClient.queryStatus` drives one.
 */
export class StatusQuery {
  constructor(orderReference: string, tokens: SharedTokens, options?: StatusQueryOptions);
  /** The order reference queried, trimmed: the text a `statusSignature` signs. */
  readonly orderReference: string;
  poll(now: Date | number): QueryAction;
  handleResponse(now: Date | number, status: number, retryAfter: string | null | undefined, body: Body): void;
  handleTransportFailure(now: Date | number, failure: TransportFailure): void;
}

// ---------------------------------------------------------------------------------------------
// The client: one object that takes payments.

/** Anything that signs text with the registered key's pair (RSA PKCS#1 v1.5, SHA-256) and returns Base64: a KMS, an HSM. */
export interface TextSigner {
  sign(message: string): string | Promise<string>;
}

export interface JengaClientOptions {
  /** "uat" (default), "live", or a base URL (the sandbox). */
  environment?: Environment;
  credentials: Credentials;
  /** The private key (PKCS#1 or PKCS#8 PEM), signed with WebCrypto. Or give `signer`. */
  privateKeyPem?: string;
  signer?: Signer | SyncSigner | TextSigner;
  /** Where the provider posts callbacks; with `callbackSecret`, the base of each payment's authenticated URL. */
  callbackUrl: string;
  /** At least 32 bytes: each push's callback URL carries an HMAC token (`verifyCallback` checks it). */
  callbackSecret?: string | Uint8Array;
  /** The IPN's Basic-auth credentials, to verify IPNs (`verifyIpn`). */
  ipn?: { username: string; password: string };
  /** How the push is written (amount style, phone format, limits). */
  requestOptions?: RequestOptions;
  retryPolicy?: RetryPolicy | RetryPolicyOptions;
  /** Sign status queries (a `Signature` header over the order reference), if your account needs it. Default false. */
  signStatusQueries?: boolean;
  /** Refresh the token this long before it expires. Default 60. */
  tokenMarginSeconds?: number;
  /**
   * Default: the global fetch. Under Deno a POST's `init` also carries `client` (a
   * `Deno.HttpClient` with no connection pool) and, before Deno 2.9.6, its body as a stream
   * (`duplex: "half"`): Deno's fetch would otherwise re-send a push on its own when the
   * connection closes before the answer. Pass them on to Deno's fetch.
   */
  fetch?: (
    input: string,
    init: {
      method: string;
      headers: Record<string, string>;
      body?: string | ReadableStream<Uint8Array>;
      signal: AbortSignal;
      client?: unknown;
      duplex?: "half";
    },
  ) => Promise<Response>;
}

export interface PaymentDetails {
  orderReference: string;
  /** Exact: a decimal string ("2", "1500.50") or a number whose text is exact. */
  amount: Decimal | number;
  /** The phone the prompt goes to, as the customer typed it ("0722 000 000", "+254722000000"). */
  phone: string;
  customer: { name: string; email: string; identityNumber: string };
  description: string;
  /** Default: a random one. */
  paymentReference?: string;
  /** Default "KES". */
  currency?: string;
  /** Default "KE". */
  countryCode?: string;
}

/** One payment of a JengaClient. */
export class Payment {
  private constructor();
  /** Drives the payment to its end and resolves to the outcome (a callback or IPN handed in wakes it). */
  wait(options?: { signal?: AbortSignal }): Promise<Outcome>;
  handleCallback(callback: StkCallback): void;
  handleIpn(ipn: Ipn): void;
  /** Ask the provider about the order at the next step, even after the deadline (then `wait()`). */
  checkStatus(): void;
  readonly outcome: Outcome | null;
  readonly phase: Phase;
  readonly accepted: InitAccepted | null;
  readonly pushKnown: boolean;
  readonly orderReference: string;
  readonly paymentReference: string;
  readonly paymentReferences: readonly string[];
  readonly deadline: Date;
  /** The saved state (no secrets): `client.resume(saved)` continues it, in any process. */
  toJSON(): SavedPaymentFlow;
}

/**
 * Takes M-Pesa payments over the global `fetch` (Node, Bun, Deno, edge runtimes): never prompts a
 * customer twice because an answer was lost, never loses a paid payment. One token for all its
 * payments. Secrets are redacted when it is shown.
 */
export class JengaClient {
  constructor(options: JengaClientOptions);
  readonly environment: string;
  readonly retryPolicy: RetryPolicy;
  /**
   * Pushes the prompt and drives the payment until the provider has it. Rejects with
   * "validation_failed" (nothing sent), "payment_rejected" / "payment_not_sent" (nothing reached
   * the customer: see `outcome`), or "aborted". An undecided end is not an error.
   */
  startPayment(details: PaymentDetails, options?: { signal?: AbortSignal }): Promise<Payment>;
  resume(saved: SavedPaymentFlow | string): Payment;
  /** `{ refs, callback }` once the callback's URL token and body agree; "callback_*" errors otherwise. */
  verifyCallback(url: string, body: Body): { readonly refs: CallbackRefs; readonly callback: StkCallback };
  /** The authenticated, parsed IPN; "ipn_auth_*" errors otherwise. */
  verifyIpn(authorization: string | null | undefined, body: Body): Ipn;
  /**
   * One status query over StatusQuery (after a 401, one retry with a new token; 5xx, 429 and lost
   * answers retried within the policy): the provider's answer, its refusal included. Rejects with
   * "transport_failed" (and `transportFailure`) when no answer came.
   */
  queryStatus(orderReference: string, options?: { signal?: AbortSignal }): Promise<StatusResponse>;
}

// ---------------------------------------------------------------------------------------------
// Loading the WebAssembly. Needed by `jenga-stk/web` (and by `jenga-stk` outside Node) before
// anything else; in Node they do nothing but load the second module (arguments ignored), so
// code written for the web entry runs unchanged.

/** Loads the WebAssembly: no argument fetches the .wasm next to the module. */
export function initialize(input?: URL | string | Response | BufferSource | WebAssembly.Module): Promise<void>;
/** Loads the WebAssembly synchronously from bytes or a compiled module (a worker's imported .wasm). */
export function initializeSync(module: BufferSource | WebAssembly.Module): void;
/**
 * Loads the second WebAssembly module (what reads keys: the WebCrypto `Signer`'s key check,
 * `SyncSigner`, `Verifier`, `signingStringOfBody` and `diagnoseSignature`): no argument fetches
 * `jenga_stk_wasm_rsa_bg.wasm` next to the module. `Signer.fromPem` does that itself when needed;
 * the synchronous ones throw `JengaError` with code `not_initialized` until it is loaded.
 */
export function initializeSyncSigner(input?: URL | string | Response | BufferSource | WebAssembly.Module): Promise<void>;
/** Loads the second module synchronously from bytes or a compiled module. */
export function initializeSyncSignerSync(module: BufferSource | WebAssembly.Module): void;
