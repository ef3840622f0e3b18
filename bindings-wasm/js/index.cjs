// Node.js: the package's one implementation for Node, for `require` AND
// `import` (index.mjs re-exports this module), so a process that does both
// holds ONE WebAssembly instance and ONE JengaError class (no dual-package
// hazard). wasm-bindgen's nodejs glue loads the WebAssembly synchronously.
// The second module (key checks, SyncSigner, Verifier, the signature doctor)
// is required, and so loaded, on first use only.
"use strict";
const wasm = require("./node/jenga_stk_wasm.js");
const { webcrypto } = require("node:crypto");
const { makeApi } = require("./api.cjs");

let rsaWasm;
function rsa() {
  if (rsaWasm === undefined) rsaWasm = require("./node/jenga_stk_wasm_rsa.js");
  return rsaWasm;
}

module.exports = {
  ...makeApi(wasm, {
    subtle: webcrypto.subtle,
    rsa,
    randomValues: (array) => webcrypto.getRandomValues(array),
    encodeBase64: (bytes) => Buffer.from(bytes).toString("base64"),
  }),
  // The web entry's initializers, so code written for it runs unchanged in Node: the main
  // module is loaded already; the second one is read from the package (arguments are ignored).
  initialize: async () => {},
  initializeSync: () => {},
  initializeSyncSigner: async () => {
    rsa();
  },
  initializeSyncSignerSync: () => {
    rsa();
  },
};
