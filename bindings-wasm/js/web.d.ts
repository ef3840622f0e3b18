export * from "./index.js";
/** Loads the WebAssembly: no argument fetches the .wasm next to the module. */
export function initialize(input?: URL | string | Response | BufferSource | WebAssembly.Module): Promise<void>;
/** Loads the WebAssembly synchronously from bytes or a compiled module. */
export function initializeSync(module: BufferSource | WebAssembly.Module): void;
