// The shared table of hostile inputs (tests/hostile/hostile.json, also run by
// the Rust core, npm and Python): every `error` case must throw the
// JengaException variant of its code with exactly the expected code and field;
// every odd-but-valid `accepts` case must return, and for the init, token and
// status answers show the stated type, kind and action. Kotlin's types rule out
// wrong JSON-less types statically (a ByteArray body is never a number); cases
// whose bytes are not UTF-8 where the API takes a String are skipped and counted.
package jenga.stk.tests

import jenga.stk.*
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import java.io.File
import java.nio.ByteBuffer
import java.nio.charset.CharacterCodingException
import java.nio.charset.CodingErrorAction
import java.time.OffsetDateTime
import java.util.Base64

class HostileTest : Covered() {
    private val table = Json.parse(File(Fixtures.root, "tests/hostile/hostile.json").readText()).obj()
    private val templates = table["templates"].obj()
    private val context = table["context"].obj()
    private val cases = table["cases"].list().map { it.obj() }
    private val now = OffsetDateTime.parse(context.s("now")).toInstant()

    private class Inexpressible : Exception()

    /** A value spec of tests/hostile/README.md as bytes. */
    private fun expand(spec: Any?): ByteArray {
        if (spec is String) return spec.toByteArray(Charsets.UTF_8)
        val o = spec.obj()
        return when {
            "base64" in o -> Base64.getDecoder().decode(o.s("base64"))
            "repeat" in o -> o.s("repeat").repeat(o.int("times")).toByteArray(Charsets.UTF_8)
            "concat" in o -> o["concat"].list().map { expand(it) }.fold(ByteArray(0)) { a, b -> a + b }
            "template" in o -> {
                var out = templates.s(o.s("template")).toByteArray(Charsets.UTF_8)
                for (pair in o["replace"].list()) {
                    val old = pair.list()[0].str().toByteArray(Charsets.UTF_8)
                    val at = indexOf(out, old, 0)
                    assertTrue(at >= 0 && indexOf(out, old, at + 1) < 0) { "${pair.list()[0]} must occur once in ${o.s("template")}" }
                    out = out.copyOfRange(0, at) + expand(pair.list()[1]) + out.copyOfRange(at + old.size, out.size)
                }
                out
            }
            else -> error("bad spec $spec")
        }
    }

    private fun indexOf(haystack: ByteArray, needle: ByteArray, from: Int): Int {
        outer@ for (i in from..haystack.size - needle.size) {
            for (j in needle.indices) if (haystack[i + j] != needle[j]) continue@outer
            return i
        }
        return -1
    }

