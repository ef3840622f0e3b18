// The payment-flow transcripts (tests/vectors/flows.json) through the Kotlin
// PaymentFlow, mirroring core/tests/flow_vectors.rs: every poll compared with
// the expected request, wait or outcome; every answer, failure, callback and
// IPN handed in; and between steps the flow saved to JSON and restored (as a
// web app does between requests): the restored flow saves to the same JSON.
package jenga.stk.tests

import jenga.stk.*
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import java.io.File
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant
import java.time.OffsetDateTime

class FlowVectorsTest : Covered() {
    private val dir = Fixtures.vectors
    private val failures = mapOf(
        "connect_failed" to TransportFailure.CONNECT_FAILED, "timeout" to TransportFailure.TIMEOUT,
        "connection_lost" to TransportFailure.CONNECTION_LOST,
    )

    private fun ms(p: Map<String, Any?>, key: String) = Duration.ofMillis((p[key] as BigDecimal).longValueExact())

    fun policy(p: Map<String, Any?>) = RetryPolicy(
        maxPushes = p.int("maxPushes").toUInt(), maxRetries = p.int("maxRetries").toUInt(),
        initialBackoff = ms(p, "initialBackoffMs"), maxBackoff = ms(p, "maxBackoffMs"),
        confirmDelay = ms(p, "confirmDelayMs"), firstPoll = ms(p, "firstPollMs"),
        maxPollInterval = ms(p, "maxPollIntervalMs"), timeout = ms(p, "timeoutMs"),
        requestTimeout = ms(p, "requestTimeoutMs"), tokenWait = ms(p, "tokenWaitMs"),
    )

    /** The page example request, with `payment.callbackUrl` replaced when the case gives one. */
    private fun pushBody(callbackUrl: String?): String {
        val file = Json.parse(File(dir, "stk_push.json").readText()).obj()
        val case = file["cases"].list().map { it.obj() }.single { it["id"] == "page-example" }
        val request = case["input"].obj()["request"].obj()
        if (callbackUrl == null) return Json.write(request)
        val payment = LinkedHashMap(request["payment"].obj()).also { it["callbackUrl"] = callbackUrl }
        return Json.write(LinkedHashMap(request).also { it["payment"] = payment })
    }

    private fun outcomeView(o: Outcome): Map<String, Any?> {
        val r = o.reconciliation
        return linkedMapOf(
            "kind" to o.kind.name.lowercase(), "state" to r.state.name.lowercase(),
            "decidedBy" to r.decidedBy?.name?.lowercase(), "confirmed" to r.confirmed,
            "mpesaReceipt" to r.mpesaReceipt, "amountPaid" to r.amountPaid,
            "paymentReferences" to o.paymentReferences, "rejectionKind" to o.rejection?.kind?.name?.lowercase(),
            "transportFailure" to o.transportFailure?.name?.lowercase(),
        )
    }

    private fun errorCode(call: () -> Unit): String? = try {
        call(); null
    } catch (e: JengaException) {
        codeAndField(e).first
    }

