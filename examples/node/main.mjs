// Runs the shop and pays one order, printing each step. `make demo` runs it
// against the sandbox; with JENGA_ENV=uat and real credentials, against UAT.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createShop } from "./shop.mjs";

const env = (name, fallback) => process.env[name] || fallback;
const [host, port] = env("JENGA_CALLBACK_LISTEN", "127.0.0.1:0").split(":");

const shop = createShop({
  environment: env("JENGA_ENV", "uat"),
  credentials: {
    apiKey: env("JENGA_API_KEY"),
    merchantCode: env("JENGA_MERCHANT_CODE"),
    consumerSecret: env("JENGA_CONSUMER_SECRET"),
  },
  privateKeyPem: readFileSync(env("JENGA_PRIVATE_KEY"), "utf8"),
  callbackSecret: env("JENGA_CALLBACK_SECRET", `node-demo-secret-${Date.now()}-padding-to-32-bytes`),
  ipn: { username: env("JENGA_IPN_USERNAME", "sandbox-ipn"), password: env("JENGA_IPN_PASSWORD", "sandbox-ipn-password") },
  publicBaseUrl: env("JENGA_CALLBACK_PUBLIC_URL", `http://${host}:${port}`),
  log: (line) => console.log(`   ${line}`),
});
const server = createServer(shop.handle);
await new Promise((resolve) => server.listen(Number(port), host, resolve));
const address = server.address();
const local = `http://${address.address}:${address.port}`;
console.log(`== Node shop listening on ${local}`);

const stamp = Date.now();
const order = `NODE${stamp}`;
const answer = await fetch(`${local}/checkout`, {
  method: "POST",
  body: JSON.stringify({ orderReference: order, msisdn: env("JENGA_MSISDN", "0722000000"), amount: env("JENGA_AMOUNT", "2") }),
}).then((r) => r.json());
console.log(`== checkout: ${answer.status}`);
let outcome = null;
if (answer.status === "pending") {
  const timeout = new Promise((resolve) => setTimeout(resolve, Number(env("JENGA_WAIT_SECS", "180")) * 1000, null));
  outcome = await Promise.race([shop.outcome(order), timeout]);
  const r = outcome?.reconciliation;
  console.log(`== outcome: ${outcome?.kind ?? "still pending"}${r ? `, decided by ${r.decidedBy}, confirmed ${r.confirmed}, receipt ${r.mpesaReceipt}` : ""}`);
}
server.close();
process.exitCode = outcome?.kind === "paid" ? 0 : 1;
console.log(process.exitCode === 0 ? "== RESULT: PAID" : "== RESULT: NOT PAID");
// A payment still being waited on would keep the process alive until its deadline.
process.exit();
