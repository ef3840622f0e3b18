# The two commands of the README's quick start: `make demo` and `make test`.
# Both install what they need (scripts/setup.sh) and are safe to re-run.

CARGO ?= cargo
SHELL := /bin/bash

.PHONY: all demo demo-python test setup dist dist-check fmt-check clippy doc-check test-rust test-wasm test-node-example test-python test-uniffi vectors vectors-check bench bench-wasm bench-python bench-kotlin backend-sizes deny fuzz clean

all: test

setup:
	@scripts/setup.sh

demo: setup
	@scripts/demo.sh
	@echo
	@echo "== the same payment from Node (examples/node, the npm package from its tarball)"
	@scripts/node-example.sh demo
	@echo
	@echo "== and from Django (examples/django_shop, the Python wheel)"
	@scripts/python-demo.sh

# The Django shop alone: a paid and a cancelled checkout against the sandbox.
demo-python: setup
	@scripts/python-demo.sh

test: setup fmt-check clippy doc-check deny test-rust vectors-check test-wasm test-node-example test-python test-uniffi dist-check
	@echo "make test: all checks passed"

# Every artifact into dist/, each checked as its ecosystem would (scripts/dist/):
# the crates (cargo publish --dry-run, docs.rs badges), the Python wheels
# (manylinux2014, sdist tested, twine, auditwheel) and the sandbox and CLI
# wheels, the npm tarball (publint, attw, one instance, Node/Bun/Deno/workerd),
# the Kotlin jar as a local Maven repository and the Swift package.
dist: setup
	@scripts/dist.sh

# What make test runs of it: the same builds and checks.
dist-check: dist

# Rustdoc with warnings as errors: broken or private intra-doc links fail.
doc-check:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --workspace
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps -p jenga-stk --no-default-features

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p jenga-stk --all-targets -- -D warnings
	$(CARGO) clippy -p jenga-stk --all-targets --no-default-features --features ring -- -D warnings
	$(CARGO) clippy -p jenga-stk --lib --tests --no-default-features -- -D warnings
	$(CARGO) clippy -p jenga-stk --lib --tests --no-default-features --features diagnose -- -D warnings

# Unit, integration (conformance vectors + OpenSSL oracle) and doc tests.
# The workspace build unifies the core's features (the wheel's aws-lc-rs wins),
# so the core is also tested alone with each signing backend: rsa (default),
# ring and aws-lc-rs, each against the vectors and a live OpenSSL; and without
# any backend (bring-your-own-signature only, no RSA code), and then with the
# signature doctor alone (its RSA public operation is its own pure Rust).
test-rust:
	$(CARGO) test --workspace
	$(CARGO) test -p jenga-stk
	$(CARGO) test -p jenga-stk --no-default-features --features ring
	$(CARGO) test -p jenga-stk --no-default-features --features aws-lc-rs
	$(CARGO) test -p jenga-stk --no-default-features --lib --tests
	$(CARGO) test -p jenga-stk --no-default-features --features diagnose --lib --tests

# Regenerate the vectors into a scratch folder and require no difference:
# the committed files are exactly what the independent oracle produces.
vectors-check:
	@tmp=$$(mktemp -d) && python3 tests/vectors/tools/build_vectors.py --out "$$tmp" >/dev/null \
	  && diff -r -x tools -x README.md "$$tmp" tests/vectors >/dev/null \
	  && echo "vectors: up to date with tests/vectors/tools/build_vectors.py" \
	  || { echo "vectors: tests/vectors differ from the oracle's output; run make vectors" >&2; rm -rf "$$tmp"; exit 1; }; rm -rf "$$tmp"

vectors:
	python3 tests/vectors/tools/build_vectors.py

# The npm package: built, packed, installed from the tarball into a scratch
# project, then node --test (every vector), tsc --strict, wasm-bindgen-test.
test-wasm:
	$(CARGO) clippy -p jenga-stk-wasm --target wasm32-unknown-unknown --all-targets -- -D warnings
	scripts/wasm.sh test

# The Node shop example against the sandbox.
test-node-example:
	scripts/node-example.sh test

# The Python wheel: built by maturin, installed into a fresh venv; pytest over
# every vector, mypy --strict, stubtest, README snippets, the Django example's tests.
test-python:
	@scripts/python-test.sh

# Kotlin/Swift bindings: every vector, the foreign signer, a panic and a sandbox
# payment on the JVM from the built jar; Swift SKIPPED (said loudly) without swiftc.
test-uniffi:
	scripts/uniffi.sh

# Criterion benchmarks beside `openssl speed rsa2048`, in one run (docs/benchmarks.md).
bench:
	scripts/bench-core.sh

bench-wasm:
	scripts/wasm.sh bench

# The wheel's signer next to Python `cryptography`; the uniffi library's from
# Kotlin next to java.security; what each signing backend adds to the libraries.
bench-python:
	scripts/python-bench.sh

bench-kotlin:
	scripts/uniffi-bench.sh

backend-sizes:
	scripts/backend-sizes.sh

# cargo-fuzz targets (fuzz/), each for $(FUZZ_SECONDS) s on stable Rust; see docs/security.md.
FUZZ_SECONDS ?= 60
fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)

# Supply chain: licenses, banned crates and sources (deny.toml).
deny:
	@command -v cargo-deny >/dev/null 2>&1 || $(CARGO) install cargo-deny --locked
	$(CARGO) deny check licenses bans sources

clean:
	$(CARGO) clean
