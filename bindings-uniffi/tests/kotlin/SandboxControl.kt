// The local sandbox (crate sandbox/) for the client tests: one process for the
// whole run, its control API (/sandbox/faults, /deliveries, /counters,
// /settle, /reset), and a JDK HttpServer standing in for the merchant's web
// app: it verifies each callback and IPN with the client under test and
// hands it to the payment that client holds in memory (waking its awaiter).
package jenga.stk.tests

import com.sun.net.httpserver.HttpServer
import jenga.stk.JengaException
import jenga.stk.client.JengaClient
import org.junit.jupiter.api.Assertions.assertTrue
import java.io.File
import java.math.BigDecimal
import java.net.InetSocketAddress
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

class SandboxControl(private val root: File, private val binary: String) : AutoCloseable {
    private val http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
    private val pool = Executors.newFixedThreadPool(4)
    private val server: HttpServer = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
    private val process: Process
    val baseUrl: String

    /** The client whose payments receive the deliveries (the test's). */
    @Volatile
    var client: JengaClient? = null

    /** Instead of the handlers below, a merchant's own (the example shop's): (request target, body) -> status. */
    @Volatile
    var onCallback: ((String, ByteArray) -> Int)? = null

    /** Instead of the handlers below: (Authorization, body) -> status. */
    @Volatile
    var onIpn: ((String?, ByteArray) -> Int)? = null

    /** Deliveries the merchant side accepted ("callback ORDER", "ipn ORDER"), and those it refused. */
    private val accepted = java.util.Collections.synchronizedList(ArrayList<String>())
    val refused = AtomicInteger()

    /** How many callbacks (`kind` "callback") or IPNs ("ipn") for `order` were accepted (stale ones of earlier tests do not count). */
    fun handedIn(kind: String, order: String): Int = synchronized(accepted) { accepted.count { it == "$kind $order" } }

    val callbackBase: String
    val callbackSecret = "kotlin client tests: a callback secret of 32+ bytes".toByteArray()

    init {
        server.executor = pool
        server.createContext("/jenga/callback") { ex ->
            val merchant = onCallback
            val code = if (merchant != null) merchant(ex.requestURI.toString(), ex.requestBody.readAllBytes()) else try {
                val c = client ?: throw IllegalStateException("no client")
                val verified = c.verifyCallback(ex.requestURI.toString(), ex.requestBody.readAllBytes())
                c.payment(verified.refs.orderReference)?.handleCallback(verified)
                accepted += "callback ${verified.refs.orderReference}"
                200
            } catch (e: JengaException) {
                refused.incrementAndGet(); 401
            }
            ex.sendResponseHeaders(code, -1); ex.close()
        }
        server.createContext("/jenga/ipn") { ex ->
            val merchant = onIpn
            val code = if (merchant != null) merchant(ex.requestHeaders.getFirst("Authorization"), ex.requestBody.readAllBytes()) else try {
                val c = client ?: throw IllegalStateException("no client")
                val ipn = c.verifyIpn(ex.requestHeaders.getFirst("Authorization"), ex.requestBody.readAllBytes())
                ipn.orderReference?.let { c.payment(it) }?.handleIpn(ipn)
                accepted += "ipn ${ipn.orderReference}"
                200
            } catch (e: JengaException) {
                refused.incrementAndGet(); 401
            }
            ex.sendResponseHeaders(code, -1); ex.close()
        }
        server.start()
        val listen = "http://127.0.0.1:${server.address.port}"
        callbackBase = "$listen/jenga/callback"
        process = ProcessBuilder(
            binary, "--public-key", File(root, "tests/keys/test-pkcs1-2048.pub.pem").path, "--ipn-url", "$listen/jenga/ipn",
            "--callback-delay-ms", "20", "--ipn-delay-ms", "20", "--retry-delay-ms", "20",
        ).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        baseUrl = process.inputStream.bufferedReader().readLine()?.trim() ?: fail("the sandbox printed nothing")
    }

    private fun call(method: String, path: String, body: String? = null): String {
        val b = HttpRequest.newBuilder(URI.create("$baseUrl$path")).header("content-type", "application/json")
        b.method(method, if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(body))
        val r = http.send(b.build(), HttpResponse.BodyHandlers.ofString())
        assertTrue(r.statusCode() in 200..299) { "$method $path: ${r.statusCode()} ${r.body()}" }
        return r.body()
    }

    /** Counters, faults and delivery modes back to their defaults; the merchant side's counts too. */
    fun reset() {
        call("POST", "/sandbox/reset")
        accepted.clear(); refused.set(0)
        onCallback = null; onIpn = null
    }

    fun fault(json: String) = call("POST", "/sandbox/faults", json)
    /** Every token issued so far expires (the next call with one is answered 401). */
    fun expireTokens() = call("POST", "/sandbox/expire-tokens")
    fun deliveries(json: String) = call("POST", "/sandbox/deliveries", json)
    fun counters(): Map<String, Any?> = Json.parse(call("GET", "/sandbox/counters")).obj()

    /** Waits until no delivery is pending, then the counters. */
    fun settle(): Map<String, Any?> {
        val answer = Json.parse(call("POST", "/sandbox/settle", """{"timeoutMs":10000}""")).obj()
        assertTrue(answer["settled"] == true) { "deliveries did not settle: $answer" }
        return answer["counters"].obj()
    }

    fun count(name: String): Int = (counters()[name] as BigDecimal).intValueExact()
    fun pushes(order: String): Int = (counters()["pushes"].obj()[order] as BigDecimal?)?.intValueExact() ?: 0

    /** Polls the counters until `name` reaches `n` (a request has reached the sandbox). */
    fun awaitCount(name: String, n: Int, timeoutMs: Long = 5000) {
        val end = System.currentTimeMillis() + timeoutMs
        while (count(name) < n) {
            assertTrue(System.currentTimeMillis() < end) { "$name never reached $n" }
            Thread.sleep(10)
        }
    }

    override fun close() {
        process.destroy()
        process.waitFor(5, TimeUnit.SECONDS)
        server.stop(0)
        pool.shutdownNow()
    }
}
