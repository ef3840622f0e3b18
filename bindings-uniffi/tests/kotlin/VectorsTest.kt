// Every case in tests/vectors/ through the Kotlin bindings, mirroring
// core/tests/vectors.rs, core/tests/lifecycle_vectors.rs and
// bindings-wasm/tests/js/vectors.test.mjs: codes and fields are compared,
// never messages; validation errors compare the whole problems list.
package jenga.stk.tests

import jenga.stk.*
import java.io.File
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant
import java.time.OffsetDateTime

class Vectors(private val root: File) {
    private val dir = File(root, "tests/vectors")
    fun key(stem: String) = File(root, "tests/keys/$stem.pem").readText()
    private fun load(name: String) = Json.parse(File(dir, name).readText()).obj()
    private fun instant(text: String) = OffsetDateTime.parse(text).toInstant()
    private fun status(n: Int) = n.toUShort()

    /** The raw text of every `"request": …` value, in file order (numbers such as 2e0 kept as written). */
    fun rawRequests(text: String): List<String> {
        val out = ArrayList<String>()
        val marker = "\"request\": "
        var at = text.indexOf(marker)
        while (at != -1) {
            var i = at + marker.length
            val start = i
            if (text[i] == '"') {
                i++
                while (text[i] != '"') i += if (text[i] == '\\') 2 else 1
                out.add(Json.parse(text.substring(start, i + 1)) as String)
            } else {
                var depth = 0
                while (true) {
                    val c = text[i]
                    if (c == '"') {
                        i++
                        while (text[i] != '"') i += if (text[i] == '\\') 2 else 1
                    } else if (c == '{' || c == '[') depth++
                    else if (c == '}' || c == ']') { depth--; if (depth == 0) break }
                    i++
                }
                out.add(text.substring(start, i + 1))
            }
            at = text.indexOf(marker, i)
        }
        return out
    }

    /** Code and field of any JengaException; the problems of a validation error. */
    private fun assertError(id: String, e: Throwable, want: Map<String, Any?>) {
        if (e !is JengaException) throw Failure("$id: not a JengaException: $e")
        check(e.message!!.isNotEmpty()) { "$id: empty message" }
        when (e) {
            is JengaException.Validation -> {
                val got = e.problems.map { mapOf("code" to it.code, "field" to it.field) }
                val expected = want["problems"] ?: listOf(mapOf("code" to want["code"], "field" to want["field"]))
                check(e.code == "validation_failed") { "$id: code ${e.code}" }
                check(same(got, expected)) { "$id: problems $got, want $expected" }
            }
            else -> {
                val (code, field) = codeAndField(e)
                check(code == want["code"]) { "$id: code $code (${e.message}), want ${want["code"]}" }
                check(field == want["field"]) { "$id: field $field, want ${want["field"]}" }
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
                check(failure != null) { "$id: expected ${err.obj()["code"]}, got $got" }
                assertError(id, failure!!, err.obj())
            } else {
                if (failure != null) throw Failure("$id: unexpected ${failure.message}")
                check(same(got, c["expected"])) { "$id:\n  got  $got\n  want ${c["expected"]}" }
            }
        }
        return cases.size
    }

    private fun rejection(r: Rejection): Map<String, Any?> {
        check(r.hint.isNotEmpty()) { "empty hint" }
        return linkedMapOf(
            "type" to "rejected", "httpStatus" to r.httpStatus.toInt(), "providerCode" to r.providerCode,
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

    fun stkPush(): String {
        val text = File(dir, "stk_push.json").readText()
        val raws = rawRequests(text)
        var i = 0
        val n = run("stk_push.json") { input, _ ->
            val raw = raws[i++]
            val options = requestOptionsFromJson(Json.write(input["options"] ?: emptyMap<String, Any?>()))
            val push = StkPush.fromJson(raw, options)
            val signed = push.sign(Signer(key(input.s("key"))))
            val request = signed.httpRequest(Environment(input.s("environment")), AccessToken(input.s("accessToken")))
            check(String(request.body()) == push.body()) { "body bytes" }
            linkedMapOf(
                "body" to push.body(), "signingString" to push.signingString(), "signature" to signed.signature(),
                "method" to request.method().name, "url" to request.url(), "headers" to headers(request),
            )
        }
        check(i == n) { "raw requests $i != cases $n" }
        return "$n cases"
    }

    fun keys() = "${run("keys.json") { input, _ ->
        val pem = key(input.s("key"))
        val bits = if (input["kind"] == "private") Signer(pem).bits() else Verifier(pem).bits()
        mapOf("bits" to bits.toInt())
    }} cases"

