// The types under `require` (index.d.cts, testing.d.cts), checked by tsc --strict against the
// installed tarball: the same declarations the ESM entries re-export.
import jenga = require("jenga-stk");
import testing = require("jenga-stk/testing");

export async function checkout(pem: string, sandbox: testing.Sandbox): Promise<jenga.OutcomeKind> {
  const client = new jenga.JengaClient({
    environment: sandbox.baseUrl,
    credentials: sandbox.credentials,
    privateKeyPem: pem,
    callbackUrl: "https://shop.example.com/jenga/callback",
    retryPolicy: new jenga.RetryPolicy({ firstPollMs: 100 }),
  });
  try {
    const payment = await client.startPayment({
      orderReference: "OR1",
      amount: "2",
      phone: "0722000000",
      description: "Order 1",
      customer: { name: "Jane", email: "jane@example.com", identityNumber: "1" },
    });
    return (await payment.wait()).kind;
  } catch (e) {
    if (e instanceof jenga.JengaError && e.outcome) return e.outcome.kind;
    throw e;
  }
}

export async function start(pem: string): Promise<testing.Sandbox> {
  const sandbox = await testing.startSandbox({ publicKeyPem: pem, callbackDelayMs: 20, ipnUrl: "http://127.0.0.1:9/ipn" });
  const counters: testing.SandboxCounters = await sandbox.counters();
  const prompts: number | undefined = counters.pushes["OR1"];
  void prompts;
  await sandbox.fault({ endpoint: "init", fault: "drop_after_accept" });
  return sandbox;
}

export const error = new jenga.JengaError({ code: "body_too_large", message: "too large" });
