// Moves a flow's (or a status query's) bytes over java.net.http: a
// FlowRequest becomes a JDK request (connect timeout on the client, `timeout`
// on each request, and a guard that bounds the whole answer, body included),
// its answer or the JDK's exception (mapped to a TransportFailure) is
// reported once to whoever asked for it (a Receiver).
package jenga.stk.client

import jenga.stk.FlowRequest
import jenga.stk.HttpMethod
import jenga.stk.TransportFailure
import java.io.IOException
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

/**
 * What a request's answer or failure is reported to: a PaymentFlow's or a
 * StatusQuery's `handleResponse` / `handleTransportFailure`. It decides; the
 * exchange only reports.
 */
internal interface Receiver {
    /** An HTTP answer (any status): its status, `Retry-After` header and body. */
    fun answer(status: Int, retryAfter: String?, body: ByteArray)

    /** No HTTP answer. */
    fun failure(failure: TransportFailure)
}

/** One request in flight; its answer or failure is reported to its receiver once ([claim]). */
internal class Exchange(val future: CompletableFuture<HttpResponse<ByteArray>>) {
    /** Set when the whole-answer guard gave up on it. */
    val timedOut = AtomicBoolean(false)
    private val reported = AtomicBoolean(false)

    /** True for the one caller that reports this exchange. */
    fun claim(): Boolean = reported.compareAndSet(false, true)

    /** Reports the answer, or how it failed (`error`), unless already reported. */
    fun deliver(to: Receiver, response: HttpResponse<ByteArray>?, error: Throwable?) {
        if (!claim()) return
        if (response != null) {
            to.answer(response.statusCode(), response.headers().firstValue("retry-after").orElse(null), response.body())
        } else {
            to.failure(failureOf(error ?: IOException("no answer"), timedOut.get()))
        }
    }

    /**
     * The caller gave up on this request (a cancelled future, an interrupted
     * thread): the receiver hears `CONNECTION_LOST` first (a push whose answer
     * was abandoned is asked about, never re-sent blindly; a token request is
     * released for other callers), then the request is cancelled.
     */
    fun abandon(to: Receiver) {
        if (claim()) to.failure(TransportFailure.CONNECTION_LOST)
        future.cancel(true)
    }
}

/** Sends a flow's requests with the JDK client. */
internal class Transport(private val http: HttpClient, private val executor: Executor) {
    /**
     * Starts sending a flow's request. One the JDK refuses to build was not
     * sent: `to` hears `CONNECT_FAILED`, then the JDK's exception is thrown.
     */
    fun start(request: FlowRequest, to: Receiver): Exchange = try {
        send(toJdk(request.http, request.timeout), request.timeout)
    } catch (e: RuntimeException) {
        to.failure(TransportFailure.CONNECT_FAILED)
        throw e
    }

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
