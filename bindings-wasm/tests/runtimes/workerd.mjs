// Runs worker.mjs in workerd (npm `workerd`), from the package installed from
// its tarball into this folder:
//   node workerd.mjs SANDBOX_URL REPO_ROOT OPENSSL_JSON ESBUILD_BIN WORKERD_BIN
// Bundles the worker with esbuild as wrangler does (the worker conditions;
// .wasm imports kept as modules), embeds every vector and key, writes a
// workerd config whose outbound network reaches the local sandbox, serves it
// on a free port, POSTs the job, prints the results as one JSON line; exits
// non-zero on any failure.
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createRequire } from "node:module";

const [sandboxUrl, root, opensslPath, esbuild, workerdBin] = process.argv.slice(2);
const here = new URL(".", import.meta.url).pathname;
const out = join(here, "worker");
mkdirSync(out, { recursive: true });

// The files a worker cannot read: bundled as a module.
const vectors = Object.fromEntries(
  readdirSync(join(root, "tests/vectors")).filter((f) => f.endsWith(".json")).map((f) => [f, readFileSync(join(root, "tests/vectors", f), "utf8")]),
);
const keys = Object.fromEntries(
  readdirSync(join(root, "tests/keys")).filter((f) => f.endsWith(".pem")).map((f) => [f.slice(0, -4), readFileSync(join(root, "tests/keys", f), "utf8")]),
);
writeFileSync(join(here, "files.generated.mjs"), `export const FILES = ${JSON.stringify(vectors)};\nexport const KEYS = ${JSON.stringify(keys)};\n`);

// The .wasm files as the installed package ships them.
const require = createRequire(import.meta.url);
copyFileSync(require.resolve("jenga-stk/jenga_stk_wasm_bg.wasm"), join(out, "jenga_stk_wasm_bg.wasm"));
copyFileSync(require.resolve("jenga-stk/jenga_stk_wasm_rsa_bg.wasm"), join(out, "jenga_stk_wasm_rsa_bg.wasm"));

execFileSync(esbuild, [
  join(here, "worker.mjs"),
  "--bundle",
  "--format=esm",
  "--platform=neutral",
  "--conditions=workerd,worker,browser",
  "--main-fields=module,main",
  "--external:*.wasm",
  "--external:node:*",
  `--outfile=${join(out, "worker.js")}`,
  `--metafile=${join(out, "meta.json")}`,
  "--log-level=warning",
], { stdio: "inherit" });
const inputs = JSON.parse(readFileSync(join(out, "meta.json"), "utf8")).inputs;
const packageFiles = Object.keys(inputs).filter((f) => f.includes("node_modules/jenga-stk/")).map((f) => f.replace(/^.*node_modules\//, ""));

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const port = await freePort();
writeFileSync(
  join(out, "config.capnp"),
  `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # The sandbox listens on loopback: the default outbound network allows public addresses only.
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "jenga_stk_wasm_bg.wasm", wasm = embed "jenga_stk_wasm_bg.wasm"),
    (name = "jenga_stk_wasm_rsa_bg.wasm", wasm = embed "jenga_stk_wasm_rsa_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = ["nodejs_compat"],
  globalOutbound = "internet",
);
`,
);

const workerd = spawn(workerdBin, ["serve", join(out, "config.capnp"), "--verbose"], { stdio: ["ignore", "inherit", "pipe"] });
let log = "";
workerd.stderr.on("data", (chunk) => (log += chunk));
const stop = () => workerd.kill();
process.on("exit", stop);

let results;
for (let attempt = 0; ; attempt++) {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: JSON.stringify({ sandboxUrl, openssl: JSON.parse(readFileSync(opensslPath, "utf8")) }) });
    const text = await r.text();
    results = r.ok ? JSON.parse(text) : { ok: false, error: `workerd answered ${r.status}: ${text}` };
    break;
  } catch (e) {
    if (workerd.exitCode !== null || attempt > 100) {
      results = { ok: false, error: `workerd did not serve: ${e.cause?.code ?? e.message}\n${log}` };
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
stop();
results.bundled = packageFiles;
results.runtime = execFileSync(workerdBin, ["--version"], { encoding: "utf8" }).trim();
console.log(JSON.stringify(results));
if (!results.ok) {
  if (log) console.error(log);
  process.exit(1);
}
