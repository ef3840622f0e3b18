// Moves a flow's bytes over java.net.http: a FlowRequest becomes a JDK
// request (connect timeout on the client, `timeout` on each request, and a
// guard that bounds the whole answer, body included), and the JDK's
// exceptions mapped to the flow's TransportFailure.
package jenga.stk.client

import jenga.stk.FlowRequest
import jenga.stk.HttpMethod
import jenga.stk.TransportFailure
import java.net.ConnectException
import java.net.URI
import java.net.UnknownHostException
import java.net.http.HttpClient
import java.net.http.HttpConnectTimeoutException
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.net.http.HttpTimeoutException
import java.nio.channels.UnresolvedAddressException
import java.time.Duration
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionException
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executor
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import javax.net.ssl.SSLHandshakeException

/** Headers the JDK client sets itself and refuses from callers. */
private val RESTRICTED = setOf("content-length", "host", "connection", "expect", "upgrade")

/**
 * How a request that got no HTTP answer failed, as the flow needs it: could
 * not connect (refused, DNS, connect timeout, TLS handshake) is
 * `CONNECT_FAILED` (nothing was sent); the request's timeout is `TIMEOUT`;
 * anything else (reset, closed, protocol error, a body read error, the
 * caller giving up) is `CONNECTION_LOST`.
 */
internal fun failureOf(error: Throwable, timedOut: Boolean): TransportFailure {
    if (timedOut) return TransportFailure.TIMEOUT
    var e = error
    while ((e is CompletionException || e is ExecutionException) && e.cause != null) e = e.cause!!
    return when (e) {
        is HttpConnectTimeoutException -> TransportFailure.CONNECT_FAILED
        is HttpTimeoutException -> TransportFailure.TIMEOUT
        is ConnectException, is UnknownHostException, is UnresolvedAddressException, is SSLHandshakeException ->
            TransportFailure.CONNECT_FAILED
        else -> TransportFailure.CONNECTION_LOST
    }
}

/** One request of a flow in flight; its answer or failure is reported to the flow once ([claim]). */
internal class Exchange(val future: CompletableFuture<HttpResponse<ByteArray>>) {
    /** Set when the whole-answer guard gave up on it. */
    val timedOut = AtomicBoolean(false)
    private val reported = AtomicBoolean(false)

    /** True for the one caller that reports this exchange to the flow. */
    fun claim(): Boolean = reported.compareAndSet(false, true)
}

/** Sends a flow's requests with the JDK client. */
internal class Transport(private val http: HttpClient, private val executor: Executor) {
    /** Starts sending a flow's request (throws, before anything is sent, if the JDK refuses to build it). */
    fun start(request: FlowRequest): Exchange = send(toJdk(request.http, request.timeout), request.timeout)

    /** Sends `request` with `timeout` on its headers (the JDK's) and on the whole answer (the guard). */
    fun send(request: HttpRequest, timeout: Duration): Exchange {
        val exchange = Exchange(http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()))
        // HttpRequest.timeout bounds the wait for the answer's headers only: this
        // bounds the whole answer, body included (stripe-node#2814), without a thread.
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS, executor).execute {
            if (!exchange.future.isDone) {
                exchange.timedOut.set(true)
                exchange.future.cancel(true)
            }
        }
        return exchange
    }

    /** The library's request as a JDK request: its method, URL, headers and body as they are. */
    fun toJdk(r: jenga.stk.HttpRequest, timeout: Duration): HttpRequest {
        val b = HttpRequest.newBuilder(URI.create(r.url())).timeout(timeout)
        for (h in r.headers()) if (h.name.lowercase() !in RESTRICTED) b.header(h.name, h.value)
        when (r.method()) {
            HttpMethod.GET -> b.GET()
            HttpMethod.POST -> b.POST(HttpRequest.BodyPublishers.ofByteArray(r.body()))
        }
        return b.build()
    }
}
