// The runtime checks (checks.mjs) in Cloudflare's workerd, through the web
// entry, as a worker is written: the package's two .wasm files imported as
// modules (a worker may not compile WebAssembly from bytes), the vectors and
// keys bundled in (a worker has no file system). Bundled by esbuild with the
// worker conditions ("workerd", "worker", "browser"); run by workerd.mjs.
// POST / with { sandboxUrl, openssl } → the results as JSON.
import assert from "node:assert/strict"; // nodejs_compat: for the tests only, not the package
import * as web from "jenga-stk/web";
import * as bare from "jenga-stk";
import mainModule from "./jenga_stk_wasm_bg.wasm";
import keysModule from "./jenga_stk_wasm_rsa_bg.wasm";
import { FILES as VECTORS, KEYS } from "./files.generated.mjs";
import { runChecks } from "./checks.mjs";

export default {
  async fetch(request) {
    const job = await request.json();
    web.initializeSync(mainModule);
    web.initializeSyncSignerSync(keysModule);
    const results = await runChecks({
      jenga: web,
      vector: (name) => VECTORS[name],
      key: (stem) => KEYS[stem],
      assert,
      openssl: job.openssl,
      sandboxUrl: job.sandboxUrl,
      label: "workerd jenga-stk/web",
    });
    // Under the worker conditions the bare import is the web entry: one module, one JengaError.
    results["jenga-stk = jenga-stk/web"] = bare.JengaError === web.JengaError ? "the web entry" : "FAILED: another module";
    if (bare.JengaError !== web.JengaError) results.ok = false;
    results.runtime = `workerd (${navigator.userAgent})`;
    return Response.json(results);
  },
};
