// Type-checked with `tsc --noEmit --strict` against the installed package
// (scripts/wasm.sh test). It uses every part of the public API, so a type
// that drifts from the package breaks the build.
import {
  CallbackUrls,
  IpnAuth,
  JengaError,
  Signer,
  StkPush,
  SyncSigner,
  TokenState,
  Verifier,
  adviseTransportFailure,
  classifyInitResponse,
  orderStatusRequest,
  parseCallback,
  parseIpn,
  parseStatusResponse,
  parseTokenResponse,
  reconcile,
  signingStringOfBody,
  tokenRequest,
  type ConflictKind,
  type Endpoint,
  type HttpRequest,
  type InitResponse,
  type NextAction,
  type Reconciliation,
  type StkPushRequest,
  type TokenLifetime,
  type TransportFailure,
} from "jenga-stk";

export async function example(pem: string, publicPem: string): Promise<Reconciliation> {
  const request: StkPushRequest = {
    order: { orderReference: "OR1", orderAmount: "2.00", orderCurrency: "KES", countryCode: "KE", description: "Purchase" },
    customer: { name: "John Doe", email: "john@example.com", phoneNumber: "0722000111", identityNumber: "0000000" },
    payment: {
      paymentReference: "PAY1",
      paymentCurrency: "KES",
      callbackUrl: "https://shop.example.com/jenga/callback",
      details: { msisdn: "0722000000", paymentAmount: 2 },
    },
  };
  const push = StkPush.create(request, { amountDecimals: "two", amountEncoding: "string", phoneFormat: "local" });
  const signer = await Signer.fromPem(pem);
  const signed = await push.sign(signer);
  const sync: string = SyncSigner.fromPem(pem).sign(push.signingString);
  new Verifier(publicPem).verify(push.signingString, sync);
  const http: HttpRequest = signed.httpRequest("uat", "token");
  const headers: Readonly<Record<string, string>> = http.headers;
  void headers;

  const state = new TokenState("uat", { apiKey: "k", merchantCode: "m", consumerSecret: "s" }, { marginSeconds: 60 });
  const action = state.nextAction(new Date());
  const token: string = action.type === "use" ? action.accessToken : action.request.url;
  void token;
  const parsed = parseTokenResponse(200, "{}", Date.now());
  if (parsed.type === "token") {
    const expires: string = parsed.expiresAt;
    const lifetime: TokenLifetime = parsed.lifetime;
    void expires;
    if (lifetime === "assumed") console.log("no usable expiry: 15 minutes assumed");
  } else {
    const next: "do_not_retry" | "refresh_token_and_retry" | "retry_with_backoff" | "fix_signature" | "check_status_first" = parsed.action;
    const excerpt: string | null = parsed.bodyExcerpt;
    void next;
    void excerpt;
  }
  void tokenRequest("live", { apiKey: "k", merchantCode: "m", consumerSecret: "s" });

  const init: InitResponse = classifyInitResponse(200, new Uint8Array());
  if (init.type === "accepted") {
    const invoice: string | null = init.invoiceNumber;
    void invoice;
  } else if (init.action === "fix_signature") {
    console.log(init.hint);
  } else if (init.action === "check_status_first") {
    console.log(init.kind, init.bodyExcerpt ?? init.message);
  }
  const endpoint: Endpoint = "init";
  const failure: TransportFailure = "timeout";
  const advice: NextAction = adviseTransportFailure(endpoint, failure);
  void advice;

  const status = parseStatusResponse(200, "{}");
  if (status.type === "found") {
    for (const invoice of status.invoices) console.log(invoice.status, invoice.mpesaReceipt ?? "-");
  }
  void orderStatusRequest("uat", "token", "OR1");
  void orderStatusRequest("uat", "token", "OR1", await signer.sign("OR1"));

  const urls = new CallbackUrls(new TextEncoder().encode("a merchant secret of at least 32 bytes"));
  const url: string = urls.callbackUrl("https://shop.example.com/cb", "OR1", "PAY1");
  const { refs, callback } = urls.verifyCallback(url, "{}");
  if (callback.outcome.result === "paid") {
    const amount: string = callback.outcome.amount;
    void amount;
  } else {
    console.log(callback.outcome.reason);
  }
  const cb = parseCallback("{}");
  void cb.resultCode.toFixed();
  const checkout: string | null = cb.checkoutRequestId;
  void checkout;
  if (cb.outcome.result === "paid") {
    const phone: string | null = cb.outcome.phoneNumber; // may be masked: 2547*****000
    const date: string | null = cb.outcome.transactionDate;
    void phone;
    void date;
  }

  const auth = new IpnAuth("user", "pass");
  auth.verify(auth.authorizationHeader());
  const ipn = parseIpn("{}");
  const key: string = ipn.dedupeKey;
  const order: string | null = ipn.orderReference; // null: a payment that did not come from a push
  const currency: string | null = ipn.transaction.currency;
  void key;
  void order;
  void currency;
  void signingStringOfBody(push.body);

  try {
    StkPush.create(request);
  } catch (e) {
    if (e instanceof JengaError) {
      for (const p of e.problems) console.log(p.field, p.code, p.message);
      console.log(e.code, e.field, e.rejection?.kind);
    }
  }
  const decision = reconcile({ orderReference: refs.orderReference, amount: "2", currency: "KES" }, { callback: "{}", ipns: [], status: null });
  const paidIn: string | null = decision.currencyPaid;
  const sure: boolean = decision.currencyConfirmed;
  const kinds: ConflictKind[] = decision.conflicts.map((c) => c.kind);
  void paidIn;
  void sure;
  if (kinds.includes("payments_disagree")) console.log("review by hand");
  return decision;
}