    private fun runCase(case: Map<String, Any?>, signer: Signer): Int {
        val id = case.s("id")
        val input = case["input"].obj()
        val push = StkPush.fromJson(pushBody(input.so("callbackUrl")), RequestOptions()).sign(signer)
        val tokens = SharedTokens(Environment("uat"), Credentials("key", "merchant", "secret"))
        val context = FlowContext(tokens, input.so("callbackSecret")?.let { CallbackUrls(it.toByteArray()) })
        val start = OffsetDateTime.parse(input.s("start")).toInstant()
        val policy = policy(input["policy"].obj())
        var flow = PaymentFlow(push, context, policy, StatusSignature.None, input.s("seed").toULong(), start)
        var awaiting = false
        val steps = input["steps"].list().map { it.obj() }
        for ((n, step) in steps.withIndex()) {
            val at = "flows.json $id step $n ${Json.write(step)}"
            val now: Instant = start.plusMillis((step["at"] as BigDecimal).longValueExact())
            val wantError = step.so("error")
            when {
                step.containsKey("poll") -> {
                    val poll = step["poll"].obj()
                    val action = try {
                        flow.poll(now)
                    } catch (e: JengaException) {
                        assertTrue(codeAndField(e).first == poll["error"]) { "$at: ${e.message}" }
                        null
                    }
                    if (action != null) assertTrue(!poll.containsKey("error")) { "$at: got $action" }
                    when (action) {
                        null -> {}
                        is Action.Send -> {
                            val want = poll["send"]?.obj() ?: fail("$at: sent ${action.request.http}")
                            val r = action.request
                            assertTrue(r.endpoint.name.lowercase() == want["endpoint"]) { "$at: endpoint ${r.endpoint}" }
                            assertTrue(r.http.method().name == want["method"] && r.http.url() == want["url"]) { "$at: ${r.http.method()} ${r.http.url()}" }
                            if (r.endpoint == Endpoint.INIT) {
                                val payment = Json.parse(String(r.http.body())).obj()["payment"].obj()
                                assertTrue(payment["paymentReference"] == want["paymentReference"]) { "$at: paymentReference ${payment["paymentReference"]}" }
                                if (want.containsKey("callbackUrl")) assertTrue(payment["callbackUrl"] == want["callbackUrl"]) { "$at: callbackUrl ${payment["callbackUrl"]}" }
                            }
                            assertTrue(r.timeout == policy.requestTimeout) { "$at: timeout ${r.timeout}" }
                            awaiting = true
                        }
                        is Action.Wait -> {
                            val want = poll["wait"] as? BigDecimal ?: fail("$at: waits until ${action.until}")
                            assertTrue(action.until == start.plusMillis(want.longValueExact())) { "$at: until ${action.until}" }
                        }
                        is Action.Done -> {
                            val want = poll["done"] ?: fail("$at: done ${action.outcome}")
                            assertTrue(same(outcomeView(action.outcome), want)) { "$at:\n  got  ${outcomeView(action.outcome)}\n  want $want" }
                            assertTrue(flow.outcome() == action.outcome) { "$at: outcome() differs" }
                        }
                    }
                }
                step.containsKey("answer") -> {
                    val a = step["answer"].obj()
                    val got = errorCode { flow.handleResponse(now, a.int("status"), a.so("retryAfter"), a.s("body").toByteArray()) }
                    assertTrue(got == wantError) { "$at: error $got" }
                    awaiting = false
                }
                step.containsKey("fail") -> {
                    val failure = failures[step.s("fail")] ?: fail("$at: unknown failure")
                    val got = errorCode { flow.handleTransportFailure(now, failure) }
                    assertTrue(got == wantError) { "$at: error $got" }
                    awaiting = false
                }
                step.containsKey("callback") -> {
                    val got = errorCode { flow.handleCallback(parseCallback(step.s("callback").toByteArray())) }
                    assertTrue(got == wantError) { "$at: error $got" }
                }
                step.containsKey("ipn") -> {
                    val got = errorCode { flow.handleIpn(parseIpn(step.s("ipn").toByteArray())) }
                    assertTrue(got == wantError) { "$at: error $got" }
                }
                step.containsKey("check") -> flow.checkStatus()
                step.containsKey("restore") -> {
                    flow = PaymentFlow.fromJson(flow.toJson(), context)
                    awaiting = false
                }
                else -> fail("$at: unknown step")
            }
            // Saved and restored between steps, as a web app does: the same JSON again.
            if (!awaiting) {
                val saved = flow.toJson()
                flow = PaymentFlow.fromJson(saved, context)
                assertTrue(flow.toJson() == saved) { "$at: the restored flow saves differently" }
            }
        }
        return steps.size
    }

    @Test
    @DisplayName("vectors: flows.json")
    fun transcripts() {
        val file = Json.parse(File(dir, "flows.json").readText()).obj()
        assertTrue(file["operation"] == "flow") { "operation ${file["operation"]}" }
        val cases = file["cases"].list().map { it.obj() }
        assertTrue(cases.size >= 20) { "${cases.size} cases" }
        val signer = Signer(Fixtures.key("test-pkcs1-2048"))
        val steps = cases.sumOf { runCase(it, signer) }
        note("${cases.size} transcripts, $steps steps, saved and restored between steps")
    }
}
