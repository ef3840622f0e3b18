// The Kotlin JengaClient (package jenga.stk.client) against the sandbox over
// real HTTP: one test per fault, asserting on the sandbox's counters (one
// prompt per order, one token for many payments, bounded retries), plus the
// blocking and CompletableFuture drivers, cancellation while a request is in
// flight, the whole-answer timeout, saving and resuming, and the webhook helpers.
package jenga.stk.tests

import com.sun.net.httpserver.HttpServer
import jenga.stk.*
import jenga.stk.client.JengaClient
import jenga.stk.client.Payment
import jenga.stk.client.PaymentRequest
import jenga.stk.examples.Shop
import java.io.File
import java.math.BigDecimal
import java.net.InetSocketAddress
import java.time.Duration
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReference

class ClientTests(private val v: Vectors, private val root: File, private val sandboxBin: String) : AutoCloseable {
    private var started: SandboxControl? = null
    private val sandbox: SandboxControl get() = started ?: SandboxControl(root, sandboxBin).also { started = it }
    private val run = System.currentTimeMillis().toString(36).uppercase()
    private val orders = AtomicInteger()
    private val pem = v.key("test-pkcs1-2048")

    /** Fast: no test waits longer than it must. */
    private val fast = defaultRetryPolicy().copy(
        maxPushes = 2u, maxRetries = 2u, initialBackoff = ms(20), maxBackoff = ms(100), confirmDelay = ms(50),
        firstPoll = ms(100), maxPollInterval = ms(300), timeout = Duration.ofSeconds(20), requestTimeout = Duration.ofSeconds(5),
        tokenWait = ms(20),
    )

    private fun ms(n: Long) = Duration.ofMillis(n)

    private fun builder(policy: RetryPolicy = fast, environment: String = sandbox.baseUrl) = JengaClient.builder()
        .environment(environment)
        .credentials("sandbox-api-key", "0000000000", "sandbox-consumer-secret")
        .privateKey(pem)
        .callbacks(sandbox.callbackSecret, sandbox.callbackBase)
        .ipnCredentials("sandbox-ipn", "sandbox-ipn-password")
        .retryPolicy(policy)

    /** A fresh client (its own token state) receiving the sandbox's deliveries. */
    private fun client(policy: RetryPolicy = fast, configure: JengaClient.Builder.() -> Unit = {}): JengaClient {
        sandbox.client?.close()
        val c = builder(policy).apply(configure).build()
        sandbox.client = c
        return c
    }

    private fun order(phone: String = "0722000000") = PaymentRequest(
        orderReference = "KC$run${orders.incrementAndGet()}", amount = BigDecimal("2"), phone = phone,
        customerName = "John Doe", customerEmail = "john@example.com", identityNumber = "0000000", description = "Kotlin client test",
    )

    private fun paid(o: Outcome, what: String, p: Payment? = null) {
        check(o.kind == OutcomeKind.PAID && o.reconciliation.state == PaymentState.PAID && o.reconciliation.confirmed) { "$what: $o\n${p?.toJson()}" }
        check(o.reconciliation.amountPaid == BigDecimal("2") && o.reconciliation.mpesaReceipt != null) { "$what: $o" }
    }

    private fun savedList(p: Payment, key: String) = Json.parse(p.toJson()).obj()[key].list()

    private fun notStarted(call: () -> Unit): JengaException.NotStarted = try {
        call(); throw Failure("the payment started")
    } catch (e: JengaException.NotStarted) {
        e
    } catch (e: ExecutionException) {
        e.cause as? JengaException.NotStarted ?: throw e
    }

    // ------------------------------------------------------------------ the happy paths

