// JengaClient.queryStatus / queryStatusAsync over the core's StatusQuery,
// against the sandbox over real HTTP (one test per fault, asserting on the
// sandbox's counters: a 401 costs one new token, 5xx/429/slow answers are
// retried within the policy, no answer at all is JengaException.Transport),
// signed status queries checked by java.security, and a StatusQuery driven by
// hand (poll, send, hand in) for those who own their I/O.
package jenga.stk.tests

import com.sun.net.httpserver.HttpServer
import jenga.stk.*
import jenga.stk.client.JengaClient
import jenga.stk.client.PaymentRequest
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.io.File
import java.math.BigDecimal
import java.net.InetSocketAddress
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest as JdkRequest
import java.net.http.HttpResponse
import java.security.KeyFactory
import java.security.spec.X509EncodedKeySpec
import java.time.Duration
import java.time.Instant
import java.util.Base64
import java.util.Collections
import java.util.concurrent.CancellationException
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReference

/** One sandbox process for the class (started by the first test), reset before each test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryStatusTest : Covered() {
    private var started: SandboxControl? = null
    private val sandbox: SandboxControl get() = started ?: SandboxControl(Fixtures.root, Fixtures.sandbox).also { started = it }
    private val run = System.currentTimeMillis().toString(36).uppercase()
    private val orders = AtomicInteger()
    private val pem = Fixtures.key("test-pkcs1-2048")

    private fun ms(n: Long) = Duration.ofMillis(n)

    /** Fast: maxRetries 2 (3 tries), short backoffs. */
    private val fast = defaultRetryPolicy().copy(
        maxPushes = 2u, maxRetries = 2u, initialBackoff = ms(20), maxBackoff = ms(100), confirmDelay = ms(50),
        firstPoll = ms(100), maxPollInterval = ms(300), timeout = Duration.ofSeconds(20), requestTimeout = Duration.ofSeconds(5),
        tokenWait = ms(20),
    )

    /** A fresh client (its own token state) receiving the sandbox's deliveries. */
    private fun client(policy: RetryPolicy = fast, environment: String = sandbox.baseUrl): JengaClient {
        sandbox.client?.close()
        val c = JengaClient.builder().environment(environment)
            .credentials("sandbox-api-key", "0000000000", "sandbox-consumer-secret")
            .privateKey(pem).callbacks(sandbox.callbackSecret, sandbox.callbackBase)
            .ipnCredentials("sandbox-ipn", "sandbox-ipn-password").retryPolicy(policy).build()
        sandbox.client = c
        return c
    }

    /** An order the sandbox knows as paid (the client's payment, awaited), with the counters reset after it. */
    private fun paidOrder(c: JengaClient): String {
        val order = "KQ$run${orders.incrementAndGet()}"
        val outcome = c.startPayment(
            PaymentRequest(order, BigDecimal("2"), "0722000000", "John Doe", "john@example.com", "0000000", "Kotlin query test"),
        ).await()
        assertTrue(outcome.kind == OutcomeKind.PAID) { "$outcome" }
        sandbox.settle()
        sandbox.reset()
        return order
    }

    private fun paid(answer: StatusResponse, what: String) =
        assertTrue(answer is StatusResponse.Found && answer.status.order.status == OrderState.Paid) { "$what: $answer" }

    private fun counters(vararg expected: Pair<String, Int>) {
        val got = sandbox.counters()
        for ((name, n) in expected) assertTrue((got[name] as BigDecimal).intValueExact() == n) { "$name != $n: $got" }
    }

    private fun transportFailed(call: () -> Unit): JengaException.Transport = try {
        call(); fail("an answer came")
    } catch (e: JengaException.Transport) {
        e
    } catch (e: ExecutionException) {
        e.cause as? JengaException.Transport ?: throw e
    }

    // ------------------------------------------------------------------ the client against the sandbox

    @Test
    @DisplayName("queryStatus: a 401 (token expired early) costs one new token, then the answer")
    fun expiredToken() {
        val c = client()
        val order = paidOrder(c)
        // The token presented is revoked by the fault: the query fetches one new token and asks again.
        sandbox.fault("""{"endpoint":"status","fault":"unauthorized"}""")
        paid(c.queryStatus(order), "after a 401")
        counters("tokenRequests" to 1, "statusQueries" to 2)
        // Every token expired at the provider: the same, for the async variant.
        sandbox.reset()
        sandbox.expireTokens()
        paid(c.queryStatusAsync(order).get(10, TimeUnit.SECONDS), "after expire-tokens (async)")
        counters("tokenRequests" to 1, "statusQueries" to 2)
        // A second 401 in a row is the answer: one retry with a new token, never two.
        sandbox.reset()
        sandbox.fault("""{"endpoint":"status","fault":"unauthorized","count":2}""")
        val refused = c.queryStatus(order)
        assertTrue(refused is StatusResponse.Rejected && refused.rejection.httpStatus == 401 &&
            refused.rejection.action == NextAction.REFRESH_TOKEN_AND_RETRY) { "$refused" }
        counters("tokenRequests" to 1, "statusQueries" to 2)
        note("401 then Found: 1 token request, 2 queries (blocking, and async after expire-tokens); 401 twice: Rejected, still 1 token request")
    }

    @Test
    @DisplayName("queryStatus: 5xx and 429 retried within the policy, then answered")
    fun serverErrorsRetried() {
        val c = client()
        val order = paidOrder(c)
        sandbox.fault("""{"endpoint":"status","fault":"server_error_html","status":503,"count":2}""")
        paid(c.queryStatus(order), "after two 503s")
        counters("statusQueries" to 3, "tokenRequests" to 0)
        // A 429's Retry-After (1 s, far above the 20-100 ms backoff) is waited.
        sandbox.reset()
        sandbox.fault("""{"endpoint":"status","fault":"rate_limited","retryAfterSecs":1}""")
        val t0 = System.nanoTime()
        paid(c.queryStatus(order), "after a 429")
        val elapsed = (System.nanoTime() - t0) / 1_000_000
        assertTrue(elapsed >= 1000) { "Retry-After: 1 not honoured ($elapsed ms)" }
        counters("statusQueries" to 2)
        // More 5xx than maxRetries: the provider's last refusal is the answer (a value), after maxRetries + 1 tries.
        sandbox.reset()
        sandbox.fault("""{"endpoint":"status","fault":"server_error_html","status":502,"count":3}""")
        val refused = c.queryStatus(order)
        assertTrue(refused is StatusResponse.Rejected && refused.rejection.httpStatus == 502 &&
            refused.rejection.kind == RejectionKind.SERVER_ERROR) { "$refused" }
        counters("statusQueries" to 3)
        note("503 ×2 then Found (3 queries); 429 Retry-After 1 s honoured ($elapsed ms); 502 ×3: Rejected(502) after 3 queries")
    }

    @Test
    @DisplayName("queryStatus: an answer slower than the request timeout is asked again")
    fun slowAnswerRetried() {
        val c = client(fast.copy(requestTimeout = ms(300)))
        val order = paidOrder(c)
        sandbox.fault("""{"endpoint":"status","fault":"slow","delayMs":1500}""")
        val t0 = System.nanoTime()
        paid(c.queryStatus(order), "after a timeout")
        val elapsed = (System.nanoTime() - t0) / 1_000_000
        assertTrue(elapsed < 1400) { "waited for the slow answer ($elapsed ms)" }
        counters("statusQueries" to 2)
        note("status slow 1500 ms, timeout 300 ms: TIMEOUT, asked again, Found in $elapsed ms (2 queries)")
    }

    @Test
    @DisplayName("queryStatus: no answer at all is JengaException.Transport (transport_failed)")
    fun noAnswer() {
        val c = client(fast.copy(requestTimeout = ms(300)))
        val order = paidOrder(c)
        sandbox.fault("""{"endpoint":"status","fault":"slow","delayMs":1500,"count":3}""")
        val e = transportFailed { c.queryStatus(order) }
        assertTrue(e.code == "transport_failed" && e.failure == TransportFailure.TIMEOUT && e.field == null) { "$e" }
        assertTrue(e.message?.contains("timeout") == true) { "${e.message}" }
        counters("statusQueries" to 3)
        // Nothing listens: CONNECT_FAILED, through the async variant.
        val refused = JengaClient.builder().environment("http://127.0.0.1:1")
            .credentials("sandbox-api-key", "0000000000", "sandbox-consumer-secret").privateKey(pem)
            .callbackUrl("https://shop.example.com/jenga/callback").retryPolicy(fast).build()
        refused.use {
            val a = transportFailed { it.queryStatusAsync(order).get(10, TimeUnit.SECONDS) }
            assertTrue(a.code == "transport_failed" && a.failure == TransportFailure.CONNECT_FAILED) { "$a" }
        }
        // The token endpoint failing past maxRetries: its last answer is the answer (bounded: 3 token requests).
        sandbox.reset()
        val fresh = client()
        sandbox.fault("""{"endpoint":"token","fault":"server_error_html","count":3}""")
        val t = fresh.queryStatus(order)
        assertTrue(t is StatusResponse.Rejected && t.rejection.httpStatus >= 500) { "$t" }
        counters("tokenRequests" to 3, "statusQueries" to 0)
        note("slow ×3: Transport(transport_failed, TIMEOUT) after 3 queries; refused connection: CONNECT_FAILED (async); token 5xx ×3: Rejected(5xx) after 3 token requests")
    }

    @Test
    @DisplayName("queryStatus: refused credentials are the answer (Rejected), not retried")
    fun refusedToken() {
        val c = client()
        sandbox.fault("""{"endpoint":"token","fault":"unauthorized"}""")
        val refused = c.queryStatus("KQ${run}ANY")
        assertTrue(refused is StatusResponse.Rejected && refused.rejection.httpStatus == 401 &&
            refused.rejection.action == NextAction.DO_NOT_RETRY) { "$refused" }
        counters("tokenRequests" to 1, "statusQueries" to 0)
        note("token 401: StatusResponse.Rejected(401, DO_NOT_RETRY), 1 token request, no status query")
    }

    @Test
    @DisplayName("queryStatus: a blank order reference is Validation (field orderReference), nothing sent or signed")
    fun blankReference() {
        val c = client()
        for (bad in listOf("", "   ", "OR\n1")) {
            for (async in listOf(false, true)) {
                val e = try {
                    if (async) c.queryStatusAsync(bad).get(10, TimeUnit.SECONDS) else c.queryStatus(bad)
                    fail("'$bad' accepted")
                } catch (e: JengaException.Validation) {
                    e
                } catch (e: ExecutionException) {
                    e.cause as? JengaException.Validation ?: throw e
                }
                assertTrue(e.code == "validation_failed" && e.field == "orderReference" && e.problems.map { it.field } == listOf("orderReference")) {
                    "'$bad': ${e.code} ${e.field} ${e.problems}"
                }
            }
        }
        // A client signing its status queries with a foreign signer: validated before anything is signed.
        val signer = JdkSigner(pkcs8Key(Fixtures.key("test-pkcs8-2048")))
        val signing = JengaClient.builder().environment(sandbox.baseUrl)
            .credentials("sandbox-api-key", "0000000000", "sandbox-consumer-secret").signer(signer)
            .callbackUrl("https://shop.example.com/jenga/callback").signStatusQueries(true).retryPolicy(fast).build()
        signing.use {
            try { it.queryStatus(" "); fail("blank accepted") } catch (e: JengaException.Validation) {}
        }
        assertTrue(signer.calls == 0) { "the foreign signer was called ${signer.calls} times" }
        counters("tokenRequests" to 0, "statusQueries" to 0)
        note("'', '   ', 'OR\\n1' (blocking and async): Validation(orderReference); nothing sent; the foreign signer never called")
    }

    @Test
    @DisplayName("queryStatusAsync: cancelled (or interrupted) while the token request is in flight, the next query fetches at once")
    fun cancelReleasesTheToken() {
        // The token request's lease is 1.5 × requestTimeout = 7.5 s: a query that never reported its
        // abandoned token request would make the next one wait for the lease to run out (or for the
        // slow answer, 5 s, had the abandoned request not been cancelled).
        val c = client()
        sandbox.fault("""{"endpoint":"token","fault":"slow","delayMs":5000}""")
        val f = c.queryStatusAsync("KQ${run}CANCEL")
        sandbox.awaitCount("tokenRequests", 1)
        assertTrue(f.cancel(true)) { "not cancelled" }
        try { f.get(); fail("completed") } catch (e: CancellationException) {}
        var t0 = System.nanoTime()
        assertTrue(c.queryStatus("KQ${run}CANCEL") is StatusResponse.NotFound) { "after cancel" }
        val afterCancel = (System.nanoTime() - t0) / 1_000_000
        assertTrue(afterCancel < 2500) { "the next query waited $afterCancel ms for the abandoned token request" }
        counters("tokenRequests" to 2)
        // The blocking variant, interrupted.
        val d = client()
        sandbox.reset()
        sandbox.fault("""{"endpoint":"token","fault":"slow","delayMs":5000}""")
        val thrown = AtomicReference<Throwable?>(null)
        val thread = Thread { try { d.queryStatus("KQ${run}CANCEL") } catch (t: Throwable) { thrown.set(t) } }
        thread.start()
        sandbox.awaitCount("tokenRequests", 1)
        thread.interrupt(); thread.join(5000)
        assertTrue(thrown.get() is InterruptedException) { "${thrown.get()}" }
        t0 = System.nanoTime()
        assertTrue(d.queryStatus("KQ${run}CANCEL") is StatusResponse.NotFound) { "after interrupt" }
        val afterInterrupt = (System.nanoTime() - t0) / 1_000_000
        assertTrue(afterInterrupt < 2500) { "the next query waited $afterInterrupt ms for the abandoned token request" }
        counters("tokenRequests" to 2)
        note("token request abandoned (future cancelled / thread interrupted): the next query fetched at once ($afterCancel / $afterInterrupt ms)")
    }

    // ------------------------------------------------------------------ signed status queries

    /** A provider double that records each status query's path and Signature header. */
    private class Recorder : AutoCloseable {
        val server: HttpServer = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        val seen: MutableList<Pair<String, String?>> = Collections.synchronizedList(ArrayList())
        val url get() = "http://127.0.0.1:${server.address.port}"

        init {
            server.executor = Executors.newFixedThreadPool(2)
            server.createContext("/") { ex ->
                val body = if (ex.requestURI.path.contains("/authenticate/")) {
                    """{"accessToken":"eyJhbGciOiJIUzI1NiJ9.e30.recorder","expiresIn":900}"""
                } else {
                    seen += ex.requestURI.rawPath to ex.requestHeaders.getFirst("Signature")
                    """{"status":false,"code":111102,"message":"Transaction with the passed reference cannot be found"}"""
                }.toByteArray()
                ex.responseHeaders.add("content-type", "application/json")
                ex.sendResponseHeaders(200, body.size.toLong()); ex.responseBody.write(body); ex.close()
            }
            server.start()
        }

        override fun close() = server.stop(0)
    }

    /** java.security's verdict (an oracle outside the library) on a Base64 SHA256withRSA signature. */
    private fun jdkVerifies(publicKeyStem: String, message: String, signatureBase64: String?): Boolean {
        if (signatureBase64 == null) return false
        val der = Base64.getDecoder().decode(Fixtures.key(publicKeyStem).lines().filter { !it.startsWith("-----") }.joinToString(""))
        val v = java.security.Signature.getInstance("SHA256withRSA")
        v.initVerify(KeyFactory.getInstance("RSA").generatePublic(X509EncodedKeySpec(der)))
        v.update(message.toByteArray())
        return v.verify(Base64.getDecoder().decode(signatureBase64))
    }

    @Test
    @DisplayName("queryStatus: signed status queries sign the reference sent (the library's key and a foreign signer)")
    fun signedQueries() {
        Recorder().use { provider ->
            fun builder() = JengaClient.builder().environment(provider.url).credentials("k", "m", "s")
                .callbackUrl("https://shop.example.com/jenga/callback").retryPolicy(fast)
            val foreign = JdkSigner(pkcs8Key(Fixtures.key("test-pkcs8-2048")))
            val cases = listOf(
                Triple("library key", builder().privateKey(pem).signStatusQueries(true).build(), "test-pkcs1-2048.pub"),
                Triple("foreign signer", builder().signer(foreign).signStatusQueries(true).build(), "test-pkcs8-2048.pub"),
                Triple("unsigned", builder().privateKey(pem).build(), null),
            )
            for ((what, c, pub) in cases) c.use {
                provider.seen.clear()
                val answer = it.queryStatus(" KQSIGNED1 ")
                assertTrue(answer is StatusResponse.NotFound) { "$what: $answer" }
                val (path, signature) = provider.seen.single()
                assertTrue(path.endsWith("/KQSIGNED1")) { "$what: queried $path" }
                if (pub == null) {
                    assertTrue(signature == null) { "$what: a Signature header was sent" }
                } else {
                    assertTrue(jdkVerifies(pub, "KQSIGNED1", signature)) { "$what: the Signature header does not verify over the reference sent: $signature" }
                }
            }
            assertTrue(foreign.calls == 1) { "foreign signer called ${foreign.calls} times" }
        }
        note("Signature header verified by java.security over the trimmed reference (library key, foreign signer); none when unsigned")
    }

    // ------------------------------------------------------------------ by hand

    private val http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()

    private fun sendByHand(r: FlowRequest): HttpResponse<ByteArray> {
        val b = JdkRequest.newBuilder(URI.create(r.http.url())).timeout(r.timeout)
        for (h in r.http.headers()) if (h.name.lowercase() != "content-length" && h.name.lowercase() != "host") b.header(h.name, h.value)
        if (r.http.method() == HttpMethod.POST) b.POST(JdkRequest.BodyPublishers.ofByteArray(r.http.body())) else b.GET()
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray())
    }

    @Test
    @DisplayName("StatusQuery by hand: poll, send, hand in, done; misuse and bounds")
    fun byHand() {
        val order = paidOrder(client())
        val tokens = SharedTokens(Environment(sandbox.baseUrl), Credentials("sandbox-api-key", "0000000000", "sandbox-consumer-secret"))
        val query = StatusQuery("  $order ", tokens, fast, StatusSignature.Sign(Signer(pem)), 7uL)
        assertTrue(query.orderReference() == order && query.toString() == "StatusQuery(orderReference=$order)") { "$query" }
        val endpoints = ArrayList<Endpoint>()
        var ended: QueryResult? = null
        while (ended == null) when (val a = query.poll(Instant.now())) {
            is QueryAction.Send -> {
                endpoints += a.request.endpoint
                if (endpoints.size == 1) {
                    // A request awaits its answer: polling again is misuse.
                    try { query.poll(Instant.now()); fail("polled while busy") } catch (e: JengaException.Flow) {
                        assertTrue(e.code == "flow_busy") { e.code }
                    }
                }
                val r = sendByHand(a.request)
                query.handleResponse(Instant.now(), r.statusCode(), r.headers().firstValue("retry-after").orElse(null), r.body())
            }
            is QueryAction.Wait -> Thread.sleep(Duration.between(Instant.now(), a.until).toMillis().coerceAtLeast(0))
            is QueryAction.Done -> ended = a.result
        }
        val result = ended ?: fail("no result")
        assertTrue(endpoints == listOf(Endpoint.TOKEN, Endpoint.STATUS)) { "$endpoints" }
        assertTrue(result.transportFailure == null) { "$result" }
        paid(result.response!!, "by hand")
        assertTrue(result.requireAnswer() == result.response) { "requireAnswer" }
        assertTrue(query.poll(Instant.now()) is QueryAction.Done) { "Done again" }
        try { query.handleTransportFailure(Instant.now(), TransportFailure.TIMEOUT); fail("idle query took a failure") } catch (e: JengaException.Flow) {
            assertTrue(e.code == "flow_idle") { e.code }
        }
        counters("tokenRequests" to 1, "statusQueries" to 1)

        // Without a network: the answers are handed in by the test.
        val now = Instant.parse("2026-01-01T00:00:00Z")
        val offline = SharedTokens(Environment.uat(), Credentials("k", "m", "s"))
        val token = """{"accessToken":"eyJhbGciOiJIUzI1NiJ9.e30.offline","expiresIn":900}""".toByteArray()
        fun sends(q: StatusQuery, at: Instant): Endpoint = (q.poll(at) as? QueryAction.Send)?.request?.endpoint ?: fail("no Send at $at")
        // Two queries share the tokens: one fetches, the other waits; an abandoned fetch lets the other fetch.
        val first = StatusQuery("OR1", offline, fast, StatusSignature.None, 1uL)
        val second = StatusQuery("OR2", offline, fast, StatusSignature.None, 2uL)
        assertTrue(sends(first, now) == Endpoint.TOKEN) { "first fetches" }
        assertTrue(second.poll(now) is QueryAction.Wait) { "second waits for the first's token" }
        first.handleTransportFailure(now, TransportFailure.CONNECTION_LOST)
        assertTrue(sends(second, now) == Endpoint.TOKEN) { "second fetches once the first gave up" }
        second.handleResponse(now, 200, null, token)
        assertTrue(sends(second, now) == Endpoint.STATUS) { "second queries with the token" }
        // A 429 whose Retry-After (120 s) is far above the backoff: waited.
        second.handleResponse(now, 429, "120", """{"statusCode":429,"message":"Rate limit is exceeded."}""".toByteArray())
        val wait = second.poll(now)
        assertTrue(wait is QueryAction.Wait && wait.until == now.plusSeconds(120)) { "$wait" }
        // No answer, maxRetries + 1 times: Done without an answer; requireAnswer throws transport_failed.
        var at = now
        var failures = 0
        var last: QueryResult? = null
        while (last == null) when (val a = first.poll(at)) {
            is QueryAction.Send -> { first.handleTransportFailure(at, TransportFailure.TIMEOUT); failures++ }
            is QueryAction.Wait -> at = a.until
            is QueryAction.Done -> last = a.result
        }
        val end = last ?: fail("no result")
        // first: its abandoned token fetch was its first failure; the token (fetched by second) is then used.
        assertTrue(failures == 2 && end.response == null && end.transportFailure == TransportFailure.TIMEOUT) { "$failures $end" }
        try { end.requireAnswer(); fail("no answer, yet requireAnswer returned") } catch (e: JengaException.Transport) {
            assertTrue(e.code == "transport_failed" && e.failure == TransportFailure.TIMEOUT) { "$e" }
        }
        note("against the sandbox: TOKEN then STATUS, Found, flow_busy / flow_idle; offline: a shared token fetch released, Retry-After 120 s waited, 3 failures -> transport_failed")
    }

    @BeforeEach
    fun resetSandbox() = sandbox.reset()

    @AfterAll
    fun close() {
        started?.client?.close()
        started?.close()
    }
}
