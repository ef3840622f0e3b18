// An end-to-end payment against the local sandbox (crate sandbox/), with the
// JDK's HTTP client for requests and its HttpServer for the callback and IPN:
// token -> signed push -> callback (URL token verified) -> IPN (Basic auth
// verified) -> status query -> reconciled. A second payment is signed by a
// foreign (JDK) signer and cancelled; a third shows the 401 -> refresh path.
package jenga.stk.tests

import com.sun.net.httpserver.HttpServer
import jenga.stk.*
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import java.io.File
import java.math.BigDecimal
import java.net.InetSocketAddress
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest as JdkRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.time.Instant
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit

class EndToEndTest : Covered() {
    private val v = Fixtures
    private val root = Fixtures.root
    private val sandboxBin = Fixtures.sandbox
    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()

    /** Sends a request made by the library, as is. */
    private fun send(r: jenga.stk.HttpRequest): HttpResponse<ByteArray> {
        val b = JdkRequest.newBuilder(URI.create(r.url())).timeout(Duration.ofSeconds(10))
        for (h in r.headers()) if (!h.name.equals("content-length", true)) b.header(h.name, h.value)
        when (r.method()) {
            HttpMethod.GET -> b.GET()
            HttpMethod.POST -> b.POST(JdkRequest.BodyPublishers.ofByteArray(r.body()))
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray())
    }

    private class Delivery { val callbacks = ArrayList<VerifiedCallback>(); val ipns = LinkedHashMap<String, Ipn>(); val done = CountDownLatch(2) }