    fun paidWokenByDeliveries(): String {
        val c = client(fast.copy(firstPoll = Duration.ofSeconds(10)))
        val o = order()
        val t0 = System.nanoTime()
        val p = c.startPayment(o)
        check(p.phase == Phase.WAITING && p.pushKnown && p.accepted != null && c.payment(o.orderReference) === p) { "$p" }
        val outcome = p.await(Duration.ofSeconds(15))
        val elapsed = (System.nanoTime() - t0) / 1_000_000
        paid(outcome, "paid")
        // Woken by the callback / IPN: the first status poll was 10 s away.
        check(elapsed < 5000) { "took $elapsed ms: the evidence did not wake the wait" }
        check(outcome.reconciliation.decidedBy in setOf(EvidenceSource.IPN, EvidenceSource.STATUS_QUERY)) { "$outcome" }
        check(sandbox.pushes(o.orderReference) == 1 && sandbox.count("tokenRequests") == 1) { "${sandbox.counters()}" }
        check(p.await() == outcome && p.outcome == outcome) { "a second await differs" }
        return "paid in $elapsed ms (first poll 10 s away), decided by ${outcome.reconciliation.decidedBy}"
    }

    fun failedCustomer(): String {
        val c = client()
        val outcome = c.startPayment(order("0722000001")).await()
        check(outcome.kind == OutcomeKind.FAILED && outcome.reconciliation.state == PaymentState.FAILED && outcome.reconciliation.confirmed) { "$outcome" }
        return "cancelled by the customer: FAILED"
    }

    fun asyncPayment(): String {
        val c = client()
        val outcome = c.startPaymentAsync(order()).thenCompose { it.awaitAsync() }.get(20, TimeUnit.SECONDS)
        paid(outcome, "async")
        return "startPaymentAsync + awaitAsync: PAID"
    }

    // ------------------------------------------------------------------ faults

    fun dropAfterAccept(): String {
        val c = client()
        sandbox.fault("""{"endpoint":"init","fault":"drop_after_accept"}""")
        val o = order()
        val p = c.startPayment(o)
        check(p.pushKnown && p.accepted == null) { "known by the status query, not by an answer: $p" }
        val outcome = p.await()
        paid(outcome, "drop_after_accept")
        check(outcome.transportFailure == TransportFailure.CONNECTION_LOST && outcome.paymentReferences.size == 1) { "$outcome" }
        check(sandbox.pushes(o.orderReference) == 1 && sandbox.count("initRequests") == 1) { "${sandbox.counters()}" }
        return "answer lost: asked first, pushes[order] == 1, PAID"
    }

    fun slowPastTimeout(): String {
        val c = client(fast.copy(requestTimeout = ms(1000)))
        sandbox.fault("""{"endpoint":"init","fault":"slow","delayMs":2500}""")
        val o = order()
        val t0 = System.nanoTime()
        val p = c.startPayment(o)
        val startMs = (System.nanoTime() - t0) / 1_000_000
        // The push is processed at once: its callback and IPN came while its answer was awaited.
        check(sandbox.handedIn("ipn", o.orderReference) == 1) { "the IPN did not arrive during the push" }
        val outcome = p.await()
        paid(outcome, "slow", p)
        check(outcome.transportFailure == TransportFailure.TIMEOUT) { "$outcome" }
        check(sandbox.pushes(o.orderReference) == 1 && sandbox.count("initRequests") == 1) { "${sandbox.counters()}" }
        check(startMs < 2500) { "startPayment waited for the slow answer ($startMs ms)" }
        return "timed out at 1 s (answer due at 2.5 s; IPN came meanwhile), pushes[order] == 1, PAID"
    }

