#!/usr/bin/env bash
# The Kotlin/JVM and Swift artifacts of bindings-uniffi/, for `make dist`:
#
#   dist/maven/   a local Maven repository holding io.github.jenga-stk:jenga-stk-kotlin:<version>:
#                 the jar (generated bindings + the client jenga.stk.client + the native
#                 library at JNA's resource paths linux-x86-64/ and linux-aarch64/), the
#                 sources jar, the POM (dependencies: JNA, kotlin-stdlib), maven-metadata.xml,
#                 and a .sha1 and .md5 beside every file
#   dist/swift/JengaStk/   a SwiftPM package (the layout of /work/shared/TOOLCHAIN.md,
#                 "Swift on Linux"): Package.swift, Sources/JengaStkFFI (header + module map
#                 with the link line), Sources/JengaStk (generated), Tests/JengaStkTests
#                 (XCTest), and lib/linux-<arch>/libjenga_stk_uniffi.a to link with
#
# The native libraries are built with cargo-zigbuild (zig as the linker, from PyPI)
# against glibc 2.17, so they load on every glibc Linux of the last decade (Ubuntu
# 20.04, Debian 11, RHEL 8, Amazon Linux 2), for x86_64 and aarch64.
#
# Checks, as each ecosystem would (any failure exits non-zero):
#   - each library: its architecture, glibc 2.17 at most, the same exported uniffi
#     symbols on both architectures, no test hook; both run (a C program over the
#     generated header; aarch64 under qemu-user) and give the same bytes;
#   - the jar: classes and both libraries at JNA's paths; every checksum;
#   - Maven: a scratch consumer project (Java) resolves the artifact from dist/maven
#     and its declared dependencies (JNA from Debian's Maven repository, kotlin-stdlib
#     from a throwaway repository holding the Kotlin compiler's own stdlib jar) with
#     `mvn -o`, checksums enforced, then runs a class that validates a push,
#     diagnoses a signature and calls the client's queryStatus (a closed port:
#     JengaException.Transport) through the library loaded from the jar;
#   - Swift: the header is valid C; `swift build && swift test` where swiftc exists,
#     SKIPPED (said loudly) where it does not.
# Idempotent; installs what it needs (apt: JDK, JNA, maven and four Debian Maven
# plugins, qemu-user and the arm64 libc; npm: the Kotlin compiler; PyPI: cargo-zigbuild and ziglang; rustup: the
# two Linux targets).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
log() { printf '[dist/uniffi] %s\n' "$*"; }
fail() { printf '[dist/uniffi] FAILED: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() { as_root apt-get update -qq && as_root apt-get install -y -qq "$@" >/dev/null; }

VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
[ -n "$VERSION" ] || fail "no workspace version in Cargo.toml"
GROUP=io.github.jenga-stk
ARTIFACT=jenga-stk-kotlin
KOTLIN_VERSION=2.4.20
JNA_VERSION=5.13.0 # Debian bookworm's libjna-java, the JNA the tests run against
LIB=libjenga_stk_uniffi.so
HOOK_SYMBOL=uniffi_jenga_stk_uniffi_fn_func_internal_test_panic
WORK=$ROOT/target/uniffi-dist
KOTLIN_HOME=$ROOT/target/kotlin/package
# Kotlin 2.0 metadata and API: usable from Kotlin 2.0 and later, and from Java 11 and later.
KOTLINC_FLAGS=(-nowarn -language-version 2.0 -api-version 2.0 -jvm-target 11)
mkdir -p "$WORK"

# ---------------------------------------------------------------- tools
command -v cargo >/dev/null || fail "cargo is required (rustup)"
command -v javac >/dev/null && command -v jar >/dev/null || apt_install openjdk-17-jdk-headless
[ -f /usr/share/java/jna.jar ] || apt_install libjna-java
command -v mvn >/dev/null || apt_install maven
# The Maven plugins the consumer check runs, as Debian packages them (into /usr/share/maven-repo).
plugins=(maven-resources-plugin/3.3.0 maven-compiler-plugin/3.10.1 maven-dependency-plugin/3.5.0)
for p in "${plugins[@]}"; do
  [ -d "/usr/share/maven-repo/org/apache/maven/plugins/$p" ] || { apt_install libmaven-resources-plugin-java \
    libmaven-compiler-plugin-java libmaven-dependency-plugin-java libexec-maven-plugin-java; break; }
done
[ -d /usr/share/maven-repo/org/codehaus/mojo/exec-maven-plugin/3.1.0 ] || apt_install libexec-maven-plugin-java
[ -f "/usr/share/maven-repo/net/java/dev/jna/jna/$JNA_VERSION/jna-$JNA_VERSION.pom" ] \
  || fail "Debian's JNA is not $JNA_VERSION: update JNA_VERSION"
command -v python3 >/dev/null || apt_install python3 python3-venv
if [ ! -x "$KOTLIN_HOME/bin/kotlinc-jvm" ]; then
  log "installing the Kotlin compiler $KOTLIN_VERSION (npm kotlin-compiler)"
  rm -rf "$ROOT/target/kotlin" && mkdir -p "$ROOT/target/kotlin"
  (cd "$ROOT/target/kotlin" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null \
    && tar xzf "kotlin-compiler-$KOTLIN_VERSION.tgz" && rm "kotlin-compiler-$KOTLIN_VERSION.tgz")
fi
KOTLINC=$KOTLIN_HOME/bin/kotlinc-jvm
STDLIB=$KOTLIN_HOME/lib/kotlin-stdlib.jar
STDLIB_VERSION=$(unzip -p "$STDLIB" META-INF/MANIFEST.MF | sed -n 's/^Implementation-Version: *\([^[:space:]]*\).*/\1/p')
[ -n "$STDLIB_VERSION" ] || fail "no Implementation-Version in $STDLIB"
TOOLS=$WORK/tools
if [ ! -x "$TOOLS/bin/cargo-zigbuild" ] || [ ! -x "$TOOLS/bin/python-zig" ]; then
  log "installing cargo-zigbuild and ziglang (PyPI) into $TOOLS"
  rm -rf "$TOOLS" && python3 -m venv "$TOOLS"
  "$TOOLS/bin/pip" install -q --disable-pip-version-check "cargo-zigbuild==0.24.*" "ziglang==0.17.*"
fi
export PATH="$TOOLS/bin:$PATH"
TARGETS=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu)
rustup target list --installed | grep -qx aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu

