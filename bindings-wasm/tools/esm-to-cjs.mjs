// Makes the CommonJS copy of one of the package's ESM sources (api.mjs,
// base.mjs, flow.mjs, client.mjs): `import { a, b } from "./x.mjs";` becomes
// `const { a, b } = require("./x.cjs");`, top-level `export` keywords go and
// the exported names are gathered into `module.exports`. Any other import or
// export form is refused, so the two copies cannot silently differ.
//   node esm-to-cjs.mjs IN.mjs OUT.cjs
import { readFileSync, writeFileSync } from "node:fs";

const [input, output] = process.argv.slice(2);
const names = [];
const lines = readFileSync(input, "utf8")
  .replace(/^import \{([^}]*)\} from "(\.\/[\w-]+)\.mjs";$/gm, (_, list, path) => `const {${list}} = require("${path}.cjs");`)
  .split("\n")
  .map((line) => {
    const m = /^export (class|function|async function|const) (\w+)/.exec(line);
    if (!m) return line;
    names.push(m[2]);
    return line.slice("export ".length);
  });
const bad = lines.findIndex((l) => /^(import|export)\b/.test(l));
if (bad !== -1) {
  console.error(`${input}:${bad + 1}: an import or export form esm-to-cjs.mjs does not convert: ${lines[bad]}`);
  process.exit(1);
}
writeFileSync(output, `"use strict";\n${lines.join("\n")}\nmodule.exports = { ${names.join(", ")} };\n`);