    fun gatewayErrorOnInit(): String {
        // Not processed: the provider says twice it does not know the order, then a new push.
        val c = client()
        sandbox.fault("""{"endpoint":"init","fault":"server_error_html","status":502}""")
        val o = order()
        val outcome = c.startPayment(o).await()
        paid(outcome, "502 before processing")
        check(outcome.paymentReferences.size == 2) { "$outcome" }
        check(sandbox.count("initRequests") == 2 && sandbox.pushes(o.orderReference) == 1 && sandbox.count("statusQueries") >= 2) { "${sandbox.counters()}" }
        // Processed, then the 504: the status query finds it, no second push.
        sandbox.reset()
        sandbox.fault("""{"endpoint":"init","fault":"server_error_html","status":504,"afterAccept":true}""")
        val o2 = order()
        val after = c.startPayment(o2).await()
        paid(after, "504 after processing")
        check(after.paymentReferences.size == 1 && sandbox.count("initRequests") == 1 && sandbox.pushes(o2.orderReference) == 1) { "${sandbox.counters()}" }
        return "502 unprocessed: asked twice, pushed again once; 504 processed: found, not pushed again"
    }

    fun oneTokenForManyPayments(): String {
        // Two threads for every step of 100 payments: a driver that blocked a thread would stall them all.
        val steps = Executors.newFixedThreadPool(2)
        try {
            val c = client { executor(steps) }
            val payments = (1..100).map { c.startPaymentAsync(order()) }
            CompletableFuture.allOf(*payments.toTypedArray()).get(60, TimeUnit.SECONDS)
            val outcomes = payments.map { it.get().awaitAsync() }
            CompletableFuture.allOf(*outcomes.toTypedArray()).get(60, TimeUnit.SECONDS)
            outcomes.forEachIndexed { i, f -> paid(f.get(), "payment $i") }
            val counters = sandbox.counters()
            check(sandbox.count("tokenRequests") == 1 && sandbox.count("pushesTotal") == 100) { "$counters" }
            return "100 concurrent payments on 2 threads: tokenRequests == 1, 100 PAID"
        } finally {
            steps.shutdown()
        }
    }

    fun unauthorizedRecovered(): String {
        val c = client()
        sandbox.fault("""{"endpoint":"init","fault":"unauthorized"}""")
        val o = order()
        val outcome = c.startPayment(o).await()
        paid(outcome, "401")
        check(sandbox.count("tokenRequests") == 2 && sandbox.pushes(o.orderReference) == 1 && sandbox.count("initRequests") == 2) { "${sandbox.counters()}" }
        return "401 on init: one refresh (tokenRequests == 2), pushes[order] == 1"
    }

    fun tokenEndpointFailing(): String {
        val c = client()
        sandbox.fault("""{"endpoint":"token","fault":"server_error_html","count":3}""")
        val e = notStarted { c.startPayment(order()) }
        check(e.code == "payment_not_sent" && e.outcome.kind == OutcomeKind.NOT_SENT) { "${e.code} ${e.outcome}" }
        check(e.outcome.rejection?.kind == RejectionKind.SERVER_ERROR) { "${e.outcome}" }
        check(sandbox.count("tokenRequests") == 3 && sandbox.count("initRequests") == 0) { "${sandbox.counters()}" }
        return "token 502 ×3: maxRetries + 1 = 3 token requests, then NotStarted(payment_not_sent)"
    }

    fun rateLimitedPush(): String {
        val c = client()
        sandbox.fault("""{"endpoint":"init","fault":"rate_limited","count":2,"retryAfterSecs":1}""")
        val t0 = System.nanoTime()
        val e = notStarted { c.startPaymentAsync(order()).get(20, TimeUnit.SECONDS) }
        val elapsed = (System.nanoTime() - t0) / 1_000_000
        check(e.code == "payment_rejected" && e.outcome.kind == OutcomeKind.REJECTED) { "${e.code} ${e.outcome}" }
        check(e.outcome.rejection?.kind == RejectionKind.RATE_LIMITED && e.outcome.paymentReferences.size == 2) { "${e.outcome}" }
        check(sandbox.count("initRequests") == 2 && sandbox.count("pushesTotal") == 0) { "${sandbox.counters()}" }
        check(elapsed >= 1000) { "Retry-After: 1 not honoured ($elapsed ms)" }
        return "init 429 ×2: two pushes (Retry-After honoured), NotStarted(payment_rejected), pushesTotal == 0"
    }

