// The client in TypeScript, type-checked with `tsc --noEmit --strict` against
// the installed package (scripts/wasm.sh test): a shop's whole payment code,
// plus the sans-IO flow and the signature doctor for those who own their I/O.
import {
  CallbackUrls,
  JengaClient,
  JengaError,
  PaymentFlow,
  RetryPolicy,
  SharedTokens,
  StkPush,
  diagnoseSignature,
  type Diagnosis,
  type FindingCode,
  type FlowAction,
  type Outcome,
  type OutcomeKind,
  type Payment,
  type PaymentDetails,
  type Phase,
  type SavedPaymentFlow,
  type StkCallback,
  type TextSigner,
} from "jenga-stk";

/** Where a shop keeps its orders' saved payments (a database in real life). */
const saved = new Map<string, SavedPaymentFlow>();

export function makeClient(privateKeyPem: string): JengaClient {
  return new JengaClient({
    environment: "uat",
    credentials: { apiKey: "key", merchantCode: "0000000000", consumerSecret: "secret" },
    privateKeyPem,
    callbackUrl: "https://shop.example.com/jenga/callback",
    callbackSecret: "at least thirty-two bytes of secret here",
    ipn: { username: "ipn-user", password: "ipn-password" },
    requestOptions: { phoneFormat: "international" },
    retryPolicy: { firstPollMs: 5_000, timeoutMs: 180_000 },
  });
}

/** Checkout: push the prompt; a rejection means nothing reached the customer. */
export async function checkout(client: JengaClient, details: PaymentDetails): Promise<Phase | "refused"> {
  try {
    const payment: Payment = await client.startPayment(details, { signal: AbortSignal.timeout(60_000) });
    saved.set(payment.orderReference, payment.toJSON());
    return payment.phase;
  } catch (e) {
    if (e instanceof JengaError && (e.code === "payment_rejected" || e.code === "payment_not_sent")) {
      const kind: OutcomeKind | undefined = e.outcome?.kind;
      console.log(kind, e.rejection?.kind, e.transportFailure);
      return "refused";
    }
    throw e;
  }
}

/** The callback handler: verify, load the payment, hand it in. */
export function onCallback(client: JengaClient, url: string, body: Uint8Array): void {
  const { refs, callback } = client.verifyCallback(url, body);
  const state = saved.get(refs.orderReference);
  if (state === undefined) return;
  const payment = client.resume(state);
  const cb: StkCallback = callback;
  payment.handleCallback(cb);
  saved.set(refs.orderReference, payment.toJSON());
}

/** The IPN handler. */
export function onIpn(client: JengaClient, authorization: string | undefined, body: string): void {
  const ipn = client.verifyIpn(authorization, body);
  const state = ipn.orderReference === null ? undefined : saved.get(ipn.orderReference);
  if (state === undefined) return;
  const payment = client.resume(state);
  payment.handleIpn(ipn);
  saved.set(payment.orderReference, payment.toJSON());
}

/** Waiting for the outcome (a worker, or the request that started the payment). */
export async function outcomeOf(client: JengaClient, orderReference: string): Promise<Outcome | null> {
  const state = saved.get(orderReference);
  if (state === undefined) return null;
  const outcome = await client.resume(state).wait();
  if (outcome.kind === "paid") console.log(outcome.reconciliation.mpesaReceipt, outcome.reconciliation.amountPaid);
  const status = await client.queryStatus(orderReference);
  if (status.type === "found") console.log(status.order.status);
  return outcome;
}

/** A KMS signer instead of a PEM. */
export function withKms(kms: TextSigner): JengaClient {
  return new JengaClient({
    credentials: { apiKey: "key", merchantCode: "0000000000", consumerSecret: "secret" },
    signer: kms,
    callbackUrl: "https://shop.example.com/jenga/callback",
    fetch: (input, init) => fetch(input, init),
  });
}

/** The sans-IO flow driven by hand (what JengaClient does, with your own HTTP client). */
export async function ownIo(push: StkPush, signerPem: string, send: (url: string, body?: string) => Promise<[number, string | null, Uint8Array]>): Promise<Outcome> {
  const { Signer } = await import("jenga-stk");
  const signed = await push.sign(await Signer.fromPem(signerPem));
  const tokens = new SharedTokens("uat", { apiKey: "key", merchantCode: "0000000000", consumerSecret: "secret" });
  const callbackUrls = new CallbackUrls("at least thirty-two bytes of secret here");
  const flow = new PaymentFlow(signed, { tokens, callbackUrls }, { policy: new RetryPolicy({ maxPushes: 2 }), seed: 7n, now: new Date() });
  for (;;) {
    const action: FlowAction = flow.poll(new Date());
    switch (action.type) {
      case "send": {
        try {
          const [status, retryAfter, body] = await send(action.request.http.url, action.request.http.body);
          flow.handleResponse(new Date(), status, retryAfter, body);
        } catch {
          flow.handleTransportFailure(new Date(), "connection_lost");
        }
        break;
      }
      case "wait":
        await new Promise((resolve) => setTimeout(resolve, action.until.getTime() - Date.now()));
        break;
      case "done":
        return action.outcome;
    }
  }
}

/** The doctor, for a "403 Invalid signature". */
export function doctor(body: string, signatureHeader: string, registeredPublicKeyPem: string): FindingCode[] {
  const d: Diagnosis = diagnoseSignature(body, signatureHeader, registeredPublicKeyPem);
  return d.ok ? [] : d.findings.map((f) => f.code);
}
