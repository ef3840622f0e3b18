// Every case in tests/vectors/ through the Kotlin bindings, mirroring
// core/tests/vectors.rs, core/tests/lifecycle_vectors.rs and
// bindings-wasm/tests/js/vectors.test.mjs: codes and fields are compared,
// never messages; validation errors compare the whole problems list.
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

class VectorsTest : Covered() {
    private val dir = Fixtures.vectors
    private fun key(stem: String) = Fixtures.key(stem)
    private fun load(name: String) = Fixtures.vectorFile(name)
    private fun rawRequests(text: String) = Fixtures.rawRequests(text)
    private fun instant(text: String) = OffsetDateTime.parse(text).toInstant()

    /** Code and field of any JengaException; the problems of a validation error. */
    private fun assertError(id: String, e: Throwable, want: Map<String, Any?>) {
        if (e !is JengaException) fail("$id: not a JengaException: $e")
        assertTrue(e.message!!.isNotEmpty()) { "$id: empty message" }
        when (e) {
            is JengaException.Validation -> {
                val got = e.problems.map { mapOf("code" to it.code, "field" to it.field) }
                val expected = want["problems"] ?: listOf(mapOf("code" to want["code"], "field" to want["field"]))
                assertTrue(e.code == "validation_failed") { "$id: code ${e.code}" }
                assertTrue(same(got, expected)) { "$id: problems $got, want $expected" }
            }
            else -> {
                val (code, field) = codeAndField(e)
                assertTrue(code == want["code"]) { "$id: code $code (${e.message}), want ${want["code"]}" }
                assertTrue(field == want["field"]) { "$id: field $field, want ${want["field"]}" }
            }
        }
    }

    private fun run(file: String, fn: (Map<String, Any?>, Map<String, Any?>) -> Any?): Int {
        val doc = load(file)
        val cases = doc["cases"].list()
        for (c in cases.map { it.obj() }) {
            val id = "$file ${c["id"]}"
            var got: Any? = null
            var failure: Throwable? = null
            try {
                got = fn(c["input"].obj(), c)
            } catch (e: JengaException) {
                failure = e
            }
            val err = c["error"]
            if (err != null) {
                assertTrue(failure != null) { "$id: expected ${err.obj()["code"]}, got $got" }
                assertError(id, failure!!, err.obj())
            } else {
                if (failure != null) fail("$id: unexpected ${failure.message}")
                assertTrue(same(got, c["expected"])) { "$id:\n  got  $got\n  want ${c["expected"]}" }
            }
        }
        return cases.size
    }

    private fun rejection(r: Rejection): Map<String, Any?> {
        assertTrue(r.hint.isNotEmpty()) { "empty hint" }
        return linkedMapOf(
            "type" to "rejected", "httpStatus" to r.httpStatus, "providerCode" to r.providerCode,
            "message" to r.message, "errorCode" to r.errorCode, "kind" to r.kind.name.lowercase(),
            "action" to r.action.name.lowercase(), "bodyExcerpt" to r.bodyExcerpt,
        )
    }

    private fun callback(c: StkCallback): Map<String, Any?> = linkedMapOf(
        "transactionReference" to c.transactionReference, "merchantRequestId" to c.merchantRequestId,
        "checkoutRequestId" to c.checkoutRequestId, "resultCode" to c.resultCode, "resultDesc" to c.resultDesc,
        "outcome" to when (val o = c.outcome) {
            is CallbackOutcome.Paid -> linkedMapOf(
                "result" to "paid", "mpesaReceipt" to o.payment.mpesaReceipt, "amount" to o.payment.amount,
                "phoneNumber" to o.payment.phoneNumber, "transactionDate" to o.payment.transactionDate,
                "balance" to o.payment.balance,
            )
            is CallbackOutcome.Failed -> linkedMapOf("result" to "failed", "reason" to o.reason.name.lowercase())
        },
    )