    fun statusErrorsRetried(): String {
        val c = client()
        sandbox.deliveries("""{"callback":"never","ipn":"never"}""")
        sandbox.fault("""[{"endpoint":"status","fault":"rate_limited","retryAfterSecs":1},{"endpoint":"status","fault":"server_error_html","status":503}]""")
        val o = order()
        val outcome = c.startPayment(o).await()
        paid(outcome, "status 429 + 503")
        check(outcome.reconciliation.decidedBy == EvidenceSource.STATUS_QUERY) { "$outcome" }
        check(sandbox.count("statusQueries") >= 3 && sandbox.pushes(o.orderReference) == 1) { "${sandbox.counters()}" }
        return "status 429 then 503 while waiting: polled on, PAID by the status query"
    }

    fun connectFailed(): String {
        val c = JengaClient.builder().environment("http://127.0.0.1:1")
            .credentials("sandbox-api-key", "0000000000", "sandbox-consumer-secret").privateKey(pem)
            .callbackUrl("https://shop.example.com/jenga/callback").retryPolicy(fast).build()
        c.use {
            val e = notStarted { it.startPayment(order()) }
            check(e.code == "payment_not_sent" && e.outcome.transportFailure == TransportFailure.CONNECT_FAILED) { "${e.outcome}" }
        }
        return "connection refused: CONNECT_FAILED, NotStarted(payment_not_sent)"
    }

    /** A server that sends the answer's headers, then stalls the body: the timeout must cover the body. */
    fun timeoutCoversTheBody(): String {
        val stall = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        stall.executor = Executors.newCachedThreadPool()
        val requests = AtomicInteger()
        stall.createContext("/") { ex ->
            requests.incrementAndGet()
            ex.sendResponseHeaders(200, 0)
            ex.responseBody.write("{\"accessToken\":".toByteArray()); ex.responseBody.flush()
            try { Thread.sleep(3000) } catch (e: InterruptedException) {}
            ex.close()
        }
        stall.start()
        try {
            val c = JengaClient.builder().environment("http://127.0.0.1:${stall.address.port}")
                .credentials("k", "m", "s").privateKey(pem).callbackUrl("https://shop.example.com/cb")
                .retryPolicy(fast.copy(requestTimeout = ms(300), maxRetries = 1u)).build()
            val t0 = System.nanoTime()
            val e = notStarted { c.startPayment(order()) }
            val elapsed = (System.nanoTime() - t0) / 1_000_000
            check(e.outcome.transportFailure == TransportFailure.TIMEOUT && requests.get() == 2) { "${e.outcome} after ${requests.get()} requests" }
            check(elapsed < 2500) { "took $elapsed ms: the body read was not bounded" }
            return "headers then a stalled body: TIMEOUT at 300 ms each (2 tries in $elapsed ms)"
        } finally {
            stall.stop(0)
        }
    }

    // ------------------------------------------------------------------ deliveries

    fun duplicateDeliveries(): String {
        val c = client()
        sandbox.deliveries("""{"callback":"twice","ipn":"twice"}""")
        val o = order()
        val p = c.startPayment(o)
        val outcome = p.await()
        paid(outcome, "twice")
        val counters = sandbox.settle()
        check((counters["callbackAttempts"] as BigDecimal).toInt() == 2 && (counters["ipnAttempts"] as BigDecimal).toInt() == 2) { "$counters" }
        check(sandbox.handedIn("callback", o.orderReference) == 2 && sandbox.handedIn("ipn", o.orderReference) == 2) { "not all handed in" }
        check(savedList(p, "callbacks").size == 1 && savedList(p, "ipns").size == 1) { p.toJson() }
        // Later evidence may change who decided (the IPN after the status query), never the decision.
        val after = p.outcome ?: throw Failure("no outcome")
        check(after.kind == OutcomeKind.PAID && after.reconciliation.mpesaReceipt == outcome.reconciliation.mpesaReceipt && after.reconciliation.conflicts.isEmpty()) { "the outcome changed: $after" }
        return "callback ×2 and IPN ×2 handed in: one of each kept, one PAID outcome, unchanged"
    }

