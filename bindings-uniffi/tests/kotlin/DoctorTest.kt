// The signature doctor (tests/vectors/signature_doctor.json) through the
// Kotlin binding, mirroring core/tests/diagnose.rs: ok, the finding codes in
// order, the signed text and both fingerprints; every finding code has a
// vector; unusable inputs are typed errors; no private key material is shown.
package jenga.stk.tests

import jenga.stk.*
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import java.io.File
import java.util.Base64

class DoctorTest : Covered() {
    private val v = Fixtures
    private val root = Fixtures.root
    private fun header(input: Map<String, Any?>): ByteArray {
        val text = input.so("signature")
        val bytes = input.so("signatureBytesBase64")
        assertTrue((text == null) != (bytes == null)) { "a case has exactly one of signature / signatureBytesBase64" }
        return text?.toByteArray() ?: Base64.getDecoder().decode(bytes)
    }

    @Test
    @DisplayName("vectors: signature_doctor.json")
    fun vectors() {
        val file = Json.parse(File(root, "tests/vectors/signature_doctor.json").readText()).obj()
        assertTrue(file["operation"] == "diagnose_signature") { "operation ${file["operation"]}" }
        val cases = file["cases"].list().map { it.obj() }
        assertTrue(cases.size > 50) { "${cases.size} cases" }
        val seen = HashSet<FindingCode>()
        for (case in cases) {
            val id = "signature_doctor.json ${case["id"]}"
            val input = case["input"].obj()
            val want = case["expected"].obj()
            val d = diagnoseSignature(
                input.s("body").toByteArray(), header(input), v.key(input.s("publicKey")), input.so("privateKey")?.let { v.key(it) },
            )
            val got = linkedMapOf(
                "ok" to d.ok, "codes" to d.findings.map { it.code.name.lowercase() }, "signedText" to d.signedText,
                "registeredFingerprint" to d.registeredKey.fingerprint, "signingKeyFingerprint" to d.signingKey?.fingerprint,
            )
            val expected = linkedMapOf(
                "ok" to want["ok"], "codes" to want["codes"], "signedText" to want["signedText"],
                "registeredFingerprint" to want["registeredFingerprint"], "signingKeyFingerprint" to want["signingKeyFingerprint"],
            )
            assertTrue(same(got, expected)) { "$id:\n  got  $got\n  want $expected" }
            assertTrue(d.ok == d.findings.isEmpty() && d.report.isNotEmpty()) { "$id: report" }
            seen += d.findings.map { it.code }
        }
        val missing = FindingCode.values().toSet() - seen
        assertTrue(missing.isEmpty()) { "finding codes without a vector: $missing" }
        note("${cases.size} cases, every finding code")
    }

    @Test
    @DisplayName("doctor: inputs and secrets")
    fun inputsAndSecrets() {
        val body = """{"order":{"orderReference":"OR1"},"payment":{"paymentCurrency":"KES","details":{"msisdn":"0722000000","paymentAmount":2}}}"""
        val public = v.key("test-pkcs1-2048.pub")
        val private = v.key("test-pkcs8-4096")
        val d = diagnoseSignature(body.toByteArray(), "bm90IGEgc2lnbmF0dXJl".toByteArray(), public, private)
        assertTrue(!d.ok && d.findings.first().code == FindingCode.WRONG_LENGTH) { "$d" }
        assertTrue(d.signingKey?.bits == 4096u && d.registeredKey.bits == 2048u) { "${d.signingKey} ${d.registeredKey}" }
        assertTrue(d.registeredKey == publicKeyInfo(public) && d.signingKey == privateKeyInfo(private)) { "KeyInfo differs" }
        val pemLines = private.lines().filter { it.length > 16 && !it.startsWith("-----") }
        for (text in listOf(d.toString(), d.report)) for (line in pemLines) assertTrue(!text.contains(line)) { "private key material shown" }

        fun error(call: () -> Unit): JengaException = try { call(); fail("accepted") } catch (e: JengaException) { e }
        val notJson = error { diagnoseSignature("nope".toByteArray(), ByteArray(0), public, null) }
        assertTrue(notJson is JengaException.Parse && notJson.code == "not_json") { "$notJson" }
        val badPublic = error { diagnoseSignature(body.toByteArray(), ByteArray(0), "not a key", null) }
        assertTrue(badPublic is JengaException.Key && badPublic.field == "public_key") { "$badPublic" }
        val badPrivate = error { diagnoseSignature(body.toByteArray(), ByteArray(0), public, private.substring(0, 200)) }
        assertTrue(badPrivate is JengaException.Key && badPrivate.field == "private_key") { "$badPrivate" }
        for (line in pemLines) assertTrue(!badPrivate.message!!.contains(line) && !badPrivate.toString().contains(line)) { "private key in the error" }
        note("typed input errors (Parse, Key public_key/private_key), no key material shown")
    }

}