    private fun ipn(i: Ipn): Map<String, Any?> = linkedMapOf(
        "callbackType" to i.callbackType,
        "customer" to linkedMapOf("name" to i.customer.name, "mobileNumber" to i.customer.mobileNumber, "reference" to i.customer.reference),
        "transaction" to i.transaction.let { t ->
            linkedMapOf(
                "date" to t.date, "reference" to t.reference,
                "paymentMode" to when (val m = t.paymentMode) {
                    null -> null
                    PaymentMode.Mpesa -> "MPESA"; PaymentMode.Card -> "CARD"; PaymentMode.Pwe -> "PWE"
                    PaymentMode.Equitel -> "EQUITEL"; PaymentMode.Paypal -> "PAYPAL"; is PaymentMode.Other -> m.value
                },
                "amount" to t.amount, "currency" to t.currency, "serviceCharge" to t.serviceCharge,
                "billNumber" to t.billNumber, "servedBy" to t.servedBy, "additionalInfo" to t.additionalInfo,
                "orderAmount" to t.orderAmount, "orderCurrency" to t.orderCurrency,
                "status" to when (val s = t.status) { IpnStatus.Success -> "SUCCESS"; IpnStatus.Failed -> "FAILED"; is IpnStatus.Other -> s.value },
                "remarks" to t.remarks,
            )
        },
        "bank" to i.bank?.let { linkedMapOf("reference" to it.reference, "transactionType" to it.transactionType, "account" to it.account) },
        "dedupeKey" to i.dedupeKey, "orderReference" to i.orderReference,
    )

    private fun statusView(r: StatusResponse): Map<String, Any?> = when (r) {
        is StatusResponse.Found -> linkedMapOf(
            "type" to "found",
            "order" to r.status.order.let { o ->
                linkedMapOf(
                    "orderReference" to o.orderReference, "orderAmount" to o.orderAmount, "amountPaid" to o.amountPaid,
                    "status" to when (val s = o.status) { OrderState.Paid -> "Paid"; OrderState.Pending -> "Pending"; is OrderState.Other -> s.value },
                    "createdOn" to o.createdOn,
                )
            },
            "invoices" to r.status.invoices.map { v ->
                linkedMapOf(
                    "amount" to v.amount, "amountDebited" to v.amountDebited, "charge" to v.charge,
                    "status" to when (val s = v.status) {
                        InvoiceState.Pending -> "Pending"; InvoiceState.Paid -> "Paid"; InvoiceState.Cancelled -> "Cancelled"
                        InvoiceState.Expired -> "Expired"; is InvoiceState.Other -> s.value
                    },
                    "orderReference" to v.orderReference, "mpesaReceipt" to v.mpesaReceipt,
                    "createdOn" to v.createdOn, "completedOn" to v.completedOn,
                )
            },
        )
        is StatusResponse.NotFound -> linkedMapOf("type" to "not_found", "message" to r.message)
        is StatusResponse.Rejected -> rejection(r.rejection)
    }

    private fun headers(r: HttpRequest) = r.headers().map { listOf(it.name, it.value) }

    @Test
    @DisplayName("vectors: stk_push.json")
    fun stkPush() {
        val text = File(dir, "stk_push.json").readText()
        val raws = rawRequests(text)
        var i = 0
        val n = run("stk_push.json") { input, _ ->
            val raw = raws[i++]
            val options = requestOptionsFromJson(Json.write(input["options"] ?: emptyMap<String, Any?>()))
            val push = StkPush.fromJson(raw, options)
            val signed = push.sign(Signer(key(input.s("key"))))
            val request = signed.httpRequest(Environment(input.s("environment")), AccessToken(input.s("accessToken")))
            assertTrue(String(request.body()) == push.body()) { "body bytes" }
            linkedMapOf(
                "body" to push.body(), "signingString" to push.signingString(), "signature" to signed.signature(),
                "method" to request.method().name, "url" to request.url(), "headers" to headers(request),
            )
        }
        assertTrue(i == n) { "raw requests $i != cases $n" }
        note("$n cases")
    }

