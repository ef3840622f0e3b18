// A small Node shop (node:http) that takes M-Pesa payments with jenga-stk's
// JengaClient: POST /checkout pushes the prompt, POST /jenga/callback and
// POST /jenga/ipn hand the provider's deliveries (authenticated) to the
// payment, GET /payments/:orderReference tells how it stands. No token,
// retry, polling or reconciliation code: the client does all of it.
import { JengaClient, JengaError } from "jenga-stk";

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new JengaError({ code: "body_too_large", message: "request body too large" });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function reply(res, status, value) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

/**
 * @param {object} config
 * @param {string} config.environment "uat", "live" or a base URL (the sandbox)
 * @param {{apiKey: string, merchantCode: string, consumerSecret: string}} config.credentials
 * @param {string} config.privateKeyPem
 * @param {string} config.callbackSecret at least 32 bytes
 * @param {{username: string, password: string}} config.ipn
 * @param {string} config.publicBaseUrl where the provider reaches this server
 * @param {import("jenga-stk").RetryPolicyOptions} [config.retryPolicy]
 * @param {(line: string) => void} [config.log]
 */
export function createShop(config) {
  const log = config.log ?? (() => {});
  const client = new JengaClient({
    environment: config.environment,
    credentials: config.credentials,
    privateKeyPem: config.privateKeyPem,
    callbackUrl: `${config.publicBaseUrl}/jenga/callback`,
    callbackSecret: config.callbackSecret,
    ipn: config.ipn,
    retryPolicy: config.retryPolicy,
  });
  /** The shop's orders: their saved payment (a database column in real life) and how they ended. */
  const orders = new Map();
  /** Payments being waited on in this process. */
  const live = new Map();

  /** Waits for the payment's outcome in the background, saving its state as it goes. */
  function follow(payment) {
    const order = payment.orderReference;
    const done = payment.wait().then((outcome) => {
      orders.set(order, { saved: JSON.stringify(payment), outcome });
      live.delete(order);
      const r = outcome.reconciliation;
      log(`order ${order}: ${outcome.kind}${r.mpesaReceipt ? ` (receipt ${r.mpesaReceipt})` : ""}`);
      return outcome;
    });
    live.set(order, { payment, done });
    return done;
  }

  /** The payment of an order: the live one, or resumed from its saved state (another process, a restart). */
  function paymentOf(order) {
    if (live.has(order)) return live.get(order).payment;
    const record = orders.get(order);
    if (!record) return null;
    const payment = client.resume(record.saved);
    follow(payment);
    return payment;
  }

  async function checkout({ orderReference, msisdn, amount }) {
    try {
      const payment = await client.startPayment({
        orderReference,
        amount,
        phone: msisdn,
        customer: { name: "Shop Customer", email: "customer@example.com", identityNumber: "0000000" },
        description: "Shop order",
      });
      orders.set(orderReference, { saved: JSON.stringify(payment), outcome: null });
      follow(payment);
      log(`checkout ${orderReference}: the prompt is on the phone`);
      return { status: "pending" };
    } catch (e) {
      // Nothing reached the customer: say so (the order may be paid with another try later).
      if (e instanceof JengaError && (e.code === "payment_rejected" || e.code === "payment_not_sent")) {
        log(`checkout ${orderReference}: ${e.outcome.kind} (${e.rejection?.kind ?? e.transportFailure})`);
        return { status: e.outcome.kind, reason: e.rejection?.kind ?? e.transportFailure };
      }
      throw e;
    }
  }

  /** The request listener: `http.createServer(shop.handle)`. */
  async function handle(req, res) {
    try {
      const url = new URL(req.url, "http://local");
      if (req.method === "POST" && url.pathname === "/checkout") {
        const input = JSON.parse((await readBody(req)).toString("utf8"));
        return reply(res, 200, await checkout(input));
      }
      if (req.method === "POST" && url.pathname === "/jenga/callback") {
        const { refs, callback } = client.verifyCallback(req.url, await readBody(req)); // throws on a forged URL or body
        paymentOf(refs.orderReference)?.handleCallback(callback);
        log(`callback ${refs.orderReference}: ${callback.outcome.result}`);
        return reply(res, 200, { ok: true });
      }
      if (req.method === "POST" && url.pathname === "/jenga/ipn") {
        const ipn = client.verifyIpn(req.headers.authorization, await readBody(req)); // throws unless authenticated
        if (ipn.orderReference !== null) paymentOf(ipn.orderReference)?.handleIpn(ipn);
        log(`IPN ${ipn.orderReference ?? "(not from a push)"}: ${ipn.transaction.status}`);
        return reply(res, 200, { ok: true });
      }
      const match = /^\/payments\/([A-Za-z0-9]+)$/.exec(url.pathname);
      if (req.method === "GET" && match) {
        const record = orders.get(match[1]);
        if (!record) return reply(res, 404, { error: "unknown order" });
        const outcome = record.outcome;
        return reply(res, 200, outcome ? { status: outcome.kind, receipt: outcome.reconciliation.mpesaReceipt } : { status: "pending" });
      }
      reply(res, 404, { error: "not found" });
    } catch (e) {
      const code = e instanceof JengaError ? e.code : "internal_error";
      const status = code.startsWith("callback_") || code.startsWith("ipn_auth") ? 401 : e instanceof JengaError ? 400 : 500;
      log(`refused ${req.method} ${req.url?.split("?")[0]}: ${code}`);
      reply(res, status, { error: code });
    }
  }

  /** Resolves to the order's outcome once its payment ends (for tests and the demo). */
  function outcome(orderReference) {
    const record = orders.get(orderReference);
    if (record?.outcome) return Promise.resolve(record.outcome);
    return live.get(orderReference)?.done ?? Promise.resolve(null);
  }

  return { handle, checkout, outcome, orders };
}
