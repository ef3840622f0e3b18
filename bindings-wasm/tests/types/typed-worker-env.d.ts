// What a worker project's types say of a .wasm import (as @cloudflare/workers-types
// declares it): a compiled module. For the README's worker example.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