    @Test
    @DisplayName("end-to-end payment against the sandbox")
    fun run() {
        val deliveries = ConcurrentHashMap<String, Delivery>()
        val urls = CallbackUrls("kotlin e2e callback secret, 32+ bytes long".toByteArray())
        val ipnAuth = IpnAuth("sandbox-ipn", "sandbox-ipn-password")
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/jenga/callback") { ex ->
            val code = try {
                val verified = urls.verifyCallback(ex.requestURI.toString(), ex.requestBody.readAllBytes())
                deliveries[verified.refs.orderReference]?.let { synchronized(it) { it.callbacks.add(verified) }; it.done.countDown() }
                200
            } catch (e: JengaException) { 401 }
            ex.sendResponseHeaders(code, -1); ex.close()
        }
        server.createContext("/jenga/ipn") { ex ->
            val code = try {
                ipnAuth.verify(ex.requestHeaders.getFirst("Authorization"))
                val ipn = parseIpn(ex.requestBody.readAllBytes())
                ipn.orderReference?.let { deliveries[it] }?.let { d ->
                    val fresh = synchronized(d) { d.ipns.put(ipn.dedupeKey, ipn) == null }
                    if (fresh) d.done.countDown()
                }
                200
            } catch (e: JengaException) { 401 }
            ex.sendResponseHeaders(code, -1); ex.close()
        }
        server.start()
        val listen = "http://127.0.0.1:${server.address.port}"
        val sandbox = ProcessBuilder(
            sandboxBin, "--public-key", File(root, "tests/keys/test-pkcs1-2048.pub.pem").path,
            "--ipn-url", "$listen/jenga/ipn", "--callback-delay-ms", "100", "--ipn-delay-ms", "100",
        ).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        try {
            val base = sandbox.inputStream.bufferedReader().readLine() ?: fail("the sandbox printed nothing")
            val env = Environment(base.trim())
            val tokens = TokenState(env, Credentials("sandbox-api-key", "0000000000", "sandbox-consumer-secret"))
            fun token(): AccessToken = when (val a = tokens.nextAction(Instant.now())) {
                is TokenAction.Use -> a.token
                is TokenAction.Refresh -> {
                    val r = send(a.request)
                    tokens.onResponse(r.statusCode(), r.body(), Instant.now()).accessToken()
                }
            }
            val signer = Signer(v.key("test-pkcs1-2048"))
            val jdk = JdkSigner(java.security.KeyFactory.getInstance("RSA").generatePrivate(java.security.spec.PKCS8EncodedKeySpec(signer.pkcs8Der())))
            val run = System.currentTimeMillis().toString(36).uppercase()

            fun pay(msisdn: String, foreign: Boolean): Pair<Reconciliation, Delivery> {
                val order = "KT${run}${msisdn.takeLast(3)}"
                val payment = "KP${run}${msisdn.takeLast(3)}"
                val input = StkPushInput(
                    order = OrderInput(orderReference = order, orderAmount = BigDecimal("2"), orderCurrency = "KES", countryCode = "KE", description = "Kotlin test"),
                    customer = CustomerInput(name = "John Doe", email = "john@example.com", phoneNumber = "0722000111", identityNumber = "0000000"),
                    payment = PaymentInput(
                        paymentReference = payment, paymentCurrency = "KES",
                        callbackUrl = urls.callbackUrl("$listen/jenga/callback", order, payment),
                        details = PaymentDetailsInput(msisdn = msisdn, paymentAmount = BigDecimal("2")),
                    ),
                )
                val push = StkPush(input, RequestOptions())
                val signed = if (foreign) push.signWith(jdk) else push.sign(signer)
                val d = Delivery(); deliveries[order] = d
                val answer = send(signed.httpRequest(env, token()))
                val init = classifyInitResponse(answer.statusCode(), answer.body())
                assertTrue(init is InitResponse.Accepted) { "$msisdn: init $init" }
                assertTrue(d.done.await(20, TimeUnit.SECONDS)) { "$msisdn: callback/IPN not received" }
                val status = send(orderStatusRequest(env, token(), order, StatusSignature.None)).let {
                    parseStatusResponse(it.statusCode(), it.body())
                }
                assertTrue(status is StatusResponse.Found) { "$msisdn: status $status" }
                val result = synchronized(d) {
                    reconcile(
                        Expected(order, BigDecimal("2"), "KES"), d.callbacks.single().callback,
                        d.ipns.values.toList(), (status as StatusResponse.Found).status,
                    )
                }
                return result to d
            }

            val (paid, pd) = pay("0722000000", foreign = false)
            assertTrue(paid.state == PaymentState.PAID && paid.confirmed && paid.conflicts.isEmpty()) { "paid: $paid" }
            assertTrue(paid.amountPaid == BigDecimal("2.00") && paid.mpesaReceipt != null) { "paid: $paid" }
            assertTrue(paid.currencyPaid == "KES" && paid.currencyConfirmed) { "paid: $paid" }
            assertTrue(pd.callbacks.single().callback.outcome is CallbackOutcome.Paid) { "callback ${pd.callbacks}" }
            assertTrue(pd.ipns.values.single().transaction.status == IpnStatus.Success) { "ipn ${pd.ipns}" }

            val (cancelled, cd) = pay("0722000001", foreign = true)
            assertTrue(cancelled.state == PaymentState.FAILED && cancelled.confirmed) { "cancelled: $cancelled" }
            assertTrue((cd.callbacks.single().callback.outcome as CallbackOutcome.Failed).reason == FailureReason.CANCELLED) { "${cd.callbacks}" }

            // 401 -> invalidate -> refresh -> retry.
            val expire = http.send(JdkRequest.newBuilder(URI.create("${base.trim()}/sandbox/expire-tokens")).POST(JdkRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding())
            assertTrue(expire.statusCode() in 200..299) { "expire-tokens ${expire.statusCode()}" }
            val order = "KT${run}000"
            val refused = send(orderStatusRequest(env, token(), order, StatusSignature.None)).let { parseStatusResponse(it.statusCode(), it.body()) }
            assertTrue(refused is StatusResponse.Rejected && refused.rejection.action == NextAction.REFRESH_TOKEN_AND_RETRY) { "after expiry: $refused" }
            tokens.invalidate()
            val again = send(orderStatusRequest(env, token(), order, StatusSignature.None)).let { parseStatusResponse(it.statusCode(), it.body()) }
            assertTrue(again is StatusResponse.Found) { "after refresh: $again" }
            note("paid (core signer), cancelled (JDK signer), 401 refreshed")
        } finally {
            sandbox.destroy()
            sandbox.waitFor(5, TimeUnit.SECONDS)
            server.stop(0)
        }
    }
}
