// A small Node shop (node:http, global fetch) that takes M-Pesa payments with
// jenga-stk: POST /checkout starts an STK push, POST /jenga/callback and
// POST /jenga/ipn receive the provider's deliveries (authenticated), and
// GET /payments/:orderReference reconciles with a status query.
import {
  CallbackUrls,
  IpnAuth,
  JengaError,
  Signer,
  StkPush,
  TokenState,
  adviseTransportFailure,
  classifyInitResponse,
  orderStatusRequest,
  parseIpn,
  parseStatusResponse,
  reconcile,
} from "jenga-stk";

async function send(request) {
  const response = await fetch(request.url, request);
  return { status: response.status, body: new Uint8Array(await response.arrayBuffer()) };
}

/**
 * Which TransportFailure a failed `fetch` was (Node's undici): only a failure to connect proves the
 * request was never sent; anything else may have reached the provider.
 */
function transportFailure(error) {
  const code = error?.cause?.code ?? error?.code ?? error?.name;
  if (["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"].includes(code)) return "connect_failed";
  if (["TimeoutError", "AbortError", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"].includes(code)) return "timeout";
  return "connection_lost";
}

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
 * @param {(line: string) => void} [config.log]
 */
export async function createShop(config) {
  const log = config.log ?? (() => {});
  const signer = await Signer.fromPem(config.privateKeyPem);
  const tokens = new TokenState(config.environment, config.credentials);
  const urls = new CallbackUrls(config.callbackSecret);
  const ipnAuth = new IpnAuth(config.ipn.username, config.ipn.password);
  /** @type {Map<string, {push: StkPush, callback: Uint8Array|null, ipns: Map<string, Uint8Array>, amount: string, waiters: Function[]}>} */
  const payments = new Map();

  async function accessToken() {
    const action = tokens.nextAction(new Date());
    if (action.type === "use") return action.accessToken;
    const { status, body } = await send(action.request);
    return tokens.onResponse(status, body, new Date()).accessToken;
  }

  function notify(payment) {
    for (const wake of payment.waiters.splice(0)) wake();
  }

  async function checkout({ orderReference, paymentReference, msisdn, amount }) {
    const callbackUrl = urls.callbackUrl(`${config.publicBaseUrl}/jenga/callback`, orderReference, paymentReference);
    const push = StkPush.create({
      order: { orderReference, orderAmount: amount, orderCurrency: "KES", countryCode: "KE", description: "Shop order" },
      customer: { name: "Shop Customer", email: "customer@example.com", phoneNumber: msisdn, identityNumber: "0000000" },
      payment: { paymentReference, paymentCurrency: "KES", callbackUrl, details: { msisdn, paymentAmount: amount } },
    });
    const signed = await push.sign(signer);
    let answer;
    for (let attempt = 0; attempt < 2; attempt++) {
      const request = signed.httpRequest(config.environment, await accessToken());
      let response;
      try {
        response = await send(request);
      } catch (e) {
        // No answer: the core says whether the push may be on the phone ("check_status_first").
        const failure = transportFailure(e);
        answer = { type: "no_answer", failure, action: adviseTransportFailure("init", failure) };
        break;
      }
      answer = classifyInitResponse(response.status, response.body);
      // What the rejection says: a 401 means refresh the token and retry once.
      if (answer.type === "rejected" && answer.action === "refresh_token_and_retry" && attempt === 0) {
        tokens.invalidate();
        continue;
      }
      break;
    }
    const detail = answer.type === "accepted" ? `invoice ${answer.invoiceNumber}` : `${answer.kind ?? answer.failure}, ${answer.action}`;
    log(`checkout ${orderReference}: ${answer.type} (${detail})`);
    // Accepted, or perhaps on the customer's phone: keep it, so that the status query decides.
    // Never push again for it before that (a second prompt could charge twice).
    if (answer.type === "accepted" || answer.action === "check_status_first") {
      payments.set(orderReference, { push, callback: null, ipns: new Map(), amount: String(amount), waiters: [] });
    }
    return answer;
  }

  async function decide(orderReference) {
    const payment = payments.get(orderReference);
    if (!payment) return null;
    const request = orderStatusRequest(config.environment, await accessToken(), orderReference);
    const { status, body } = await send(request);
    // Not found yet, or refused: decide on what else is held.
    const found = parseStatusResponse(status, body).type === "found";
    return reconcile(
      { orderReference, amount: payment.amount, currency: "KES" },
      { callback: payment.callback, ipns: [...payment.ipns.values()], status: found ? body : null },
    );
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
        const body = await readBody(req);
        const { refs, callback } = urls.verifyCallback(req.url, body); // throws on a forged URL or body
        const payment = payments.get(refs.orderReference);
        if (payment) {
          payment.callback = body;
          notify(payment);
        }
        log(`callback ${refs.orderReference}: ${callback.outcome.result}${callback.outcome.reason ? ` (${callback.outcome.reason})` : ""}`);
        return reply(res, 200, { ok: true });
      }
      if (req.method === "POST" && url.pathname === "/jenga/ipn") {
        ipnAuth.verify(req.headers.authorization);
        const body = await readBody(req);
        const ipn = parseIpn(body);
        const payment = payments.get(ipn.orderReference);
        const duplicate = payment?.ipns.has(ipn.dedupeKey) ?? false;
        if (payment && !duplicate) {
          payment.ipns.set(ipn.dedupeKey, body);
          notify(payment);
        }
        const about = ipn.orderReference ?? "(no order reference: not from a push)";
        log(`IPN ${about}: ${ipn.transaction.status}${duplicate ? " (duplicate, ignored)" : ""}`);
        return reply(res, 200, { ok: true });
      }
      const match = /^\/payments\/([A-Za-z0-9]+)$/.exec(url.pathname);
      if (req.method === "GET" && match) {
        const decision = await decide(match[1]);
        return decision ? reply(res, 200, decision) : reply(res, 404, { error: "unknown order" });
      }
      reply(res, 404, { error: "not found" });
    } catch (e) {
      const code = e instanceof JengaError ? e.code : "internal_error";
      const status = code.startsWith("callback_") || code.startsWith("ipn_auth") ? 401 : e instanceof JengaError ? 400 : 500;
      log(`refused ${req.method} ${req.url?.split("?")[0]}: ${code}`);
      reply(res, status, { error: code });
    }
  }

  /** Resolves once the order has both a callback and an IPN, or after `ms`. */
  function settled(orderReference, ms) {
    const payment = payments.get(orderReference);
    if (!payment) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      const check = () => {
        if (payment.callback && payment.ipns.size > 0) {
          clearTimeout(timer);
          resolve();
        } else {
          payment.waiters.push(check);
        }
      };
      check();
    });
  }

  return { handle, checkout, decide, settled, payments };
}