    fun signatures(): String {
        val pageExample = rawRequests(File(dir, "stk_push.json").readText())[0]
        return "${run("signatures.json") { input, _ ->
            if (input["operation"] == "sign") {
                mapOf("signature" to Signer(key(input.s("key"))).sign(input.s("message").toByteArray()))
            } else {
                val signed = StkPush.fromJson(pageExample, RequestOptions()).withSignature(input.s("signature"))
                Verifier(key("test-pkcs1-2048.pub")).verify("OR28922980077KES07220000002".toByteArray(), signed.signature())
                mapOf("verifiesWith" to "test-pkcs1-2048.pub")
            }
        }} cases"
    }

    fun initResponses() = "${run("init_responses.json") { i, _ ->
        when (val r = classifyInitResponse(status(i.int("status")), i.s("body").toByteArray())) {
            is InitResponse.Accepted -> r.accepted.let { a ->
                linkedMapOf(
                    "type" to "accepted", "code" to a.code, "message" to a.message, "invoiceNumber" to a.invoiceNumber,
                    "amount" to a.amount, "charge" to a.charge, "amountDebited" to a.amountDebited,
                    "paymentReference" to a.paymentReference, "orderReference" to a.orderReference,
                )
            }
            is InitResponse.Rejected -> rejection(r.rejection)
        }
    }} cases"

    fun tokenResponses() = "${run("token_responses.json") { i, _ ->
        when (val r = parseTokenResponse(status(i.int("status")), i.s("body").toByteArray(), instant(i.s("now")))) {
            is TokenResponse.Token -> r.token.let { t ->
                check(!t.toString().contains(t.accessToken().expose())) { "token printed" }
                linkedMapOf(
                    "type" to "token", "accessToken" to t.accessToken().expose(), "tokenType" to t.tokenType(),
                    "issuedAt" to t.issuedAt(), "providerExpiresAt" to t.providerExpiresAt(),
                    "lifetime" to t.lifetime().name.lowercase(), "expiresAt" to t.expiresAt(),
                )
            }
            is TokenResponse.Rejected -> rejection(r.rejection)
        }
    }} cases"

    fun tokenState() = "${run("token_state.json") { input, _ ->
        val state = TokenState.withMargin(
            Environment("uat"), Credentials("key", "merchant", "secret"),
            Duration.ofSeconds(input.int("marginSeconds").toLong()),
        )
        val actions = ArrayList<String>()
        for (step in input["steps"].list().map { it.obj() }) {
            when (step["op"]) {
                "next" -> when (val a = state.nextAction(instant(step.s("now")))) {
                    is TokenAction.Refresh -> {
                        check(a.request.url().endsWith("/authentication/api/v3/authenticate/merchant")) { a.request.url() }
                        check(a.request.bodyIsSecret() && !a.request.toString().contains("secret\"")) { "token request printed its secret" }
                        actions.add("refresh")
                    }
                    is TokenAction.Use -> actions.add("use")
                }
                "response" -> try {
                    state.onResponse(status(step.int("status")), step.s("body").toByteArray(), instant(step.s("now")))
                    actions.add("stored")
                } catch (e: JengaException.Rejected) {
                    actions.add("rejected:${e.rejection.kind.name.lowercase()}")
                }
                else -> { state.invalidate(); actions.add("invalidated") }
            }
        }
        mapOf("actions" to actions)
    }} cases"

    fun statusRequests(): String {
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
            check(same(got, c["expected"])) { "status_requests.json ${c["id"]}: $got" }
            check(request.body().isEmpty()) { "GET with a body" }
            if (input["sign"] == true) {
                // A signature made elsewhere (a foreign signer) gives the same request.
                val provided = orderStatusRequest(env, token, ref, StatusSignature.Provided(signer.sign(ref.toByteArray())))
                check(headers(provided) == headers(request)) { "provided signature differs" }
            }
        }
        return "${cases.size} cases"
    }

    fun statusResponses() = "${run("status_responses.json") { i, _ ->
        statusView(parseStatusResponse(status(i.int("status")), i.s("body").toByteArray()))
    }} cases"

    fun callbacks() = "${run("callbacks.json") { i, _ -> callback(parseCallback(i.s("body").toByteArray())) }} cases"

    fun callbackUrls() = "${run("callback_urls.json") { i, _ ->
        val urls = CallbackUrls(i.s("secret").toByteArray())
        check(!urls.toString().contains(i.s("secret"))) { "secret printed" }
        when (i["operation"]) {
            "make" -> mapOf("url" to urls.callbackUrl(i.s("baseUrl"), i.s("orderReference"), i.s("paymentReference")))
            "verify" -> urls.verifyUrl(i.s("url")).let { mapOf("orderReference" to it.orderReference, "paymentReference" to it.paymentReference) }
            else -> callback(urls.verifyCallback(i.s("url"), i.s("body").toByteArray()).callback)
        }
    }} cases"

    fun ipns() = "${run("ipn.json") { i, _ ->
        if (i["operation"] == "parse") ipn(parseIpn(i.s("body").toByteArray())) else {
            val auth = IpnAuth(i.s("username"), i.s("password"))
            check(!auth.toString().contains(i.s("password"))) { "password printed" }
            auth.verify(i.so("authorization"))
            mapOf("authenticated" to true)
        }
    }} cases"

    fun reconcileCases() = "${run("reconcile.json") { i, _ ->
        val e = i["expected"].obj()
        val status = i.so("status")?.let {
            when (val r = parseStatusResponse(200.toUShort(), it.toByteArray())) {
                is StatusResponse.Found -> r.status
                else -> throw Failure("status body not found: $r")
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
                check(it.description.isNotEmpty()) { "empty description" }
                linkedMapOf("kind" to it.kind.name.lowercase(), "sources" to it.sources.map { s -> s.name.lowercase() })
            },
        )
    }} cases"

    /** The answers table's view: the type, and kind and action for a rejection; nothing else is compared. */
    private fun answerView(type: String, r: Rejection?): Map<String, Any?> =
        if (r == null) mapOf("type" to type)
        else mapOf("type" to "rejected", "kind" to r.kind.name.lowercase(), "action" to r.action.name.lowercase())

    fun answers() = "${run("answers.json") { i, _ ->
        val status = status(i.int("status"))
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
            else -> throw Failure("unknown endpoint ${i["endpoint"]}")
        }
    }} cases"

    private val endpoints = mapOf("token" to Endpoint.TOKEN, "init" to Endpoint.INIT, "status" to Endpoint.STATUS)
    private val failures = mapOf(
        "connect_failed" to TransportFailure.CONNECT_FAILED, "timeout" to TransportFailure.TIMEOUT,
        "connection_lost" to TransportFailure.CONNECTION_LOST,
    )

    fun transport(): String {
        val n = run("transport.json") { i, _ ->
            val endpoint = endpoints[i.s("endpoint")] ?: throw Failure("unknown endpoint ${i["endpoint"]}")
            val failure = failures[i.s("failure")] ?: throw Failure("unknown failure ${i["failure"]}")
            mapOf("action" to adviseTransportFailure(endpoint, failure).name.lowercase())
        }
        // Every endpoint x failure pair is a case: an enum value added on either side needs a vector.
        check(n == Endpoint.values().size * TransportFailure.values().size) { "$n cases" }
        check(endpoints.values.toSet() == Endpoint.values().toSet() && failures.values.toSet() == TransportFailure.values().toSet()) { "enum values without a code" }
        return "$n cases"
    }

    fun everyFileRun(): String {
        val files = dir.listFiles()!!.map { it.name }.filter { it.endsWith(".json") }.sorted()
        val run = listOf(
            "answers.json", "callback_urls.json", "callbacks.json", "flows.json", "init_responses.json", "ipn.json", "keys.json",
            "reconcile.json", "signature_doctor.json", "signatures.json", "status_requests.json", "status_responses.json", "stk_push.json",
            "token_responses.json", "token_state.json", "transport.json",
        )
        check(files == run) { "vector files changed: $files" }
        return "${files.size} files"
    }

    fun all(): List<Pair<String, () -> String>> = listOf(
        "vectors: stk_push.json" to ::stkPush,
        "vectors: keys.json" to ::keys,
        "vectors: signatures.json" to ::signatures,
        "vectors: init_responses.json" to ::initResponses,
        "vectors: answers.json" to ::answers,
        "vectors: transport.json" to ::transport,
        "vectors: token_responses.json" to ::tokenResponses,
        "vectors: token_state.json" to ::tokenState,
        "vectors: status_requests.json" to ::statusRequests,
        "vectors: status_responses.json" to ::statusResponses,
        "vectors: callbacks.json" to ::callbacks,
        "vectors: callback_urls.json" to ::callbackUrls,
        "vectors: ipn.json" to ::ipns,
        "vectors: reconcile.json" to ::reconcileCases,
        "vectors: every file is run" to ::everyFileRun,
    )
}

/** `code` and `field` of every JengaException variant. */
fun codeAndField(e: JengaException): Pair<String, String?> = when (e) {
    is JengaException.Validation -> e.code to e.field
    is JengaException.Key -> e.code to e.field
    is JengaException.Signature -> e.code to e.field
    is JengaException.Parse -> e.code to e.field
    is JengaException.Auth -> e.code to e.field
    is JengaException.Rejected -> e.code to e.field
    is JengaException.Flow -> e.code to e.field
    is JengaException.NotStarted -> e.code to e.field
}
