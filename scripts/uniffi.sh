#!/usr/bin/env bash
# Kotlin and Swift bindings (bindings-uniffi/): set up, generate, build, test.
#
#   scripts/uniffi.sh        # everything below; exits non-zero on any failure
#   scripts/uniffi.sh --select-class jenga.stk.tests.ClientTest   # only these JUnit tests
#                            # (any JUnit console launcher selector; the other steps still run)
#
# 1. Setup (idempotent, skips what is present): the workspace uniffi-bindgen
#    (debug, `cli` feature, built once), the product cdylib, a separate
#    test-hooks cdylib, the sandbox; from apt: JNA, JUnit 5 (its console
#    launcher, junit-platform-console-standalone) and Jackson (the tests read
#    the vectors with it); the Kotlin compiler from npm (kotlin-compiler@2.4.20)
#    into target/kotlin/.
# 2. Generates Kotlin, Swift and Python sources in library mode into target/uniffi/.
# 3. Builds target/uniffi/jenga-stk-kotlin.jar: the generated classes, the hand-written
#    client (bindings-uniffi/kotlin/, package jenga.stk.client) and
#    linux-x86-64/libjenga_stk_uniffi.so (JNA's resource path); compiles the Kotlin
#    tests and the example shop (bindings-uniffi/examples/kotlin/) against that jar
#    and runs them on the JVM with the JUnit 5 console launcher (any failure
#    fails the script; XML reports in target/uniffi/junit/): every vector (flows.json and signature_doctor.json
#    included), the API tests, the foreign signer (java.security SHA256withRSA), an
#    end-to-end payment with the low-level API, and the client against the sandbox
#    over real HTTP (one test per fault, asserting on the sandbox's counters).
#    Before the tests: every ```kotlin block of README.md and bindings-uniffi/README.md is
#    compiled against the jar (bindings-uniffi/readme-check/; build.gradle.kts blocks SKIPPED).
# 4. The panic test (JUnit too): the same build of a test-only library (cargo feature
#    `test-hooks`, own target dir, never in the product jar) shows a Rust panic is
#    an exception and the JVM survives.
# 5. The uniffi-Python cross-check (Python's product is the pyo3 wheel).
# 6. Swift: compiles and runs examples/swift when `swiftc` exists, else SKIPPED.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/uniffi
KOTLIN_VERSION=2.4.20
KOTLIN_HOME=$ROOT/target/kotlin/package
HOOKS_TARGET=$ROOT/target/uniffi-test-hooks
LIB=libjenga_stk_uniffi.so
HOOK_SYMBOL=uniffi_jenga_stk_uniffi_fn_func_internal_test_panic
started=$SECONDS

step() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - started))"; }
fail() { echo "uniffi.sh: $*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Runs "$@" only when the hash of the files in $1 (a list) changed since the last success.
stamp_dir=$OUT/stamps
changed() { # name, files...
  local name=$1; shift
  local sum; sum=$(cat "$@" | sha256sum | cut -d' ' -f1)
  [ "$(cat "$stamp_dir/$name" 2>/dev/null)" != "$sum" ] && { echo "$sum" > "$stamp_dir/$name.new"; return 0; }
  return 1
}
stamped() { mv "$stamp_dir/$1.new" "$stamp_dir/$1"; }

# ---------------------------------------------------------------- setup
step "setup"
mkdir -p "$OUT" "$stamp_dir"
command -v cargo >/dev/null || fail "cargo is required (rustup)"
if ! command -v javac >/dev/null || ! command -v jar >/dev/null; then
  as_root apt-get update -qq && as_root apt-get install -y -qq openjdk-17-jdk-headless >/dev/null
fi
if [ ! -f /usr/share/java/jna.jar ]; then
  echo "installing JNA (apt libjna-java)"
  as_root apt-get update -qq && as_root apt-get install -y -qq libjna-java >/dev/null
fi
JNA=/usr/share/java/jna.jar
JUNIT=/usr/share/java/junit-platform-console-standalone.jar
JACKSON=/usr/share/java/jackson-databind.jar:/usr/share/java/jackson-core.jar:/usr/share/java/jackson-annotations.jar
if [ ! -f "$JUNIT" ] || [ ! -f /usr/share/java/jackson-databind.jar ]; then
  echo "installing JUnit 5 and Jackson (apt junit5 libjackson2-databind-java)"
  as_root apt-get update -qq && as_root apt-get install -y -qq junit5 libjackson2-databind-java >/dev/null
fi
if [ ! -x "$KOTLIN_HOME/bin/kotlinc-jvm" ]; then
  echo "installing the Kotlin compiler $KOTLIN_VERSION (npm kotlin-compiler)"
  command -v npm >/dev/null || fail "npm is required to fetch the Kotlin compiler"
  rm -rf "$ROOT/target/kotlin" && mkdir -p "$ROOT/target/kotlin"
  (cd "$ROOT/target/kotlin" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null \
    && tar xzf "kotlin-compiler-$KOTLIN_VERSION.tgz" && rm "kotlin-compiler-$KOTLIN_VERSION.tgz")
fi
KOTLINC=$KOTLIN_HOME/bin/kotlinc-jvm
# The product classes as scripts/dist/uniffi.sh compiles them: Kotlin 2.0 metadata and API, Java 11.
KOTLINC_FLAGS=(-nowarn -language-version 2.0 -api-version 2.0 -jvm-target 11)
STDLIB=$KOTLIN_HOME/lib/kotlin-stdlib.jar
command -v python3 >/dev/null || { as_root apt-get update -qq && as_root apt-get install -y -qq python3 >/dev/null; }

step "cargo builds (uniffi-bindgen once with the cli feature; the cdylibs; the sandbox)"
cargo build -q -p jenga-stk-uniffi-bindgen --features cli --bin uniffi-bindgen
cargo build -q -p jenga-stk-uniffi -p jenga-sandbox
# A cdylib's file name carries no feature hash: if anyone built the test-hooks
# feature into target/debug, rebuild so the product library never has the hook.
if grep -qa "$HOOK_SYMBOL" "target/debug/$LIB"; then
  touch bindings-uniffi/src/lib.rs && cargo build -q -p jenga-stk-uniffi
  grep -qa "$HOOK_SYMBOL" "target/debug/$LIB" && fail "the product library exports the test hook"
fi
CARGO_TARGET_DIR=$HOOKS_TARGET cargo build -q -p jenga-stk-uniffi --features test-hooks
grep -qa "$HOOK_SYMBOL" "$HOOKS_TARGET/debug/$LIB" || fail "the test-hooks library lacks its hook"
BINDGEN=$ROOT/target/debug/uniffi-bindgen

# ---------------------------------------------------------------- generate
step "generate Kotlin, Swift and Python (library mode)"
rm -rf "$OUT/gen" "$OUT/gen-test-hooks" && mkdir -p "$OUT/lib" "$OUT/lib-test-hooks"
cp "target/debug/$LIB" "$OUT/lib/$LIB"
cp "$HOOKS_TARGET/debug/$LIB" "$OUT/lib-test-hooks/$LIB"
"$BINDGEN" generate "$OUT/lib/$LIB" --language kotlin --language swift --language python \
  --no-format --out-dir "$OUT/gen" >/dev/null
"$BINDGEN" generate "$OUT/lib-test-hooks/$LIB" --language kotlin --no-format --out-dir "$OUT/gen-test-hooks" >/dev/null
mkdir -p "$OUT/swift" "$OUT/python"
cp "$OUT/gen/JengaStk.swift" "$OUT/gen/JengaStkFFI.h" "$OUT/gen/JengaStkFFI.modulemap" "$OUT/swift/"
cp "$OUT/gen/jenga_stk.py" "$OUT/lib/$LIB" "$OUT/python/"
KT=$OUT/gen/jenga/stk/jenga_stk.kt
KT_HOOKS=$OUT/gen-test-hooks/jenga/stk/jenga_stk.kt
grep -q "^package jenga.stk" "$KT" || fail "Kotlin package is not jenga.stk"
grep -q "internalTestPanic" "$KT" && fail "the product Kotlin bindings expose the test hook"
echo "kotlin: $KT"; echo "swift:  $OUT/swift/{JengaStk.swift,JengaStkFFI.h,JengaStkFFI.modulemap}"; echo "python: $OUT/python/jenga_stk.py"

# ---------------------------------------------------------------- jars
# The hand-written client (package jenga.stk.client), shipped in the jar next to the generated bindings.
CLIENT=(bindings-uniffi/kotlin/jenga/stk/client/*.kt)
# Builds a jar of the compiled bindings (+ the client) and the library at linux-x86-64/ (JNA's resource path).
build_jar() { # name, kotlin source, library, jar
  local name=$1 src=$2 lib=$3 jarfile=$4 classes=$OUT/classes-$1
  if changed "classes-$name" "$src" "${CLIENT[@]}" "$KOTLINC" "$0" || [ ! -d "$classes" ]; then
    rm -rf "$classes" && mkdir -p "$classes"
    "$KOTLINC" "${KOTLINC_FLAGS[@]}" -cp "$JNA" -d "$classes" "$src" "${CLIENT[@]}"
    stamped "classes-$name"
  fi
  rm -rf "$classes/linux-x86-64" && mkdir -p "$classes/linux-x86-64"
  cp "$lib" "$classes/linux-x86-64/$LIB"
  rm -f "$jarfile" && jar cf "$jarfile" -C "$classes" .
  jar tf "$jarfile" | grep -qx "linux-x86-64/$LIB" || fail "$jarfile lacks linux-x86-64/$LIB"
}
step "build the jar (generated bindings + the client jenga.stk.client + linux-x86-64/$LIB)"
JAR=$OUT/jenga-stk-kotlin.jar
build_jar product "$KT" "$OUT/lib/$LIB" "$JAR"
ls -l "$JAR"

# ---------------------------------------------------------------- README blocks
step "compile the READMEs' Kotlin blocks against the jar"
# Every ```kotlin block of both READMEs, each wrapped in its own function and file, the free
# names from readme-check/Prelude.kt, in ONE kotlinc run with the product's flags; a block whose
# first line is `// build.gradle.kts` is a build script: SKIPPED, and printed as such.
READMES=(bindings-uniffi/README.md README.md)
README_CHECK=(bindings-uniffi/readme-check/readme_kotlin.py bindings-uniffi/readme-check/Prelude.kt)
if changed readme-kotlin "${READMES[@]}" "${README_CHECK[@]}" "$KT" "${CLIENT[@]}" "$KOTLINC" "$0" \
    || [ ! -d "$OUT/readme-check/classes/readme" ]; then
  python3 bindings-uniffi/readme-check/readme_kotlin.py --kotlinc "$KOTLINC" --classpath "$JAR:$JNA" \
    --out "$OUT/readme-check" "${READMES[@]}" -- "${KOTLINC_FLAGS[@]}" \
    || fail "a README's Kotlin block does not compile against the jar (above: README, line, block)"
  stamped readme-kotlin
else
  echo "README Kotlin blocks: READMEs, prelude and API unchanged since the last successful check (stamp readme-kotlin): not recompiled"
fi

# ---------------------------------------------------------------- Kotlin tests
step "compile the Kotlin tests and run them on JUnit 5, against the jar"
# The tests, and the example shop they drive against the sandbox.
TESTS=(bindings-uniffi/tests/kotlin/*.kt bindings-uniffi/examples/kotlin/*.kt)
TEST_CLASSES=$OUT/test-classes
if changed kotlin-tests "${TESTS[@]}" "${CLIENT[@]}" "$KT" || [ ! -d "$TEST_CLASSES" ]; then
  rm -rf "$TEST_CLASSES" && mkdir -p "$TEST_CLASSES"
  "$KOTLINC" -nowarn -cp "$JAR:$JNA:$JUNIT:$JACKSON" -d "$TEST_CLASSES" "${TESTS[@]}"
  stamped kotlin-tests
fi
# Runs the JUnit console launcher: exit status 1 on any failed test, 2 when none ran.
junit() { # classpath, launcher arguments...
  local cp=$1; shift
  java -Djenga.root="$ROOT" -Djenga.sandbox="$ROOT/target/debug/jenga-sandbox" -jar "$JUNIT" \
    --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests --class-path "$cp" "$@"
}
# No jna.library.path: JNA must load the library from the jar.
selection=(--scan-class-path "$TEST_CLASSES" --include-classname '.*Test')
if [ $# -gt 0 ]; then selection=("$@"); fi
junit "$JAR:$TEST_CLASSES:$JNA:$STDLIB:$JACKSON" --reports-dir "$OUT/junit" "${selection[@]}" \
  || fail "Kotlin tests failed (reports: $OUT/junit)"

step "panic test (test-hooks library, its own jar)"
HOOKS_JAR=$OUT/jenga-stk-kotlin-test-hooks.jar
build_jar test-hooks "$KT_HOOKS" "$OUT/lib-test-hooks/$LIB" "$HOOKS_JAR"
PANIC_CLASSES=$OUT/panic-classes
if changed panic-test bindings-uniffi/tests/kotlin-panic/PanicTest.kt "$KT_HOOKS" || [ ! -d "$PANIC_CLASSES" ]; then
  rm -rf "$PANIC_CLASSES" && mkdir -p "$PANIC_CLASSES"
  "$KOTLINC" -nowarn -cp "$HOOKS_JAR:$JNA:$JUNIT" -d "$PANIC_CLASSES" bindings-uniffi/tests/kotlin-panic/PanicTest.kt
  stamped panic-test
fi
# The panics' messages go to stderr (uniffi logs them): kept in a file, shown on failure.
junit "$HOOKS_JAR:$PANIC_CLASSES:$JNA:$STDLIB" --select-class jenga.stk.tests.panic.PanicTest 2>"$OUT/panic-stderr.txt" \
  || { cat "$OUT/panic-stderr.txt" >&2; fail "panic test failed"; }

# ---------------------------------------------------------------- Python cross-check
step "uniffi-Python cross-check (the Python product is the pyo3 wheel, not this)"
python3 bindings-uniffi/tests/python/cross_check.py "$ROOT" "$OUT/python"

# ---------------------------------------------------------------- Swift
step "Swift"
# The generated C header must at least be valid C (gcc needs clang's nullability keywords defined away).
if command -v gcc >/dev/null; then
  gcc -fsyntax-only -Wno-pragma-once-outside-header -D_Nullable= -D_Nonnull= -x c "$OUT/swift/JengaStkFFI.h" && echo "JengaStkFFI.h: valid C (gcc -fsyntax-only)"
fi
if command -v swiftc >/dev/null; then
  swiftc -O -I "$OUT/swift" -Xcc "-fmodule-map-file=$OUT/swift/JengaStkFFI.modulemap" \
    -L "$OUT/lib" -ljenga_stk_uniffi -module-name JengaStkExample \
    "$OUT/swift/JengaStk.swift" examples/swift/main.swift -o "$OUT/swift/example"
  LD_LIBRARY_PATH="$OUT/lib" DYLD_LIBRARY_PATH="$OUT/lib" "$OUT/swift/example" "$ROOT"
else
  echo "SKIPPED: Swift example not compiled or run: no swiftc on this machine (Swift sources, header and module map were generated into $OUT/swift)"
fi

echo
echo "uniffi.sh: all checks passed ($((SECONDS - started))s)"