    fun callbackAfterIpn(): String {
        val c = client()
        sandbox.deliveries("""{"callback":"after_ipn","ipnDelayMs":50}""")
        val o = order()
        val p = c.startPayment(o)
        val outcome = p.await()
        paid(outcome, "after_ipn")
        sandbox.settle()
        check(sandbox.handedIn("callback", o.orderReference) == 1 && sandbox.handedIn("ipn", o.orderReference) == 1) { "not all handed in" }
        check(p.outcome?.kind == OutcomeKind.PAID && p.outcome?.reconciliation?.mpesaReceipt == outcome.reconciliation.mpesaReceipt) { "the outcome changed: ${p.outcome}" }
        return "IPN first, callback after: PAID, unchanged by the late callback"
    }

    fun neverDelivered(): String {
        val c = client()
        sandbox.deliveries("""{"callback":"never","ipn":"never"}""")
        val p = c.startPayment(order())
        val outcome = p.await()
        paid(outcome, "never")
        check(outcome.reconciliation.decidedBy == EvidenceSource.STATUS_QUERY) { "$outcome" }
        val counters = sandbox.settle()
        check((counters["callbackAttempts"] as BigDecimal).toInt() == 0 && (counters["ipnAttempts"] as BigDecimal).toInt() == 0) { "$counters" }
        return "no callback, no IPN: PAID by the status query"
    }

    // ------------------------------------------------------------------ cancellation, saving

    fun cancelledWhileInFlight(): String {
        val c = client()
        sandbox.fault("""{"endpoint":"init","fault":"slow","delayMs":1500}""")
        val o = order()
        val future = c.startPaymentAsync(o)
        val p = c.payment(o.orderReference) ?: throw Failure("not registered")
        sandbox.awaitCount("initRequests", 1)
        check(future.cancel(true)) { "not cancelled" }
        try { future.get(); throw Failure("completed") } catch (e: CancellationException) {}
        // The flow heard of the abandoned push first: it asks the provider, never pushes blindly.
        check(p.phase == Phase.CONFIRMING) { "$p" }
        check(Json.parse(p.toJson()).obj()["lastFailure"] == "connection_lost") { p.toJson() }
        val outcome = p.await()
        paid(outcome, "after cancel")
        check(sandbox.pushes(o.orderReference) == 1 && sandbox.count("initRequests") == 1) { "${sandbox.counters()}" }
        return "future cancelled mid-push: CONNECTION_LOST reported, CONFIRMING, then PAID with pushes[order] == 1"
    }

    fun interruptedWhileInFlight(): String {
        val c = client()
        sandbox.fault("""{"endpoint":"init","fault":"slow","delayMs":1500}""")
        val o = order()
        val thrown = AtomicReference<Throwable?>()
        val thread = Thread { try { c.startPayment(o) } catch (t: Throwable) { thrown.set(t) } }
        thread.start()
        sandbox.awaitCount("initRequests", 1)
        val p = c.payment(o.orderReference) ?: throw Failure("not registered")
        thread.interrupt()
        thread.join(5000)
        check(thrown.get() is InterruptedException) { "thrown ${thrown.get()}" }
        check(p.phase == Phase.CONFIRMING) { "$p" }
        paid(p.await(), "after interrupt")
        check(sandbox.pushes(o.orderReference) == 1) { "${sandbox.counters()}" }
        return "thread interrupted mid-push: InterruptedException, CONFIRMING, then PAID with pushes[order] == 1"
    }

