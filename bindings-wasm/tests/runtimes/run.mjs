// The runtime checks (checks.mjs) under Node, Bun or Deno, from the package
// installed from its tarball into this folder:
//   node run.mjs ENTRY SANDBOX_URL REPO_ROOT OPENSSL_JSON
//   bun run.mjs …      deno run -A run.mjs …
// ENTRY is "jenga-stk" (the main entry, as the runtime resolves it: Node, Bun
// and Deno all take its "node" condition), "jenga-stk/web" (the same there),
// or the path of web.mjs (what the two are where no "node" condition applies,
// loaded from the .wasm bytes as a runtime without a file system would). Prints
// one JSON line of results; exits non-zero on any failure.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { runChecks } from "./checks.mjs";

const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.versions.node}`;
const [entry, sandboxUrl, root, opensslPath] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const text = (path) => readFileSync(path, "utf8");

const jenga = await import(entry);
const resolved = import.meta.resolve(entry);
if (resolved.endsWith("/web.mjs")) {
  // What a runtime without a file system does with the .wasm files the package ships.
  jenga.initializeSync(readFileSync(new URL("./wasm/jenga_stk_wasm_bg.wasm", resolved)));
  jenga.initializeSyncSignerSync(readFileSync(new URL("./wasm/jenga_stk_wasm_rsa_bg.wasm", resolved)));
}

const results = await runChecks({
  jenga,
  vector: (name) => text(`${root}/tests/vectors/${name}`),
  key: (stem) => text(`${root}/tests/keys/${stem}.pem`),
  assert,
  openssl: JSON.parse(text(opensslPath)),
  sandboxUrl,
  label: `${runtime.split(" ")[0]} ${entry}`,
});
results.runtime = runtime;
results.resolved = resolved.replace(/^.*node_modules\//, "");

// One package in the process, whether loaded by import or by the runtime's require.
if (entry === "jenga-stk") {
  try {
    const required = createRequire(import.meta.url)(entry);
    const same = required.JengaError === jenga.JengaError && required.StkPush === jenga.StkPush;
    let crossed = false;
    try {
      required.classifyInitResponse(99, "");
    } catch (e) {
      crossed = e instanceof jenga.JengaError;
    }
    results["import = require"] = same && crossed ? "one package: the same classes, errors cross" : "FAILED: two copies";
    if (!(same && crossed)) results.ok = false;
  } catch (e) {
    results["import = require"] = `FAILED: ${e.message.split("\n")[0]}`;
    results.ok = false;
  }
}

// Deno only, for the record (not a check): the same dropped push with the client's guard taken
// away (the POST's own HTTP client with no pool removed, and its body a string again if the
// client made it a stream): does this Deno re-send it?
if (globalThis.Deno && entry === "jenga-stk" && sandboxUrl) {
  const control = (method, path, body) => fetch(`${sandboxUrl}/sandbox/${path}`, { method, body: body && JSON.stringify(body) }).then((r) => r.text());
  await control("POST", "reset");
  const unguarded = new jenga.JengaClient({
    environment: sandboxUrl,
    credentials: { apiKey: "sandbox-api-key", merchantCode: "0000000000", consumerSecret: "sandbox-consumer-secret" },
    privateKeyPem: text(`${root}/tests/keys/test-pkcs8-2048.pem`),
    callbackUrl: "http://127.0.0.1:1/jenga/callback",
    retryPolicy: { firstPollMs: 100, confirmDelayMs: 50, initialBackoffMs: 20, maxBackoffMs: 100, maxPollIntervalMs: 200 },
    fetch: async (url, { client, duplex, ...init }) =>
      fetch(url, { ...init, body: init.body instanceof ReadableStream ? await new Response(init.body).text() : init.body }),
  });
  await unguarded.queryStatus("RTWARM");
  await control("POST", "faults", { endpoint: "init", fault: "drop_after_accept" });
  const order = `RTUNGUARDED${Date.now() % 1_000_000}`;
  const outcome = await (await unguarded.startPayment({
    orderReference: order, amount: "2", phone: "0722000000", description: "unguarded",
    customer: { name: "Runtime Test", email: "rt@example.com", identityNumber: "0000000" },
  })).wait();
  const counters = JSON.parse(await control("GET", "counters"));
  results["without the guard (record only)"] = { initRequests: counters.initRequests, prompts: counters.pushes[order], kind: outcome.kind };
}

console.log(JSON.stringify(results));
if (!results.ok) {
  if (globalThis.Deno) Deno.exit(1);
  else process.exit(1);
}
