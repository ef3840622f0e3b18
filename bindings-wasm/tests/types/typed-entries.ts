// The types under `import` for every entry: `jenga-stk` (index.d.mts), `jenga-stk/web`
// (web.d.mts) and `jenga-stk/testing` (testing.d.mts), and the constructors the docs use.
import { readFileSync } from "node:fs";
import * as jenga from "jenga-stk";
import * as web from "jenga-stk/web";
import { startSandbox, findSandbox, type Sandbox, type SandboxFault } from "jenga-stk/testing";

// The web entry, as a worker uses it: its .wasm modules imported, loaded synchronously.
export function worker(mainModule: WebAssembly.Module, keysModule: WebAssembly.Module): web.StkPush {
  web.initializeSync(mainModule);
  web.initializeSyncSignerSync(keysModule);
  return web.StkPush.create({
    order: { orderReference: "OR1", orderAmount: "2", orderCurrency: "KES", countryCode: "KE", description: "d" },
    customer: { name: "n", email: "e@example.com", phoneNumber: "0722000000", identityNumber: "1" },
    payment: { paymentReference: "P1", paymentCurrency: "KES", callbackUrl: "https://x/cb", details: { msisdn: "0722000000", paymentAmount: "2" } },
  });
}

export async function entries(): Promise<void> {
  await jenga.initialize(); // a no-op in Node
  await web.initialize(new URL("https://cdn.example/jenga_stk_wasm_bg.wasm"));
  const sameShape: typeof jenga.JengaError = web.JengaError;
  void sameShape;
}

// Every constructor the READMEs and examples use.
export function constructors(pem: string, tokens: jenga.SharedTokens, signed: jenga.SignedStkPush): void {
  const policy = new jenga.RetryPolicy({ maxPushes: 2, firstPollMs: 5000 });
  new jenga.SharedTokens("uat", { apiKey: "k", merchantCode: "m", consumerSecret: "s" }, { marginSeconds: 60 });
  new jenga.TokenState("live", { apiKey: "k", merchantCode: "m", consumerSecret: "s" });
  new jenga.CallbackUrls("a callback secret of at least 32 bytes");
  new jenga.IpnAuth("user", "password");
  new jenga.Verifier(pem);
  new jenga.PaymentFlow(signed, { tokens }, { policy, seed: 1n, now: new Date() });
  new jenga.StatusQuery("OR1", tokens, { policy, seed: 1n });
  new jenga.JengaClient({ credentials: { apiKey: "k", merchantCode: "m", consumerSecret: "s" }, privateKeyPem: pem, callbackUrl: "https://x/cb" });
  new jenga.JengaError({ code: "body_too_large", message: "request body too large" });
}

// A status query driven by hand.
export async function query(tokens: jenga.SharedTokens): Promise<jenga.StatusResponse | null> {
  const q = new jenga.StatusQuery("OR1", tokens);
  for (;;) {
    const action: jenga.QueryAction = q.poll(Date.now());
    if (action.type === "done") return action.transportFailure === null ? action.response : null;
    if (action.type === "wait") {
      await new Promise((resolve) => setTimeout(resolve, action.until.getTime() - Date.now()));
      continue;
    }
    const r = await fetch(action.request.http.url, action.request.http);
    q.handleResponse(new Date(), r.status, r.headers.get("retry-after"), new Uint8Array(await r.arrayBuffer()));
  }
}

// The test helper.
export async function helper(): Promise<string> {
  const sandbox: Sandbox = await startSandbox({
    publicKeyPem: readFileSync("public.pem", "utf8"),
    binary: findSandbox(),
    callbackDelayMs: 20,
    ipnDelayMs: 20,
    retryDelayMs: 20,
    ipnUrl: "http://127.0.0.1:8080/jenga/ipn",
  });
  const faults: SandboxFault[] = [
    { endpoint: "init", fault: "drop_after_accept" },
    { endpoint: "status", fault: "rate_limited", count: 2, retryAfterSecs: 1 },
  ];
  await sandbox.fault(faults);
  await sandbox.deliveries({ callback: "twice", ipn: "never" });
  const { settled, counters } = await sandbox.settle(5000);
  if (settled && counters.initRequests === 1) await sandbox.reset();
  return sandbox.stop();
}