    fun awaitTimeoutAndResume(): String {
        val c = client(fast.copy(firstPoll = Duration.ofSeconds(30)))
        sandbox.deliveries("""{"callback":"never","ipn":"never"}""")
        val o = order()
        val p = c.startPayment(o)
        try { p.await(ms(200)); throw Failure("ended") } catch (e: TimeoutException) {}
        val saved = p.toJson()
        check(!saved.contains("sandbox-consumer-secret") && !saved.contains("eyJ")) { "a secret in the saved state" }
        // Another process: a new client (its own token), the same configuration.
        val other = client()
        val resumed = other.resume(saved)
        check(resumed.orderReference == o.orderReference && resumed.phase == Phase.WAITING && other.payment(o.orderReference) === resumed) { "$resumed" }
        resumed.checkStatus()
        val outcome = resumed.await()
        paid(outcome, "resumed")
        check(sandbox.pushes(o.orderReference) == 1 && sandbox.count("tokenRequests") == 2) { "${sandbox.counters()}" }
        return "await(200 ms) timed out; saved, resumed by another client, PAID (pushes[order] == 1)"
    }

    fun queryAndWebhooks(): String {
        val c = client()
        val o = order()
        paid(c.startPayment(o).await(), "query")
        val status = c.queryStatus(o.orderReference)
        check(status is StatusResponse.Found && status.status.order.status == OrderState.Paid) { "$status" }
        val unknown = c.queryStatus("KC${run}NOSUCHORDER")
        check(unknown is StatusResponse.NotFound) { "$unknown" }
        // Forged or altered webhooks are typed Auth errors.
        val url = CallbackUrls(sandbox.callbackSecret).callbackUrl(sandbox.callbackBase, o.orderReference, "PR1")
        val body = """{"transactionReference":"PR1","data":{"Body":{"stkCallback":{"ResultCode":1032}}}}""".toByteArray()
        check(c.verifyCallback(url, body).refs.orderReference == o.orderReference) { "verify" }
        try { c.verifyCallback(url.replace("PR1", "PR2"), body); throw Failure("altered URL accepted") } catch (e: JengaException.Auth) {}
        try { c.verifyIpn("Basic d3Jvbmc6d3Jvbmc=", ByteArray(0)); throw Failure("wrong IPN auth accepted") } catch (e: JengaException.Auth) {}
        try { c.verifyIpn(null, ByteArray(0)); throw Failure("missing IPN auth accepted") } catch (e: JengaException.Auth) {}
        // Evidence of another payment is refused by the flow.
        val p = c.payment(o.orderReference)!!
        try { p.handleCallback(parseCallback(body)); throw Failure("another payment's callback taken") } catch (e: JengaException.Flow) {
            check(e.code == "flow_not_this_payment") { e.code }
        }
        return "queryStatus Found/NotFound; verifyCallback/verifyIpn refuse forgeries; flow_not_this_payment"
    }

    /** examples/kotlin/Shop.kt, the merchant's whole integration, against the sandbox. */
    fun exampleShop(): String {
        val c = client()
        val orders = java.util.concurrent.ConcurrentHashMap<String, String>()
        val shop = Shop(c, orders)
        sandbox.onCallback = shop::callback
        sandbox.onIpn = shop::ipn
        val paidOrder = order().orderReference
        val cancelledOrder = order().orderReference
        val outcomes = listOf(
            shop.checkout(paidOrder, BigDecimal("2"), "0722000000"),
            shop.checkout(cancelledOrder, BigDecimal("2"), "0722000001"),
        ).map { it.awaitAsync().get(20, TimeUnit.SECONDS) }
        paid(outcomes[0], "shop")
        check(outcomes[1].kind == OutcomeKind.FAILED) { "${outcomes[1]}" }
        sandbox.settle()
        // The shop's database holds each payment's final state (saved by the webhooks and the awaiter).
        val end = System.currentTimeMillis() + 5000
        fun ended(order: String) = orders[order]?.let { Json.parse(it).obj()["ended"] }
        while ((ended(paidOrder) != "paid" || ended(cancelledOrder) != "failed") && System.currentTimeMillis() < end) Thread.sleep(10)
        check(ended(paidOrder) == "paid" && ended(cancelledOrder) == "failed") { "saved: ${ended(paidOrder)} ${ended(cancelledOrder)}" }
        check(sandbox.count("tokenRequests") == 1 && sandbox.refused.get() == 0) { "${sandbox.counters()}" }
        // A forged callback is refused by the shop's handler.
        check(shop.callback("/jenga/callback?jenga_order=$paidOrder&jenga_payment=X&jenga_token=forged", "{}".toByteArray()) == 401) { "forged callback" }
        return "checkout + webhooks: one order PAID, one FAILED, saved states final, a forgery refused"
    }

