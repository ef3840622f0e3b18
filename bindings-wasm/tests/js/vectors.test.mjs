// Every case in tests/vectors/ through the npm package installed from its
// tarball, under Node: the runtime-neutral runner (conformance.mjs, which Bun,
// Deno and workerd run too), one test per vector file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as jenga from "jenga-stk";
import { FILES, suites } from "./conformance.mjs";

const root = process.env.JENGA_ROOT;
assert.ok(root, "JENGA_ROOT must point at the repository");
const vectors = join(root, "tests/vectors");

const all = suites({
  jenga,
  vector: (name) => readFileSync(join(vectors, name), "utf8"),
  key: (stem) => readFileSync(join(root, "tests/keys", `${stem}.pem`), "utf8"),
  assert,
});
for (const suite of all) test(suite.name, suite.run);

test("every vector file is run by this suite", () => {
  const files = readdirSync(vectors).filter((f) => f.endsWith(".json")).sort();
  assert.deepEqual(files, [...FILES].sort());
  assert.deepEqual(all.map((s) => s.file).sort(), files);
});
