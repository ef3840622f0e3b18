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
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
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

/** One sandbox process for the class (started by the first test), reset before each test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientTest : Covered() {
    private val v = Fixtures
    private var started: SandboxControl? = null
    private val sandbox: SandboxControl get() = started ?: SandboxControl(Fixtures.root, Fixtures.sandbox).also { started = it }
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
        assertTrue(o.kind == OutcomeKind.PAID && o.reconciliation.state == PaymentState.PAID && o.reconciliation.confirmed) { "$what: $o\n${p?.toJson()}" }
        assertTrue(o.reconciliation.amountPaid == BigDecimal("2.00") && o.reconciliation.mpesaReceipt != null) { "$what: $o" }
    }

    private fun savedList(p: Payment, key: String) = Json.parse(p.toJson()).obj()[key].list()

    private fun notStarted(call: () -> Unit): JengaException.NotStarted = try {
        call(); fail("the payment started")
    } catch (e: JengaException.NotStarted) {
        e
    } catch (e: ExecutionException) {
        e.cause as? JengaException.NotStarted ?: throw e
    }

    // ------------------------------------------------------------------ the happy paths

    @Test
    @DisplayName("client: paid, woken early by callback/IPN")
    fun paidWokenByDeliveries() {
        val c = client(fast.copy(firstPoll = Duration.ofSeconds(10)))
        val o = order()
        val t0 = System.nanoTime()
        val p = c.startPayment(o)
        assertTrue(p.phase == Phase.WAITING && p.pushKnown && p.accepted != null && c.payment(o.orderReference) === p) { "$p" }
        val outcome = p.await(Duration.ofSeconds(15))
        val elapsed = (System.nanoTime() - t0) / 1_000_000
        paid(outcome, "paid")
        // Woken by the callback / IPN: the first status poll was 10 s away.
        assertTrue(elapsed < 5000) { "took $elapsed ms: the evidence did not wake the wait" }
        assertTrue(outcome.reconciliation.decidedBy in setOf(EvidenceSource.IPN, EvidenceSource.STATUS_QUERY)) { "$outcome" }
        assertTrue(sandbox.pushes(o.orderReference) == 1 && sandbox.count("tokenRequests") == 1) { "${sandbox.counters()}" }
        assertTrue(p.await() == outcome && p.outcome == outcome) { "a second await differs" }
        note("paid in $elapsed ms (first poll 10 s away), decided by ${outcome.reconciliation.decidedBy}")
    }

    @Test
    @DisplayName("client: customer cancels")
    fun failedCustomer() {
        val c = client()
        val outcome = c.startPayment(order("0722000001")).await()
        assertTrue(outcome.kind == OutcomeKind.FAILED && outcome.reconciliation.state == PaymentState.FAILED && outcome.reconciliation.confirmed) { "$outcome" }
        note("cancelled by the customer: FAILED")
    }

    @Test
    @DisplayName("client: startPaymentAsync + awaitAsync")
    fun asyncPayment() {
        val c = client()
        val outcome = c.startPaymentAsync(order()).thenCompose { it.awaitAsync() }.get(20, TimeUnit.SECONDS)
        paid(outcome, "async")
        note("startPaymentAsync + awaitAsync: PAID")
    }

    // ------------------------------------------------------------------ faults

    @Test
    @DisplayName("client: answer lost after accept (drop_after_accept)")
    fun dropAfterAccept() {
        val c = client()
        sandbox.fault("""{"endpoint":"init","fault":"drop_after_accept"}""")
        val o = order()
        val p = c.startPayment(o)
        assertTrue(p.pushKnown && p.accepted == null) { "known by the status query, not by an answer: $p" }
        val outcome = p.await()
        paid(outcome, "drop_after_accept")
        assertTrue(outcome.transportFailure == TransportFailure.CONNECTION_LOST && outcome.paymentReferences.size == 1) { "$outcome" }
        assertTrue(sandbox.pushes(o.orderReference) == 1 && sandbox.count("initRequests") == 1) { "${sandbox.counters()}" }
        note("answer lost: asked first, pushes[order] == 1, PAID")
    }

    @Test
    @DisplayName("client: answer slower than the timeout (slow)")
    fun slowPastTimeout() {
        val c = client(fast.copy(requestTimeout = ms(1000)))
        sandbox.fault("""{"endpoint":"init","fault":"slow","delayMs":2500}""")
        val o = order()
        val t0 = System.nanoTime()
        val p = c.startPayment(o)
        val startMs = (System.nanoTime() - t0) / 1_000_000
        // The push is processed at once: its callback and IPN (20 ms later) are handed in while its
        // answer is awaited (due at 2.5 s, given up at 1 s). The client hands them to the flow as they
        // come; the core decides: the IPN ends the payment paid, and the timeout that follows only
        // informs (no status query, no second push, no transport failure in the outcome).
        assertTrue(sandbox.handedIn("ipn", o.orderReference) == 1) { "the IPN did not arrive during the push" }
        val outcome = p.await()
        paid(outcome, "slow", p)
        assertTrue(outcome.reconciliation.decidedBy == EvidenceSource.IPN && outcome.transportFailure == null) { "$outcome" }
        assertTrue(sandbox.pushes(o.orderReference) == 1 && sandbox.count("initRequests") == 1 && sandbox.count("statusQueries") == 0) { "${sandbox.counters()}" }
        assertTrue(startMs < 2500) { "startPayment waited for the slow answer ($startMs ms)" }
        note("IPN handed in while the push was in flight: PAID by the IPN, timeout at 1 s ignored, pushes[order] == 1, no status query")
    }

    @Test
    @DisplayName("client: 5xx HTML on init, before and after processing")
    fun gatewayErrorOnInit() {
        // Not processed: the provider says twice it does not know the order, then a new push.
        val c = client()
        sandbox.fault("""{"endpoint":"init","fault":"server_error_html","status":502}""")
        val o = order()
        val outcome = c.startPayment(o).await()
        paid(outcome, "502 before processing")
        assertTrue(outcome.paymentReferences.size == 2) { "$outcome" }
        assertTrue(sandbox.count("initRequests") == 2 && sandbox.pushes(o.orderReference) == 1 && sandbox.count("statusQueries") >= 2) { "${sandbox.counters()}" }
        // Processed, then the 504: the status query finds it, no second push.
        sandbox.reset()
        sandbox.fault("""{"endpoint":"init","fault":"server_error_html","status":504,"afterAccept":true}""")
        val o2 = order()
        val after = c.startPayment(o2).await()
        paid(after, "504 after processing")
        assertTrue(after.paymentReferences.size == 1 && sandbox.count("initRequests") == 1 && sandbox.pushes(o2.orderReference) == 1) { "${sandbox.counters()}" }
        note("502 unprocessed: asked twice, pushed again once; 504 processed: found, not pushed again")
    }

    @Test
    @DisplayName("client: 100 concurrent payments, one token")
    fun oneTokenForManyPayments() {
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
            assertTrue(sandbox.count("tokenRequests") == 1 && sandbox.count("pushesTotal") == 100) { "$counters" }
            note("100 concurrent payments on 2 threads: tokenRequests == 1, 100 PAID")
        } finally {
            steps.shutdown()
        }
    }

    @Test
    @DisplayName("client: 401 on init recovered with one refresh")
    fun unauthorizedRecovered() {
        val c = client()
        sandbox.fault("""{"endpoint":"init","fault":"unauthorized"}""")
        val o = order()
        val outcome = c.startPayment(o).await()
        paid(outcome, "401")
        assertTrue(sandbox.count("tokenRequests") == 2 && sandbox.pushes(o.orderReference) == 1 && sandbox.count("initRequests") == 2) { "${sandbox.counters()}" }
        note("401 on init: one refresh (tokenRequests == 2), pushes[order] == 1")
    }

    @Test
    @DisplayName("client: token endpoint failing past maxRetries")
    fun tokenEndpointFailing() {
        val c = client()
        sandbox.fault("""{"endpoint":"token","fault":"server_error_html","count":3}""")
        val e = notStarted { c.startPayment(order()) }
        assertTrue(e.code == "payment_not_sent" && e.outcome.kind == OutcomeKind.NOT_SENT) { "${e.code} ${e.outcome}" }
        assertTrue(e.outcome.rejection?.kind == RejectionKind.SERVER_ERROR) { "${e.outcome}" }
        assertTrue(sandbox.count("tokenRequests") == 3 && sandbox.count("initRequests") == 0) { "${sandbox.counters()}" }
        note("token 502 ×3: maxRetries + 1 = 3 token requests, then NotStarted(payment_not_sent)")
    }

    @Test
    @DisplayName("client: init 429 twice")
    fun rateLimitedPush() {
        val c = client()
        sandbox.fault("""{"endpoint":"init","fault":"rate_limited","count":2,"retryAfterSecs":1}""")
        val t0 = System.nanoTime()
        val e = notStarted { c.startPaymentAsync(order()).get(20, TimeUnit.SECONDS) }
        val elapsed = (System.nanoTime() - t0) / 1_000_000
        assertTrue(e.code == "payment_rejected" && e.outcome.kind == OutcomeKind.REJECTED) { "${e.code} ${e.outcome}" }
        assertTrue(e.outcome.rejection?.kind == RejectionKind.RATE_LIMITED && e.outcome.paymentReferences.size == 2) { "${e.outcome}" }
        assertTrue(sandbox.count("initRequests") == 2 && sandbox.count("pushesTotal") == 0) { "${sandbox.counters()}" }
        assertTrue(elapsed >= 1000) { "Retry-After: 1 not honoured ($elapsed ms)" }
        note("init 429 ×2: two pushes (Retry-After honoured), NotStarted(payment_rejected), pushesTotal == 0")
    }

    @Test
    @DisplayName("client: status 429 and 503 while waiting")
    fun statusErrorsRetried() {
        val c = client()
        sandbox.deliveries("""{"callback":"never","ipn":"never"}""")
        sandbox.fault("""[{"endpoint":"status","fault":"rate_limited","retryAfterSecs":1},{"endpoint":"status","fault":"server_error_html","status":503}]""")
        val o = order()
        val outcome = c.startPayment(o).await()
        paid(outcome, "status 429 + 503")
        assertTrue(outcome.reconciliation.decidedBy == EvidenceSource.STATUS_QUERY) { "$outcome" }
        assertTrue(sandbox.count("statusQueries") >= 3 && sandbox.pushes(o.orderReference) == 1) { "${sandbox.counters()}" }
        note("status 429 then 503 while waiting: polled on, PAID by the status query")
    }

    @Test
    @DisplayName("client: connection refused")
    fun connectFailed() {
        val c = JengaClient.builder().environment("http://127.0.0.1:1")
            .credentials("sandbox-api-key", "0000000000", "sandbox-consumer-secret").privateKey(pem)
            .callbackUrl("https://shop.example.com/jenga/callback").retryPolicy(fast).build()
        c.use {
            val e = notStarted { it.startPayment(order()) }
            assertTrue(e.code == "payment_not_sent" && e.outcome.transportFailure == TransportFailure.CONNECT_FAILED) { "${e.outcome}" }
        }
        note("connection refused: CONNECT_FAILED, NotStarted(payment_not_sent)")
    }

    /** A server that sends the answer's headers, then stalls the body: the timeout must cover the body. */
    @Test
    @DisplayName("client: the timeout covers the body")
    fun timeoutCoversTheBody() {
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
            assertTrue(e.outcome.transportFailure == TransportFailure.TIMEOUT && requests.get() == 2) { "${e.outcome} after ${requests.get()} requests" }
            assertTrue(elapsed < 2500) { "took $elapsed ms: the body read was not bounded" }
            note("headers then a stalled body: TIMEOUT at 300 ms each (2 tries in $elapsed ms)")
        } finally {
            stall.stop(0)
        }
    }

    // ------------------------------------------------------------------ deliveries

    @Test
    @DisplayName("client: duplicate deliveries")
    fun duplicateDeliveries() {
        val c = client()
        sandbox.deliveries("""{"callback":"twice","ipn":"twice"}""")
        val o = order()
        val p = c.startPayment(o)
        val outcome = p.await()
        paid(outcome, "twice")
        val counters = sandbox.settle()
        assertTrue((counters["callbackAttempts"] as BigDecimal).toInt() == 2 && (counters["ipnAttempts"] as BigDecimal).toInt() == 2) { "$counters" }
        assertTrue(sandbox.handedIn("callback", o.orderReference) == 2 && sandbox.handedIn("ipn", o.orderReference) == 2) { "not all handed in" }
        assertTrue(savedList(p, "callbacks").size == 1 && savedList(p, "ipns").size == 1) { p.toJson() }
        // Later evidence may change who decided (the IPN after the status query), never the decision.
        val after = p.outcome ?: fail("no outcome")
        assertTrue(after.kind == OutcomeKind.PAID && after.reconciliation.mpesaReceipt == outcome.reconciliation.mpesaReceipt && after.reconciliation.conflicts.isEmpty()) { "the outcome changed: $after" }
        note("callback ×2 and IPN ×2 handed in: one of each kept, one PAID outcome, unchanged")
    }

    @Test
    @DisplayName("client: callback after the IPN")
    fun callbackAfterIpn() {
        val c = client()
        sandbox.deliveries("""{"callback":"after_ipn","ipnDelayMs":50}""")
        val o = order()
        val p = c.startPayment(o)
        val outcome = p.await()
        paid(outcome, "after_ipn")
        sandbox.settle()
        assertTrue(sandbox.handedIn("callback", o.orderReference) == 1 && sandbox.handedIn("ipn", o.orderReference) == 1) { "not all handed in" }
        assertTrue(p.outcome?.kind == OutcomeKind.PAID && p.outcome?.reconciliation?.mpesaReceipt == outcome.reconciliation.mpesaReceipt) { "the outcome changed: ${p.outcome}" }
        note("IPN first, callback after: PAID, unchanged by the late callback")
    }

    @Test
    @DisplayName("client: callback and IPN never delivered")
    fun neverDelivered() {
        val c = client()
        sandbox.deliveries("""{"callback":"never","ipn":"never"}""")
        val p = c.startPayment(order())
        val outcome = p.await()
        paid(outcome, "never")
        assertTrue(outcome.reconciliation.decidedBy == EvidenceSource.STATUS_QUERY) { "$outcome" }
        val counters = sandbox.settle()
        assertTrue((counters["callbackAttempts"] as BigDecimal).toInt() == 0 && (counters["ipnAttempts"] as BigDecimal).toInt() == 0) { "$counters" }
        note("no callback, no IPN: PAID by the status query")
    }

    // ------------------------------------------------------------------ cancellation, saving

    @Test
    @DisplayName("client: future cancelled while the push is in flight")
    fun cancelledWhileInFlight() {
        val c = client()
        // No deliveries: the cancellation is the flow's first news (an IPN during the push would end it paid first).
        sandbox.deliveries("""{"callback":"never","ipn":"never"}""")
        sandbox.fault("""{"endpoint":"init","fault":"slow","delayMs":1500}""")
        val o = order()
        val future = c.startPaymentAsync(o)
        val p = c.payment(o.orderReference) ?: fail("not registered")
        sandbox.awaitCount("initRequests", 1)
        assertTrue(future.cancel(true)) { "not cancelled" }
        try { future.get(); fail("completed") } catch (e: CancellationException) {}
        // The flow heard of the abandoned push first: it asks the provider, never pushes blindly.
        assertTrue(p.phase == Phase.CONFIRMING) { "$p" }
        assertTrue(Json.parse(p.toJson()).obj()["lastFailure"] == "connection_lost") { p.toJson() }
        val outcome = p.await()
        paid(outcome, "after cancel")
        assertTrue(sandbox.pushes(o.orderReference) == 1 && sandbox.count("initRequests") == 1) { "${sandbox.counters()}" }
        note("future cancelled mid-push: CONNECTION_LOST reported, CONFIRMING, then PAID with pushes[order] == 1")
    }

    @Test
    @DisplayName("client: thread interrupted while the push is in flight")
    fun interruptedWhileInFlight() {
        val c = client()
        // No deliveries: the interruption is the flow's first news (an IPN during the push would end it paid first).
        sandbox.deliveries("""{"callback":"never","ipn":"never"}""")
        sandbox.fault("""{"endpoint":"init","fault":"slow","delayMs":1500}""")
        val o = order()
        val thrown = AtomicReference<Throwable?>()
        val thread = Thread { try { c.startPayment(o) } catch (t: Throwable) { thrown.set(t) } }
        thread.start()
        sandbox.awaitCount("initRequests", 1)
        val p = c.payment(o.orderReference) ?: fail("not registered")
        thread.interrupt()
        thread.join(5000)
        assertTrue(thrown.get() is InterruptedException) { "thrown ${thrown.get()}" }
        assertTrue(p.phase == Phase.CONFIRMING) { "$p" }
        paid(p.await(), "after interrupt")
        assertTrue(sandbox.pushes(o.orderReference) == 1) { "${sandbox.counters()}" }
        note("thread interrupted mid-push: InterruptedException, CONFIRMING, then PAID with pushes[order] == 1")
    }

    @Test
    @DisplayName("client: await timeout, save, resume elsewhere")
    fun awaitTimeoutAndResume() {
        val c = client(fast.copy(firstPoll = Duration.ofSeconds(30)))
        sandbox.deliveries("""{"callback":"never","ipn":"never"}""")
        val o = order()
        val p = c.startPayment(o)
        try { p.await(ms(200)); fail("ended") } catch (e: TimeoutException) {}
        val saved = p.toJson()
        assertTrue(!saved.contains("sandbox-consumer-secret") && !saved.contains("eyJ")) { "a secret in the saved state" }
        // Another process: a new client (its own token), the same configuration.
        val other = client()
        val resumed = other.resume(saved)
        assertTrue(resumed.orderReference == o.orderReference && resumed.phase == Phase.WAITING && other.payment(o.orderReference) === resumed) { "$resumed" }
        resumed.checkStatus()
        val outcome = resumed.await()
        paid(outcome, "resumed")
        assertTrue(sandbox.pushes(o.orderReference) == 1 && sandbox.count("tokenRequests") == 2) { "${sandbox.counters()}" }
        note("await(200 ms) timed out; saved, resumed by another client, PAID (pushes[order] == 1)")
    }

    @Test
    @DisplayName("client: queryStatus and webhook helpers")
    fun queryAndWebhooks() {
        val c = client()
        val o = order()
        paid(c.startPayment(o).await(), "query")
        val status = c.queryStatus(o.orderReference)
        assertTrue(status is StatusResponse.Found && status.status.order.status == OrderState.Paid) { "$status" }
        val unknown = c.queryStatus("KC${run}NOSUCHORDER")
        assertTrue(unknown is StatusResponse.NotFound) { "$unknown" }
        // Forged or altered webhooks are typed Auth errors.
        val url = CallbackUrls(sandbox.callbackSecret).callbackUrl(sandbox.callbackBase, o.orderReference, "PR1")
        val body = """{"transactionReference":"PR1","data":{"Body":{"stkCallback":{"ResultCode":1032}}}}""".toByteArray()
        assertTrue(c.verifyCallback(url, body).refs.orderReference == o.orderReference) { "verify" }
        try { c.verifyCallback(url.replace("PR1", "PR2"), body); fail("altered URL accepted") } catch (e: JengaException.Auth) {}
        try { c.verifyIpn("Basic d3Jvbmc6d3Jvbmc=", ByteArray(0)); fail("wrong IPN auth accepted") } catch (e: JengaException.Auth) {}
        try { c.verifyIpn(null, ByteArray(0)); fail("missing IPN auth accepted") } catch (e: JengaException.Auth) {}
        // Evidence of another payment is refused by the flow.
        val p = c.payment(o.orderReference)!!
        try { p.handleCallback(parseCallback(body)); fail("another payment's callback taken") } catch (e: JengaException.Flow) {
            assertTrue(e.code == "flow_not_this_payment") { e.code }
        }
        note("queryStatus Found/NotFound; verifyCallback/verifyIpn refuse forgeries; flow_not_this_payment")
    }

    /** examples/kotlin/Shop.kt, the merchant's whole integration, against the sandbox. */
    @Test
    @DisplayName("client: the example shop (examples/kotlin/Shop.kt)")
    fun exampleShop() {
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
        assertTrue(outcomes[1].kind == OutcomeKind.FAILED) { "${outcomes[1]}" }
        sandbox.settle()
        // The shop's database holds each payment's final state (saved by the webhooks and the awaiter).
        val end = System.currentTimeMillis() + 5000
        fun ended(order: String) = orders[order]?.let { Json.parse(it).obj()["ended"] }
        while ((ended(paidOrder) != "paid" || ended(cancelledOrder) != "failed") && System.currentTimeMillis() < end) Thread.sleep(10)
        assertTrue(ended(paidOrder) == "paid" && ended(cancelledOrder) == "failed") { "saved: ${ended(paidOrder)} ${ended(cancelledOrder)}" }
        assertTrue(sandbox.count("tokenRequests") == 1 && sandbox.refused.get() == 0) { "${sandbox.counters()}" }
        // A forged callback is refused by the shop's handler.
        assertTrue(shop.callback("/jenga/callback?jenga_order=$paidOrder&jenga_payment=X&jenga_token=forged", "{}".toByteArray()) == 401) { "forged callback" }
        note("checkout + webhooks: one order PAID, one FAILED, saved states final, a forgery refused")
    }

    @Test
    @DisplayName("client: validation and secrets")
    fun validationAndSecrets() {
        val c = client()
        try {
            c.startPayment(order().copy(amount = BigDecimal("2.5"), phone = "12", customerEmail = ""))
            fail("invalid order accepted")
        } catch (e: JengaException.Validation) {
            val fields = e.problems.map { it.field }
            assertTrue(fields.containsAll(listOf("order.orderAmount", "payment.details.msisdn"))) { "every problem at once: $fields" }
        }
        val async = c.startPaymentAsync(order().copy(amount = BigDecimal("-1")))
        try { async.get(); fail("accepted") } catch (e: ExecutionException) { assertTrue(e.cause is JengaException.Validation) { "${e.cause}" } }
        for (text in listOf(c.toString(), builder().toString())) {
            for (secret in listOf("sandbox-consumer-secret", "sandbox-api-key", "sandbox-ipn-password", "PRIVATE", String(sandbox.callbackSecret))) {
                assertTrue(!text.contains(secret)) { "shows a secret: $text" }
            }
        }
        try { JengaClient.builder().environment("uat").build(); fail("built without credentials") } catch (e: IllegalStateException) {}
        note("every problem at once (sync and async); toString redacted; missing settings refused")
    }


    @BeforeEach
    fun resetSandbox() = sandbox.reset()

    @AfterAll
    fun close() {
        started?.client?.close()
        started?.close()
    }
}
