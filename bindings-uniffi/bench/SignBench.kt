// Signing speed of the uniffi library from Kotlin next to java.security (SHA256withRSA).
// Run by scripts/uniffi-bench.sh (`make bench-kotlin`):
//   java -cp <classes>:<jna>:<kotlin-stdlib> jenga.stk.bench.SignBenchKt <repo root>
// Both sign the page example's signing string with tests/keys/test-pkcs8-2048.pem,
// loaded once. Rounds alternate the signers (medians reported); identical bytes are
// checked first. BENCH_SECONDS (per round, default 2), BENCH_ROUNDS (default 5).
package jenga.stk.bench

import jenga.stk.Signer
import jenga.stk.signerBackend
import jenga.stk.signerIsConstantTime
import java.io.File
import java.security.KeyFactory
import java.security.spec.PKCS8EncodedKeySpec
import java.util.Base64
import kotlin.system.exitProcess

private val seconds = (System.getenv("BENCH_SECONDS") ?: "2").toDouble()
private val rounds = (System.getenv("BENCH_ROUNDS") ?: "5").toInt()
private val message = "OR28922980077KES07220000002".toByteArray()

private fun rate(sign: () -> Unit): Double {
    var count = 0
    val start = System.nanoTime()
    val deadline = start + (seconds * 1e9).toLong()
    while (true) {
        repeat(20) { sign() }
        count += 20
        val now = System.nanoTime()
        if (now >= deadline) return count / ((now - start) / 1e9)
    }
}

private fun median(xs: List<Double>): Double = xs.sorted().let { s ->
    if (s.size % 2 == 1) s[s.size / 2] else (s[s.size / 2 - 1] + s[s.size / 2]) / 2
}

fun main(args: Array<String>) {
    val root = File(args.getOrNull(0) ?: ".")
    val pem = File(root, "tests/keys/test-pkcs8-2048.pem").readText()
    val ours = Signer(pem)
    val key = KeyFactory.getInstance("RSA").generatePrivate(PKCS8EncodedKeySpec(ours.pkcs8Der()))
    val jdk = java.security.Signature.getInstance("SHA256withRSA")
    jdk.initSign(key)
    fun jdkSign(): ByteArray {
        jdk.update(message)
        return jdk.sign()
    }
    val want = Base64.getEncoder().encodeToString(jdkSign())
    if (ours.sign(message) != want) {
        System.err.println("jenga-stk and java.security signatures differ")
        exitProcess(1)
    }
    // JIT warm-up for both, untimed.
    repeat(200) { jdkSign(); ours.sign(message) }

    val signers = linkedMapOf<String, () -> Unit>(
        "java.security" to { jdkSign() },
        "jenga-stk" to { ours.sign(message) },
    )
    val results = signers.keys.associateWith { mutableListOf<Double>() }
    repeat(rounds) { signers.forEach { (name, sign) -> results.getValue(name).add(rate(sign)) } }

    val base = median(results.getValue("java.security"))
    println("Java ${System.getProperty("java.version")} (${System.getProperty("java.vm.name")}), " +
        "provider ${jdk.provider.name}; jenga-stk signer backend: ${signerBackend()}, constant-time: ${signerIsConstantTime()}")
    println("$rounds rounds of ${seconds}s, alternating; identical signatures checked first")
    println("| signer | signatures/s (median) | rounds | vs java.security |")
    println("|---|---:|---|---:|")
    val labels = mapOf(
        "java.security" to "`java.security.Signature` SHA256withRSA (${jdk.provider.name}), key pre-loaded",
        "jenga-stk" to "`jenga.stk.Signer.sign` (uniffi library, backend `${signerBackend()}`)",
    )
    results.forEach { (name, rates) ->
        val m = median(rates)
        println("| ${labels[name]} | ${"%,.0f".format(m)} | ${rates.joinToString(", ") { "%,.0f".format(it) }} | ${"%.2f".format(m / base)} |")
    }
}
