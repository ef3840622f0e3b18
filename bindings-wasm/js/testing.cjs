// `jenga-stk/testing` (Node only): the jenga-sandbox binary, the provider's
// local double, started on a free loopback port for your tests and stopped
// after them, with its control API (faults, deliveries, counters, settle,
// reset). The binary is found from `binary`, JENGA_SANDBOX_BIN or PATH.
// Hand-written CommonJS (no WebAssembly here); testing.mjs re-exports it, so
// `import` and `require` give the same functions and the same JengaError.
"use strict";
const { spawn } = require("node:child_process");
const { accessSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { delimiter, join } = require("node:path");
const { createInterface } = require("node:readline");
const { JengaError } = require("./base.cjs");

const INSTALL =
  "install it: `pip install --find-links ./dist/python jenga-sandbox` or `cargo install --path sandbox` " +
  "(in a clone of jenga-stk), or pass `binary` or set JENGA_SANDBOX_BIN";

/** Sandboxes not stopped yet: killed if this process exits first. */
const running = new Set();
let exitHook = false;
function track(child) {
  running.add(child);
  if (!exitHook) {
    exitHook = true;
    process.on("exit", () => {
      for (const c of running) c.kill();
    });
  }
}

function problem(code, field, message) {
  return new JengaError({ code, field, message });
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The jenga-sandbox executable: `binary`, else JENGA_SANDBOX_BIN, else the first on PATH. */
function findSandbox(binary) {
  const given = binary ?? process.env.JENGA_SANDBOX_BIN;
  if (given !== undefined && given !== "") {
    if (typeof given !== "string") throw problem("invalid_type", "binary", "binary must be a path");
    if (!executable(given)) {
      const from = binary === undefined ? "JENGA_SANDBOX_BIN" : "binary";
      throw problem("sandbox_not_found", from === "binary" ? "binary" : null, `${from} is ${given}, which is not an executable file; ${INSTALL}`);
    }
    return given;
  }
  const name = process.platform === "win32" ? "jenga-sandbox.exe" : "jenga-sandbox";
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir !== "" && executable(join(dir, name))) return join(dir, name);
  }
  throw problem("sandbox_not_found", null, `jenga-sandbox is not on PATH; ${INSTALL}`);
}

/** `callbackDelayMs: 20` → ["--callback-delay-ms", "20"]; `true` → a bare flag; false/undefined → nothing. */
function flagsOf(settings) {
  const args = [];
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined || value === false || value === null) continue;
    if (!/^[a-z][A-Za-z0-9]*$/.test(name)) throw problem("invalid_option", name, `${name} is not a sandbox setting (camelCase flag names: ipnUrl, callbackDelayMs, …)`);
    const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (value === true) args.push(flag);
    else if (typeof value === "string" || typeof value === "number") args.push(flag, String(value));
    else throw problem("invalid_type", name, `${name} must be a string, a number or a boolean`);
  }
  return args;
}

/** Resolves to the first line of `child`'s stdout; rejects with its stderr if it exits first. */
function firstLine(child, log) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const exited = (code, signal) => reject(problem("sandbox_failed", null, `jenga-sandbox exited (${signal ?? code}) before printing its address: ${log.join("").trim()}`));
    lines.once("line", (line) => {
      child.off("exit", exited);
      resolve(line.trim());
    });
    child.once("exit", exited);
    child.once("error", (e) => reject(problem("sandbox_failed", null, `jenga-sandbox could not be started: ${e.message}`)));
  });
}

/**
 * Starts jenga-sandbox on a free loopback port. `publicKeyPem` (the text) or `publicKeyPath` is
 * the merchant's registered public key; every other option is a flag of the binary by its
 * camelCase name (`ipnUrl` is `--ipn-url`, `callbackDelayMs: 20` is `--callback-delay-ms 20`).
 * Resolves once it listens; `stop()` it when done (it is also killed when this process exits).
 */
async function startSandbox(options) {
  if (options === null || typeof options !== "object") throw problem("invalid_type", "options", "options must be an object");
  const { publicKeyPem, publicKeyPath, binary, bind = "127.0.0.1:0", ...settings } = options;
  if ((publicKeyPem === undefined) === (publicKeyPath === undefined)) {
    throw problem("invalid_option", "publicKeyPem", "give publicKeyPem (the PEM text) or publicKeyPath, one of them");
  }
  const program = findSandbox(binary);
  const args = flagsOf({ bind, ...settings });
  let keyDir = null;
  let keyPath = publicKeyPath;
  if (publicKeyPem !== undefined) {
    if (typeof publicKeyPem !== "string") throw problem("invalid_type", "publicKeyPem", "publicKeyPem must be the PEM text");
    keyDir = mkdtempSync(join(tmpdir(), "jenga-sandbox-"));
    keyPath = join(keyDir, "public.pem");
    writeFileSync(keyPath, publicKeyPem);
  } else if (typeof keyPath !== "string") {
    throw problem("invalid_type", "publicKeyPath", "publicKeyPath must be a path");
  }
  const removeKey = () => {
    if (keyDir !== null) rmSync(keyDir, { recursive: true, force: true });
    keyDir = null;
  };
  const child = spawn(program, ["--public-key", keyPath, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const closed = new Promise((resolve) => child.once("close", resolve)); // exited, its log read
  const log = [];
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => log.push(chunk));
  track(child);
  let baseUrl;
  try {
    baseUrl = await firstLine(child, log);
  } catch (e) {
    running.delete(child);
    child.kill();
    removeKey();
    throw e;
  }
  // A sandbox left running does not keep this process alive (it is killed at exit).
  child.unref();
  child.stdout.unref?.();
  child.stderr.unref?.();

  async function control(method, path, body) {
    const response = await fetch(`${baseUrl}/sandbox/${path}`, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      let code = "sandbox_refused";
      try {
        code = JSON.parse(text).code ?? code;
      } catch {}
      throw new JengaError({ code: "sandbox_refused", field: null, message: `${method} /sandbox/${path}: ${response.status} ${code}: ${text}` });
    }
    return text === "" ? null : JSON.parse(text);
  }

  const str = (name, fallback) => (typeof settings[name] === "string" ? settings[name] : fallback);
  return Object.freeze({
    baseUrl,
    /** The credentials it accepts (its defaults, or the apiKey / merchantCode / consumerSecret given). */
    credentials: Object.freeze({
      apiKey: str("apiKey", "sandbox-api-key"),
      merchantCode: str("merchantCode", "0000000000"),
      consumerSecret: str("consumerSecret", "sandbox-consumer-secret"),
    }),
    /** The Basic-auth credentials its IPNs carry. */
    ipn: Object.freeze({ username: str("ipnUsername", "sandbox-ipn"), password: str("ipnPassword", "sandbox-ipn-password") }),
    counters: () => control("GET", "counters"),
    fault: async (fault) => (await control("POST", "faults", fault)).pending,
    clearFaults: async () => {
      await control("DELETE", "faults");
    },
    deliveries: (mode) => control("POST", "deliveries", mode ?? {}),
    settle: (timeoutMs = 10_000) => control("POST", "settle", { timeoutMs }),
    expireTokens: async () => {
      await control("POST", "expire-tokens");
    },
    reset: async () => {
      await control("POST", "reset");
    },
    /** Stops the sandbox (SIGTERM) and resolves to its log (standard error). */
    async stop() {
      running.delete(child);
      child.ref(); // until it has exited
      child.kill();
      await closed;
      removeKey();
      return log.join("");
    },
  });
}

module.exports = { startSandbox, findSandbox };