    @Test
    @DisplayName("vectors: keys.json")
    fun keys() = note("${run("keys.json") { input, _ ->
        val pem = key(input.s("key"))
        val bits = if (input["kind"] == "private") Signer(pem).bits() else Verifier(pem).bits()
        mapOf("bits" to bits.toInt())
    }} cases")

    @Test
    @DisplayName("vectors: signatures.json")
    fun signatures() {
        val pageExample = rawRequests(File(dir, "stk_push.json").readText())[0]
        note("${run("signatures.json") { input, _ ->
            if (input["operation"] == "sign") {
                mapOf("signature" to Signer(key(input.s("key"))).sign(input.s("message").toByteArray()))
            } else {
                val signed = StkPush.fromJson(pageExample, RequestOptions()).withSignature(input.s("signature"))
                Verifier(key("test-pkcs1-2048.pub")).verify("OR28922980077KES07220000002".toByteArray(), signed.signature())
                mapOf("verifiesWith" to "test-pkcs1-2048.pub")
            }
        }} cases")
    }

    @Test
    @DisplayName("vectors: init_responses.json")
    fun initResponses() = note("${run("init_responses.json") { i, _ ->
        when (val r = classifyInitResponse(i.int("status"), i.s("body").toByteArray())) {
            is InitResponse.Accepted -> r.accepted.let { a ->
                linkedMapOf(
                    "type" to "accepted", "code" to a.code, "message" to a.message, "invoiceNumber" to a.invoiceNumber,
                    "amount" to a.amount, "charge" to a.charge, "amountDebited" to a.amountDebited,
                    "paymentReference" to a.paymentReference, "orderReference" to a.orderReference,
                )
            }
            is InitResponse.Rejected -> rejection(r.rejection)
        }
    }} cases")

    @Test
    @DisplayName("vectors: token_responses.json")
    fun tokenResponses() = note("${run("token_responses.json") { i, _ ->
        when (val r = parseTokenResponse(i.int("status"), i.s("body").toByteArray(), instant(i.s("now")))) {
            is TokenResponse.Token -> r.token.let { t ->
                assertTrue(!t.toString().contains(t.accessToken().expose())) { "token printed" }
                linkedMapOf(
                    "type" to "token", "accessToken" to t.accessToken().expose(), "tokenType" to t.tokenType(),
                    "issuedAt" to t.issuedAt(), "providerExpiresAt" to t.providerExpiresAt(),
                    "lifetime" to t.lifetime().name.lowercase(), "expiresAt" to t.expiresAt(),
                )
            }
            is TokenResponse.Rejected -> rejection(r.rejection)
        }
    }} cases")

    @Test
    @DisplayName("vectors: token_state.json")
    fun tokenState() = note("${run("token_state.json") { input, _ ->
        val state = TokenState.withMargin(
            Environment("uat"), Credentials("key", "merchant", "secret"),
            Duration.ofSeconds(input.int("marginSeconds").toLong()),
        )
        val actions = ArrayList<String>()
        for (step in input["steps"].list().map { it.obj() }) {
            when (step["op"]) {
                "next" -> when (val a = state.nextAction(instant(step.s("now")))) {
                    is TokenAction.Refresh -> {
                        assertTrue(a.request.url().endsWith("/authentication/api/v3/authenticate/merchant")) { a.request.url() }
                        assertTrue(a.request.bodyIsSecret() && !a.request.toString().contains("secret\"")) { "token request printed its secret" }
                        actions.add("refresh")
                    }
                    is TokenAction.Use -> actions.add("use")
                }
                "response" -> try {
                    state.onResponse(step.int("status"), step.s("body").toByteArray(), instant(step.s("now")))
                    actions.add("stored")
                } catch (e: JengaException.Rejected) {
                    actions.add("rejected:${e.rejection.kind.name.lowercase()}")
                }
                else -> { state.invalidate(); actions.add("invalidated") }
            }
        }
        mapOf("actions" to actions)
    }} cases")

    @Test
    @DisplayName("vectors: status_requests.json")
    fun statusRequests() {
        val cases = load("status_requests.json")["cases"].list().map { it.obj() }
        for (c in cases) {
            val input = c["input"].obj()
            val stem = input.so("key") ?: "test-pkcs1-2048"
            val signer = Signer(key(stem))
            val env = Environment(input.s("environment"))
            val token = AccessToken(input.s("accessToken"))
            val ref = input.s("orderReference")
            val signature = if (input["sign"] == true) StatusSignature.Sign(signer) else StatusSignature.None
            val request = orderStatusRequest(env, token, ref, signature)
            val verifier = Verifier(key("$stem.pub"))
            val hs = request.headers().map {
                if (it.name != "Signature") listOf(it.name, it.value) else {
                    verifier.verify(ref.toByteArray(), it.value); listOf(it.name, null)
                }
            }
            val got = linkedMapOf("method" to request.method().name, "url" to request.url(), "headers" to hs)
            assertTrue(same(got, c["expected"])) { "status_requests.json ${c["id"]}: $got" }
            assertTrue(request.body().isEmpty()) { "GET with a body" }
            if (input["sign"] == true) {
                // A signature made elsewhere (a foreign signer) gives the same request.
                val provided = orderStatusRequest(env, token, ref, StatusSignature.Provided(signer.sign(ref.toByteArray())))
                assertTrue(headers(provided) == headers(request)) { "provided signature differs" }
            }
        }
        note("${cases.size} cases")
    }

    @Test
    @DisplayName("vectors: status_responses.json")
    fun statusResponses() = note("${run("status_responses.json") { i, _ ->
        statusView(parseStatusResponse(i.int("status"), i.s("body").toByteArray()))
    }} cases")

    @Test
    @DisplayName("vectors: callbacks.json")
    fun callbacks() = note("${run("callbacks.json") { i, _ -> callback(parseCallback(i.s("body").toByteArray())) }} cases")

    @Test
    @DisplayName("vectors: callback_urls.json")
    fun callbackUrls() = note("${run("callback_urls.json") { i, _ ->
        val urls = CallbackUrls(i.s("secret").toByteArray())
        assertTrue(!urls.toString().contains(i.s("secret"))) { "secret printed" }
        when (i["operation"]) {
            "make" -> mapOf("url" to urls.callbackUrl(i.s("baseUrl"), i.s("orderReference"), i.s("paymentReference")))
            "verify" -> urls.verifyUrl(i.s("url")).let { mapOf("orderReference" to it.orderReference, "paymentReference" to it.paymentReference) }
            else -> callback(urls.verifyCallback(i.s("url"), i.s("body").toByteArray()).callback)
        }
    }} cases")

    @Test
    @DisplayName("vectors: ipn.json")
    fun ipns() = note("${run("ipn.json") { i, _ ->
        if (i["operation"] == "parse") ipn(parseIpn(i.s("body").toByteArray())) else {
            val auth = IpnAuth(i.s("username"), i.s("password"))
            assertTrue(!auth.toString().contains(i.s("password"))) { "password printed" }
            auth.verify(i.so("authorization"))
            mapOf("authenticated" to true)
        }
    }} cases")

    @Test
    @DisplayName("vectors: reconcile.json")
    fun reconcileCases() = note("${run("reconcile.json") { i, _ ->
        val e = i["expected"].obj()
        val status = i.so("status")?.let {
            when (val r = parseStatusResponse(200, it.toByteArray())) {
                is StatusResponse.Found -> r.status
                else -> fail("status body not found: $r")
            }
        }
        val result = reconcile(
            Expected(e.s("orderReference"), e.so("amount")?.let { BigDecimal(it) }, e.so("currency")),
            i.so("callback")?.let { parseCallback(it.toByteArray()) },
            i["ipns"].list().map { parseIpn(it.str().toByteArray()) },
            status,
        )
        linkedMapOf(
            "state" to result.state.name.lowercase(), "decidedBy" to result.decidedBy?.name?.lowercase(),
            "confirmed" to result.confirmed, "mpesaReceipt" to result.mpesaReceipt, "amountPaid" to result.amountPaid,
            "currencyPaid" to result.currencyPaid, "currencyConfirmed" to result.currencyConfirmed,
            "conflicts" to result.conflicts.map {
                assertTrue(it.description.isNotEmpty()) { "empty description" }
                linkedMapOf("kind" to it.kind.name.lowercase(), "sources" to it.sources.map { s -> s.name.lowercase() })
            },
            "needsReview" to result.needsReview,
        )
    }} cases")

    /** The answers table's view: the type, and kind and action for a rejection; nothing else is compared. */
    private fun answerView(type: String, r: Rejection?): Map<String, Any?> =
        if (r == null) mapOf("type" to type)
        else mapOf("type" to "rejected", "kind" to r.kind.name.lowercase(), "action" to r.action.name.lowercase())

    @Test
    @DisplayName("vectors: answers.json")
    fun answers() = note("${run("answers.json") { i, _ ->
        val status = i.int("status")
        val body = i.s("body").toByteArray()
        when (i.s("endpoint")) {
            // The instant core/tests/lifecycle_vectors.rs uses.
            "token" -> when (val r = parseTokenResponse(status, body, Instant.ofEpochMilli(1_626_159_785_000))) {
                is TokenResponse.Token -> answerView("token", null)
                is TokenResponse.Rejected -> answerView("", r.rejection)
            }
            "init" -> when (val r = classifyInitResponse(status, body)) {
                is InitResponse.Accepted -> answerView("accepted", null)
                is InitResponse.Rejected -> answerView("", r.rejection)
            }
            "status" -> when (val r = parseStatusResponse(status, body)) {
                is StatusResponse.Found -> answerView("found", null)
                is StatusResponse.NotFound -> answerView("not_found", null)
                is StatusResponse.Rejected -> answerView("", r.rejection)
            }
            else -> fail("unknown endpoint ${i["endpoint"]}")
        }
    }} cases")

    private val endpoints = mapOf("token" to Endpoint.TOKEN, "init" to Endpoint.INIT, "status" to Endpoint.STATUS)
    private val failures = mapOf(
        "connect_failed" to TransportFailure.CONNECT_FAILED, "timeout" to TransportFailure.TIMEOUT,
        "connection_lost" to TransportFailure.CONNECTION_LOST,
    )

    @Test
    @DisplayName("vectors: transport.json")
    fun transport() {
        val n = run("transport.json") { i, _ ->
            val endpoint = endpoints[i.s("endpoint")] ?: fail("unknown endpoint ${i["endpoint"]}")
            val failure = failures[i.s("failure")] ?: fail("unknown failure ${i["failure"]}")
            mapOf("action" to adviseTransportFailure(endpoint, failure).name.lowercase())
        }
        // Every endpoint x failure pair is a case: an enum value added on either side needs a vector.
        assertTrue(n == Endpoint.values().size * TransportFailure.values().size) { "$n cases" }
        assertTrue(endpoints.values.toSet() == Endpoint.values().toSet() && failures.values.toSet() == TransportFailure.values().toSet()) { "enum values without a code" }
        note("$n cases")
    }

    @Test
    @DisplayName("vectors: every file is run")
    fun everyFileRun() {
        val files = dir.listFiles()!!.map { it.name }.filter { it.endsWith(".json") }.sorted()
        val run = listOf(
            "answers.json", "callback_urls.json", "callbacks.json", "flows.json", "init_responses.json", "ipn.json", "keys.json",
            "reconcile.json", "signature_doctor.json", "signatures.json", "status_requests.json", "status_responses.json", "stk_push.json",
            "token_responses.json", "token_state.json", "transport.json",
        )
        assertTrue(files == run) { "vector files changed: $files" }
        note("${files.size} files")
    }

}