    fun validationAndSecrets(): String {
        val c = client()
        try {
            c.startPayment(order().copy(amount = BigDecimal("2.5"), phone = "12", customerEmail = ""))
            throw Failure("invalid order accepted")
        } catch (e: JengaException.Validation) {
            val fields = e.problems.map { it.field }
            check(fields.containsAll(listOf("order.orderAmount", "payment.details.msisdn"))) { "every problem at once: $fields" }
        }
        val async = c.startPaymentAsync(order().copy(amount = BigDecimal("-1")))
        try { async.get(); throw Failure("accepted") } catch (e: ExecutionException) { check(e.cause is JengaException.Validation) { "${e.cause}" } }
        for (text in listOf(c.toString(), builder().toString())) {
            for (secret in listOf("sandbox-consumer-secret", "sandbox-api-key", "sandbox-ipn-password", "PRIVATE", String(sandbox.callbackSecret))) {
                check(!text.contains(secret)) { "shows a secret: $text" }
            }
        }
        try { JengaClient.builder().environment("uat").build(); throw Failure("built without credentials") } catch (e: IllegalStateException) {}
        return "every problem at once (sync and async); toString redacted; missing settings refused"
    }

    fun all(): List<Pair<String, () -> String>> = listOf(
        "client: paid, woken early by callback/IPN" to ::paidWokenByDeliveries,
        "client: customer cancels" to ::failedCustomer,
        "client: startPaymentAsync + awaitAsync" to ::asyncPayment,
        "client: answer lost after accept (drop_after_accept)" to ::dropAfterAccept,
        "client: answer slower than the timeout (slow)" to ::slowPastTimeout,
        "client: 5xx HTML on init, before and after processing" to ::gatewayErrorOnInit,
        "client: 100 concurrent payments, one token" to ::oneTokenForManyPayments,
        "client: 401 on init recovered with one refresh" to ::unauthorizedRecovered,
        "client: token endpoint failing past maxRetries" to ::tokenEndpointFailing,
        "client: init 429 twice" to ::rateLimitedPush,
        "client: status 429 and 503 while waiting" to ::statusErrorsRetried,
        "client: connection refused" to ::connectFailed,
        "client: the timeout covers the body" to ::timeoutCoversTheBody,
        "client: duplicate deliveries" to ::duplicateDeliveries,
        "client: callback after the IPN" to ::callbackAfterIpn,
        "client: callback and IPN never delivered" to ::neverDelivered,
        "client: future cancelled while the push is in flight" to ::cancelledWhileInFlight,
        "client: thread interrupted while the push is in flight" to ::interruptedWhileInFlight,
        "client: await timeout, save, resume elsewhere" to ::awaitTimeoutAndResume,
        "client: queryStatus and webhook helpers" to ::queryAndWebhooks,
        "client: validation and secrets" to ::validationAndSecrets,
        "client: the example shop (examples/kotlin/Shop.kt)" to ::exampleShop,
    ).map { (name, test) -> name to { sandbox.reset(); test() } }

    override fun close() {
        sandbox.client?.close()
        started?.close()
    }
}
