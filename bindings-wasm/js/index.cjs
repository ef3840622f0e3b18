// Node.js (CommonJS): wasm-bindgen's nodejs glue loads the WebAssembly synchronously.
"use strict";
const wasm = require("./node/jenga_stk_wasm.js");
const { webcrypto } = require("node:crypto");
const { makeApi } = require("./api.cjs");

module.exports = makeApi(wasm, {
  subtle: webcrypto.subtle,
  encodeBase64: (bytes) => Buffer.from(bytes).toString("base64"),
});