# ---------------------------------------------------------------- native libraries
# cdylib (the jar) and staticlib (SwiftPM) in one build per target, linked by zig against glibc 2.17.
for t in "${TARGETS[@]}"; do
  log "cargo zigbuild: $t (glibc 2.17)"
  cargo-zigbuild rustc -q --release -p jenga-stk-uniffi --lib --target "$t.2.17" --crate-type cdylib,staticlib
done
so() { echo "target/$1/release/$LIB"; }
arch_of() { readelf -h "$1" | sed -n 's/^ *Machine: *//p'; }
exports() { readelf --dyn-syms --wide "$1" | awk '$7 != "UND" && $8 ~ /^(uniffi_|ffi_jenga)/ {print $8}' | sort -u; }
[ "$(arch_of "$(so x86_64-unknown-linux-gnu)")" = "Advanced Micro Devices X86-64" ] || fail "the x86_64 library is $(arch_of "$(so x86_64-unknown-linux-gnu)")"
[ "$(arch_of "$(so aarch64-unknown-linux-gnu)")" = "AArch64" ] || fail "the aarch64 library is $(arch_of "$(so aarch64-unknown-linux-gnu)")"
for t in "${TARGETS[@]}"; do
  newest=$(readelf --dyn-syms --wide "$(so "$t")" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
  [ "$(printf '%s\n2.17\n' "$newest" | sort -V | tail -1)" = 2.17 ] || fail "$t needs glibc $newest (more than 2.17)"
  ! grep -qa "$HOOK_SYMBOL" "$(so "$t")" || fail "$t exports the test hook"
  log "$t: $(arch_of "$(so "$t")"), glibc $newest at most, $(exports "$(so "$t")" | wc -l) uniffi symbols, $(du -k "$(so "$t")" | cut -f1) KB"
done
diff <(exports "$(so x86_64-unknown-linux-gnu)") <(exports "$(so aarch64-unknown-linux-gnu)") >/dev/null \
  || fail "x86_64 and aarch64 export different uniffi symbols"

# ---------------------------------------------------------------- bindings
# From the static library of the same build: zig's linker leaves no symbol table in the .so,
# where uniffi's library mode looks for the API's metadata.
log "generating Kotlin and Swift (library mode, from the x86_64 release build's static library)"
cargo build -q -p jenga-stk-uniffi-bindgen --features cli --bin uniffi-bindgen
rm -rf "$WORK/gen" && mkdir -p "$WORK/gen"
target/debug/uniffi-bindgen generate "target/x86_64-unknown-linux-gnu/release/${LIB%.so}.a" --language kotlin --language swift \
  --no-format --out-dir "$WORK/gen" >/dev/null
KT=$WORK/gen/jenga/stk/jenga_stk.kt
grep -q "^package jenga.stk" "$KT" || fail "the Kotlin package is not jenga.stk"
! grep -q internalTestPanic "$KT" || fail "the Kotlin bindings expose the test hook"

# Both libraries run: a C program over the generated header calls into each (x86_64
# natively, aarch64 under qemu-user with Debian's arm64 libc) and must print the same
# bytes: the contract version, the default RetryPolicy as serialized by Rust, checksums.
command -v qemu-aarch64 >/dev/null && [ -f /usr/aarch64-linux-gnu/lib/libc.so.6 ] || apt_install qemu-user libc6-arm64-cross
cat > "$WORK/runs.c" <<'EOF'
#include <stdio.h>
#include "JengaStkFFI.h"
int main(void) {
    RustCallStatus status = {0};
    RustBuffer policy = uniffi_jenga_stk_uniffi_fn_func_default_retry_policy(&status);
    if (status.code != 0) return 1;
    printf("contract %u, defaultRetryPolicy ", ffi_jenga_stk_uniffi_uniffi_contract_version());
    for (uint64_t i = 0; i < policy.len; i++) printf("%02x", policy.data[i]);
    ffi_jenga_stk_uniffi_rustbuffer_free(policy, &status);
    printf(", checksums %u %u\n", uniffi_jenga_stk_uniffi_checksum_func_classify_init_response(),
           uniffi_jenga_stk_uniffi_checksum_method_paymentflow_handle_response());
    return status.code;
}
EOF
ran=()
for t in "${TARGETS[@]}"; do
  arch=${t%%-*}
  mkdir -p "$WORK/runs-$arch" && cp "$(so "$t")" "$WORK/runs-$arch/"
  python-zig cc -target "$arch-linux-gnu.2.17" -D_Nullable= -D_Nonnull= -I "$WORK/gen" "$WORK/runs.c" \
    "$WORK/runs-$arch/$LIB" -Wl,-rpath,'$ORIGIN' -o "$WORK/runs-$arch/runs"
  if [ "$arch" = "$(uname -m)" ]; then
    out=$("$WORK/runs-$arch/runs") || fail "the $arch library does not run"
  else
    out=$(QEMU_LD_PREFIX="/usr/$arch-linux-gnu" "qemu-$arch" "$WORK/runs-$arch/runs") || fail "the $arch library does not run (qemu-$arch)"
  fi
  ran+=("$out")
done
[ "${ran[0]}" = "${ran[1]}" ] || fail "the libraries disagree: ${ran[*]}"
log "both libraries run (aarch64 under qemu-user) and agree: ${ran[0]}"

# ---------------------------------------------------------------- the jar
CLIENT=(bindings-uniffi/kotlin/jenga/stk/client/*.kt)
CLASSES=$WORK/classes
log "kotlinc ${KOTLINC_FLAGS[*]}: the generated bindings and the client"
rm -rf "$CLASSES" && mkdir -p "$CLASSES/META-INF"
"$KOTLINC" "${KOTLINC_FLAGS[@]}" -cp /usr/share/java/jna.jar -d "$CLASSES" "$KT" "${CLIENT[@]}"
mkdir -p "$CLASSES/linux-x86-64" "$CLASSES/linux-aarch64"
cp "$(so x86_64-unknown-linux-gnu)" "$CLASSES/linux-x86-64/$LIB"
cp "$(so aarch64-unknown-linux-gnu)" "$CLASSES/linux-aarch64/$LIB"
cp LICENSE LICENSE-MIT LICENSE-APACHE "$CLASSES/META-INF/"

REPO=$ROOT/dist/maven
DIR=$REPO/${GROUP//.//}/$ARTIFACT
VDIR=$DIR/$VERSION
BASE=$VDIR/$ARTIFACT-$VERSION
rm -rf "$DIR" && mkdir -p "$VDIR"

cat > "$BASE.pom" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>$GROUP</groupId>
  <artifactId>$ARTIFACT</artifactId>
  <version>$VERSION</version>
  <packaging>jar</packaging>
  <name>jenga-stk for Kotlin and Java</name>
  <description>Jenga (Finserve / Equity Bank) M-Pesa STK push for JVM servers (Ktor, Spring, ...): exact request bytes and signatures, typed answers, the payment flow and a java.net.http client. Native library inside for linux-x86-64 and linux-aarch64 (glibc 2.17 and later).</description>
  <url>https://github.com/jenga-stk/jenga-stk</url>
  <licenses>
    <license><name>MIT</name><url>https://opensource.org/licenses/MIT</url></license>
    <license><name>Apache-2.0</name><url>https://www.apache.org/licenses/LICENSE-2.0</url></license>
  </licenses>
  <developers>
    <developer><name>jenga-stk developers</name></developer>
  </developers>
  <scm>
    <url>https://github.com/jenga-stk/jenga-stk</url>
    <connection>scm:git:https://github.com/jenga-stk/jenga-stk.git</connection>
  </scm>
  <dependencies>
    <dependency>
      <groupId>net.java.dev.jna</groupId>
      <artifactId>jna</artifactId>
      <version>$JNA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.jetbrains.kotlin</groupId>
      <artifactId>kotlin-stdlib</artifactId>
      <version>$STDLIB_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
mkdir -p "$CLASSES/META-INF/maven/$GROUP/$ARTIFACT"
cp "$BASE.pom" "$CLASSES/META-INF/maven/$GROUP/$ARTIFACT/pom.xml"
printf 'groupId=%s\nartifactId=%s\nversion=%s\n' "$GROUP" "$ARTIFACT" "$VERSION" > "$CLASSES/META-INF/maven/$GROUP/$ARTIFACT/pom.properties"
printf 'Automatic-Module-Name: jenga.stk\nImplementation-Title: %s\nImplementation-Version: %s\n' "$ARTIFACT" "$VERSION" > "$WORK/manifest.txt"
(cd "$CLASSES" && jar cfm "$BASE.jar" "$WORK/manifest.txt" .)
SOURCES=$WORK/sources
rm -rf "$SOURCES" && mkdir -p "$SOURCES/jenga/stk/client" "$SOURCES/META-INF"
cp "$KT" "$SOURCES/jenga/stk/" && cp "${CLIENT[@]}" "$SOURCES/jenga/stk/client/" && cp LICENSE LICENSE-MIT LICENSE-APACHE "$SOURCES/META-INF/"
(cd "$SOURCES" && jar cf "$BASE-sources.jar" .)

now=$(date -u +%Y%m%d%H%M%S)
cat > "$DIR/maven-metadata.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>$GROUP</groupId>
  <artifactId>$ARTIFACT</artifactId>
  <versioning>
    <latest>$VERSION</latest>
    <release>$VERSION</release>
    <versions>
      <version>$VERSION</version>
    </versions>
    <lastUpdated>$now</lastUpdated>
  </versioning>
</metadata>
EOF
checksums() { # files...: writes f.sha1 and f.md5 (the hex digest alone, as Maven does)
  local f
  for f in "$@"; do
    sha1sum "$f" | cut -d' ' -f1 | tr -d '\n' > "$f.sha1"
    md5sum "$f" | cut -d' ' -f1 | tr -d '\n' > "$f.md5"
  done
}
checksums "$BASE.jar" "$BASE-sources.jar" "$BASE.pom" "$DIR/maven-metadata.xml"

# The jar holds what JNA and the JVM need, and every checksum is right.
listing=$(jar tf "$BASE.jar")
for entry in "linux-x86-64/$LIB" "linux-aarch64/$LIB" jenga/stk/PaymentFlow.class jenga/stk/client/JengaClient.class \
  "META-INF/maven/$GROUP/$ARTIFACT/pom.xml" META-INF/LICENSE-APACHE; do
  grep -qx "$entry" <<<"$listing" || fail "$BASE.jar lacks $entry"
done
grep -q '^jenga/stk/client/JengaClient.kt$' <<<"$(jar tf "$BASE-sources.jar")" || fail "the sources jar lacks the client"
for f in "$BASE.jar" "$BASE-sources.jar" "$BASE.pom" "$DIR/maven-metadata.xml"; do
  [ "$(sha1sum "$f" | cut -d' ' -f1)" = "$(cat "$f.sha1")" ] && [ "$(md5sum "$f" | cut -d' ' -f1)" = "$(cat "$f.md5")" ] \
    || fail "checksum of $f"
done
python3 -c 'import sys, xml.dom.minidom as m; [m.parse(f) for f in sys.argv[1:]]' "$BASE.pom" "$DIR/maven-metadata.xml" \
  || fail "the POM or the metadata is not well-formed XML"
log "dist/maven: $(cd "$REPO" && find . -type f | sort | tr '\n' ' ')"

# ---------------------------------------------------------------- Maven consumer (offline)
# A throwaway repository for kotlin-stdlib (Maven Central is out of reach): the
# compiler's own stdlib jar under its real coordinates, with a POM and checksums.
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
THROWAWAY=$SCRATCH/throwaway-repo
SD=$THROWAWAY/org/jetbrains/kotlin/kotlin-stdlib/$STDLIB_VERSION
mkdir -p "$SD"
cp "$STDLIB" "$SD/kotlin-stdlib-$STDLIB_VERSION.jar"
cat > "$SD/kotlin-stdlib-$STDLIB_VERSION.pom" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.jetbrains.kotlin</groupId>
  <artifactId>kotlin-stdlib</artifactId>
  <version>$STDLIB_VERSION</version>
</project>
EOF
checksums "$SD/kotlin-stdlib-$STDLIB_VERSION.jar" "$SD/kotlin-stdlib-$STDLIB_VERSION.pom"

# The consumer uses the README's lines as written: a clone of this repository in jenga-stk/.
CONSUMER=$SCRATCH/consumer
mkdir -p "$CONSUMER/src/main/java/example"
ln -s "$ROOT" "$CONSUMER/jenga-stk"
cat > "$CONSUMER/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>shop</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <repositories>
    <repository>
      <id>jenga-stk</id><url>file://\${project.basedir}/jenga-stk/dist/maven</url>
      <releases><checksumPolicy>fail</checksumPolicy></releases>
    </repository>
    <repository>
      <id>throwaway</id><url>file://$THROWAWAY</url>
      <releases><checksumPolicy>fail</checksumPolicy></releases>
    </repository>
    <repository><id>debian</id><url>file:///usr/share/maven-repo</url></repository>
  </repositories>
  <pluginRepositories>
    <pluginRepository><id>debian</id><url>file:///usr/share/maven-repo</url></pluginRepository>
  </pluginRepositories>
  <dependencies>
    <dependency>
      <groupId>$GROUP</groupId>
      <artifactId>$ARTIFACT</artifactId>
      <version>$VERSION</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.0</version></plugin>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.10.1</version></plugin>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>3.5.0</version></plugin>
      <plugin><groupId>org.codehaus.mojo</groupId><artifactId>exec-maven-plugin</artifactId><version>3.1.0</version></plugin>
    </plugins>
  </build>
</project>
EOF
cat > "$CONSUMER/src/main/java/example/Check.java" <<'EOF'
package example;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jenga.stk.Diagnosis;
import jenga.stk.JengaException;
import jenga.stk.Jenga_stkKt;
import jenga.stk.RequestOptions;
import jenga.stk.SignedStkPush;
import jenga.stk.Signer;
import jenga.stk.StkPush;
import jenga.stk.client.JengaClient;

/** A user's first contact, from Java: validate a push, sign it, diagnose a signature, query a status. */
public class Check {
    public static void main(String[] args) throws Exception {
        String keys = args[0];
        String priv = Files.readString(Path.of(keys, "test-pkcs1-2048.pem"));
        String pub = Files.readString(Path.of(keys, "test-pkcs1-2048.pub.pem"));
        RequestOptions options = Jenga_stkKt.requestOptionsFromJson("{}");
        String page = "{\"order\":{\"orderReference\":\"OR28922980077\",\"orderAmount\":2,\"orderCurrency\":\"KES\",\"countryCode\":\"KE\",\"description\":\"Purchase\"},"
            + "\"customer\":{\"name\":\"John Doe\",\"email\":\"xyx2@gmail.com\",\"phoneNumber\":\"0722000111\",\"identityNumber\":\"0000000\"},"
            + "\"payment\":{\"paymentReference\":\"MKQR28922980073\",\"paymentCurrency\":\"KES\",\"callbackUrl\":\"https://shop.example.com/cb\","
            + "\"details\":{\"msisdn\":\"0722000000\",\"paymentAmount\":2}}}";
        try {
            StkPush.Companion.fromJson(page.replace("\"paymentAmount\":2", "\"paymentAmount\":2.5"), options);
            throw new AssertionError("a fractional amount was accepted as whole units");
        } catch (JengaException.Validation e) {
            if (!e.getProblems().get(0).getCode().equals("amount_not_whole")) throw new AssertionError(e.getProblems().toString());
            System.out.println("validation: " + e.getProblems().get(0).getField() + " " + e.getProblems().get(0).getCode());
        }
        StkPush push = StkPush.Companion.fromJson(page, options);
        if (!push.signingString().equals("OR28922980077KES07220000002")) throw new AssertionError(push.signingString());
        SignedStkPush signed = push.sign(new Signer(priv));
        byte[] body = push.body().getBytes(StandardCharsets.UTF_8);
        Diagnosis good = Jenga_stkKt.diagnoseSignature(body, signed.signature().getBytes(StandardCharsets.UTF_8), pub, null);
        Diagnosis bad = Jenga_stkKt.diagnoseSignature(body, "not base64!".getBytes(StandardCharsets.UTF_8), pub, null);
        if (!good.getOk() || bad.getOk()) throw new AssertionError(good + " / " + bad);
        System.out.println("doctor: good signature ok, bad one " + bad.getFindings().get(0).getCode().name().toLowerCase());
        // The client from Java: a status query where nothing listens is JengaException.Transport.
        try (JengaClient client = JengaClient.builder().environment("http://127.0.0.1:1")
                .credentials("key", "0000000000", "secret").privateKey(priv).callbackUrl("https://shop.example.com/cb").build()) {
            client.queryStatus("OR28922980077");
            throw new AssertionError("an answer from a closed port");
        } catch (JengaException.Transport e) {
            System.out.println("queryStatus: " + e.getCode() + " " + e.getFailure().name().toLowerCase());
        }
        System.out.println("native library: " + System.getProperty("os.arch") + ", loaded from the jar");
    }
}
EOF
log "mvn -o: a scratch Java project resolves $GROUP:$ARTIFACT:$VERSION from dist/maven and runs it"
mvn_o() { (cd "$CONSUMER" && mvn -o -B -q -Dmaven.repo.local="$SCRATCH/m2" -Daether.offline.protocols=file "$@"); }
# -Daether.offline.protocols=file: offline, yet file:// repositories (dist/maven, the throwaway
# and Debian's) are read; no network is touched.
mvn_o compile dependency:build-classpath -Dmdep.outputFile=classpath.txt >"$SCRATCH/mvn.log" 2>&1 \
  || { cat "$SCRATCH/mvn.log" >&2; fail "mvn could not resolve or compile against the artifact"; }
resolved=$(tr ':' '\n' < "$CONSUMER/classpath.txt" | sed "s|$SCRATCH/m2/||" | sort)
expected=$(printf '%s\n' "${GROUP//.//}/$ARTIFACT/$VERSION/$ARTIFACT-$VERSION.jar" \
  "net/java/dev/jna/jna/$JNA_VERSION/jna-$JNA_VERSION.jar" \
  "org/jetbrains/kotlin/kotlin-stdlib/$STDLIB_VERSION/kotlin-stdlib-$STDLIB_VERSION.jar" | sort)
[ "$resolved" = "$expected" ] || fail "resolved classpath: $resolved (expected $expected)"
cmp -s "$SCRATCH/m2/${GROUP//.//}/$ARTIFACT/$VERSION/$ARTIFACT-$VERSION.jar" "$BASE.jar" || fail "the resolved jar is not dist/maven's"
log "resolved: $(echo $resolved)"
output=$(mvn_o exec:exec -Dexec.executable=java -Dexec.args="-cp %classpath example.Check $ROOT/tests/keys" 2>&1) \
  || { echo "$output" >&2; fail "the consumer failed"; }
echo "$output" | sed 's/\x1b\[[0-9;]*m//g' | grep -v '^$' | sed 's/^/[dist\/uniffi]   /'
grep -q "doctor: good signature ok, bad one not_base64" <<<"$output" || fail "the consumer did not diagnose"
grep -q "queryStatus: transport_failed connect_failed" <<<"$output" || fail "the consumer's status query did not fail as transport_failed"
log "Gradle: not run (no Gradle offline); its lines read the same repository: maven { url = uri(\"jenga-stk/dist/maven\") }"

# ---------------------------------------------------------------- Swift package
PKG=$ROOT/dist/swift/JengaStk
log "SwiftPM package: dist/swift/JengaStk"
rm -rf "$PKG" && mkdir -p "$PKG/Sources/JengaStkFFI" "$PKG/Sources/JengaStk" "$PKG/Tests/JengaStkTests" \
  "$PKG/lib/linux-x86_64" "$PKG/lib/linux-aarch64"
cp "$WORK/gen/JengaStkFFI.h" "$PKG/Sources/JengaStkFFI/"
printf 'module JengaStkFFI {\n    header "JengaStkFFI.h"\n    link "jenga_stk_uniffi"\n    export *\n}\n' \
  > "$PKG/Sources/JengaStkFFI/module.modulemap"
cp "$WORK/gen/JengaStk.swift" "$PKG/Sources/JengaStk/"
cp bindings-uniffi/tests/swift/JengaStkTests.swift "$PKG/Tests/JengaStkTests/"
cp "target/x86_64-unknown-linux-gnu/release/libjenga_stk_uniffi.a" "$PKG/lib/linux-x86_64/"
cp "target/aarch64-unknown-linux-gnu/release/libjenga_stk_uniffi.a" "$PKG/lib/linux-aarch64/"
cp LICENSE LICENSE-MIT LICENSE-APACHE "$PKG/"
cat > "$PKG/Package.swift" <<'EOF'
// swift-tools-version:5.9
// jenga-stk for Swift on Linux servers (Vapor, Hummingbird, ...). Link with the
// static library for your machine: LIBRARY_PATH=$PWD/lib/linux-$(uname -m) swift build
import PackageDescription

let package = Package(
    name: "JengaStk",
    products: [
        .library(name: "JengaStk", targets: ["JengaStk"]),
    ],
    targets: [
        .systemLibrary(name: "JengaStkFFI", path: "Sources/JengaStkFFI"),
        .target(name: "JengaStk", dependencies: ["JengaStkFFI"]),
        .testTarget(name: "JengaStkTests", dependencies: ["JengaStk"]),
    ]
)
EOF
cat > "$PKG/README.md" <<EOF
# JengaStk $VERSION (SwiftPM, Linux)

The Swift bindings of jenga-stk (generated by uniffi) for Swift on Linux servers.
Build and test with the static library for your machine:

    LIBRARY_PATH=\$PWD/lib/linux-\$(uname -m) swift build
    LIBRARY_PATH=\$PWD/lib/linux-\$(uname -m) swift test

Depend on it from another package with \`.package(path: "<this folder>")\` and
\`.product(name: "JengaStk", package: "JengaStk")\`, building with the same LIBRARY_PATH.
Apple platforms need an XCFramework built on macOS: not provided.
The merchant's private key, consumer secret and IPN password belong on the
merchant's server, never in an app.
EOF
grep -q '^// swift-tools-version:5.9$' "$PKG/Package.swift" || fail "Package.swift tools version"
grep -q 'link "jenga_stk_uniffi"' "$PKG/Sources/JengaStkFFI/module.modulemap" || fail "the module map lacks its link line"
grep -q '^import JengaStkFFI' "$PKG/Sources/JengaStk/JengaStk.swift" || grep -q 'canImport(JengaStkFFI)' "$PKG/Sources/JengaStk/JengaStk.swift" \
  || fail "JengaStk.swift does not import JengaStkFFI"
if command -v gcc >/dev/null; then
  gcc -fsyntax-only -D_Nullable= -D_Nonnull= -x c "$PKG/Sources/JengaStkFFI/JengaStkFFI.h" 2>/dev/null \
    || fail "JengaStkFFI.h is not valid C"
  log "JengaStkFFI.h: valid C (gcc -fsyntax-only)"
fi
for a in x86_64 aarch64; do
  ar t "$PKG/lib/linux-$a/libjenga_stk_uniffi.a" >/dev/null || fail "lib/linux-$a/libjenga_stk_uniffi.a is not an archive"
done
if command -v swift >/dev/null; then
  log "swift build && swift test (LIBRARY_PATH=lib/linux-$(uname -m))"
  (cd "$PKG" && LIBRARY_PATH="$PKG/lib/linux-$(uname -m)" swift build && LIBRARY_PATH="$PKG/lib/linux-$(uname -m)" swift test) \
    || fail "swift build / swift test"
else
  log "SKIPPED: swift build && swift test: no Swift toolchain on this machine. The package is laid out"
  log "SKIPPED: as built and tested with Swift 6.3.1 on Linux (TOOLCHAIN.md); run those two commands there."
fi
log "dist/swift: $(cd "$ROOT/dist/swift" && find . -type f | sort | tr '\n' ' ')"
log "all checks passed"
