// `jenga-stk/testing` for `import`: the CommonJS implementation re-exported
// (testing.cjs), one copy whichever way it is loaded.
import testing from "./testing.cjs";

export const { startSandbox, findSandbox } = testing;