    /** Bytes as a String for String APIs; Inexpressible when they are not UTF-8. */
    private fun text(spec: Any?): String = try {
        Charsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(expand(spec))).toString()
    } catch (e: CharacterCodingException) {
        throw Inexpressible()
    }

    private fun page() = StkPush.fromJson(templates.s("request"), RequestOptions())

    /** The `accepts` view of a classification: `type`, and `kind`/`action` for a rejection. */
    private fun view(result: Any?): Map<String, Any?> {
        fun rejected(r: Rejection) = mapOf("type" to "rejected", "kind" to r.kind.name.lowercase(), "action" to r.action.name.lowercase())
        return when (result) {
            is InitResponse.Accepted -> mapOf("type" to "accepted")
            is InitResponse.Rejected -> rejected(result.rejection)
            is TokenResponse.Token -> mapOf("type" to "token")
            is TokenResponse.Rejected -> rejected(result.rejection)
            is StatusResponse.Found -> mapOf("type" to "found")
            is StatusResponse.NotFound -> mapOf("type" to "not_found")
            is StatusResponse.Rejected -> rejected(result.rejection)
            else -> emptyMap()
        }
    }

    /** Calls the API; returning means it accepted the input. */
    private fun run(api: String, input: Map<String, Any?>): Any? {
        fun status() = input.int("status")
        return when (api) {
            "stk_push" -> StkPush.fromJson(text(input["request"]), RequestOptions())
            "token_response" -> parseTokenResponse(status(), expand(input["body"]), now)
            "init_response" -> classifyInitResponse(status(), expand(input["body"]))
            "status_response" -> parseStatusResponse(status(), expand(input["body"]))
            "callback" -> parseCallback(expand(input["body"]))
            "ipn" -> parseIpn(expand(input["body"]))
            "ipn_auth" -> {
                val username = if ("username" in input) text(input["username"]) else context.s("ipnUsername")
                val password = if ("password" in input) text(input["password"]) else context.s("ipnPassword")
                val header = input["authorization"]?.let { text(it) }
                IpnAuth(username, password).verify(header)
                "authenticated"
            }
            "callback_url" -> {
                val secret = if ("secret" in input) expand(input["secret"]) else context.s("callbackSecret").toByteArray()
                CallbackUrls(secret).verifyUrl(text(input["url"]))
            }
            "private_key" -> Signer(text(input["pem"]))
            "signature" -> page().withSignature(text(input["signature"]))
            "access_token" -> AccessToken(text(input["token"]))
            else -> error("unknown api $api")
        }
    }

    private fun expectedVariant(code: String): String = when {
        code == "validation_failed" -> "Validation"
        code.startsWith("key_") -> "Key"
        code in setOf("invalid_signature_encoding", "signature_mismatch", "signing_failed") -> "Signature"
        code.startsWith("ipn_auth_") || code.startsWith("callback_token_") || code.startsWith("callback_reference_") -> "Auth"
        code.startsWith("flow_") -> "Flow"
        else -> "Parse"
    }

    /** (variant, code, field, first problem's code, first problem's field) */
    private fun shape(e: JengaException): List<String?> = when (e) {
        is JengaException.Validation -> listOf("Validation", e.code, e.field, e.problems.firstOrNull()?.code, e.problems.firstOrNull()?.field)
        is JengaException.Key -> listOf("Key", e.code, e.field, null, null)
        is JengaException.Signature -> listOf("Signature", e.code, e.field, null, null)
        is JengaException.Parse -> listOf("Parse", e.code, e.field, null, null)
        is JengaException.Auth -> listOf("Auth", e.code, e.field, null, null)
        is JengaException.Rejected -> listOf("Rejected", e.code, e.field, null, null)
        is JengaException.Flow -> listOf("Flow", e.code, e.field, null, null)
        is JengaException.NotStarted -> listOf("NotStarted", e.code, e.field, null, null)
        is JengaException.Transport -> listOf("Transport", e.code, e.field, null, null)
    }

    @Test
    @DisplayName("hostile inputs (tests/hostile/hostile.json)")
    fun table() {
        assertTrue(cases.size >= 30) { "the hostile table shrank to ${cases.size} cases" }
        assertTrue(cases.map { it.s("id") }.toSet().size == cases.size) { "duplicate ids" }
        val failures = ArrayList<String>()
        val skipped = ArrayList<String>()
        var ran = 0
        var oddButValid = 0
        for (case in cases) {
            val id = case.s("id")
            val accepts = case["accepts"]?.obj()
            assertTrue((accepts == null) != (case["error"] == null)) { "$id: a case has `error` or `accepts`, never both" }
            val want = case["error"]?.obj()
            val code = want?.s("code")
            val expected = want?.let { listOf(expectedVariant(code!!), code, it.so("field"), it.so("problem"), it.so("problem")?.let { _ -> it.so("field") }) }
            try {
                val result = run(case.s("api"), case["input"].obj())
                ran++
                if (accepts == null) {
                    failures += "$id: ACCEPTED, expected $expected: ${result.toString().take(200)}"
                } else {
                    oddButValid++
                    val got = view(result)
                    if (accepts.any { (k, v) -> got[k] != v }) failures += "$id: expected $accepts, got $got"
                }
            } catch (e: Inexpressible) {
                skipped += id
            } catch (e: JengaException) {
                ran++
                if (expected == null) {
                    failures += "$id: THREW ${shape(e)} (${e.message?.take(200)}), expected to be accepted as $accepts"
                } else {
                    val got = shape(e)
                    if (got != expected) failures += "$id: expected $expected, got $got (${e.message?.take(200)})"
                }
            } catch (e: Throwable) {
                ran++
                failures += "$id: ${e::class.qualifiedName} escaped: ${e.message?.take(200)}"
            }
        }
        assertTrue(failures.isEmpty()) { failures.joinToString("\n") }
        assertTrue(ran >= 30) { "only $ran cases ran" }
        assertTrue(oddButValid > 0) { "no `accepts` case ran" }
        // The library still works after all of that.
        assertTrue(page().signingString() == "OR28922980077KES07220000002") { "module poisoned" }
        val covered = "$ran of ${cases.size} cases ran ($oddButValid odd but valid); not expressible as a Kotlin String: ${skipped.joinToString().ifEmpty { "none" }}"
        println("hostile: $covered")
        note(covered)
    }

}
