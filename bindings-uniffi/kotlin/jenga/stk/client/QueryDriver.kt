// Drives one StatusQuery (the core's sans-IO order status query, which
// decides everything: the shared token, one retry after a 401, backoff and
// Retry-After after a 5xx, a 429 or no answer) over java.net.http, blocking
// (JengaClient.queryStatus) or with CompletableFutures (queryStatusAsync).
package jenga.stk.client

import jenga.stk.FlowRequest
import jenga.stk.QueryAction
import jenga.stk.StatusQuery
import jenga.stk.StatusResponse
import jenga.stk.TransportFailure
import java.time.Duration
import java.time.Instant
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executor
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference

/** Moves the bytes of one [StatusQuery]. [blocking] closes the query when it returns; after [async] the JVM's cleaner frees it. */
internal class QueryDriver(private val query: StatusQuery, private val transport: Transport, private val executor: Executor) {
    private val receiver = object : Receiver {
        override fun answer(status: Int, retryAfter: String?, body: ByteArray) =
            query.handleResponse(Instant.now(), status, retryAfter, body)

        override fun failure(failure: TransportFailure) = query.handleTransportFailure(Instant.now(), failure)
    }

    /**
     * On this thread, to the end: the provider's answer, or
     * `JengaException.Transport` when none came. An interrupt while a
     * request is in flight reports it to the query as a lost connection
     * (a token request is released for other callers), then throws.
     */
    fun blocking(): StatusResponse = query.use { driveBlocking() }

    private fun driveBlocking(): StatusResponse {
        while (true) {
            when (val action = query.poll(Instant.now())) {
                is QueryAction.Done -> return action.result.requireAnswer()
                is QueryAction.Send -> sendBlocking(action.request)
                is QueryAction.Wait -> {
                    val ms = Duration.between(Instant.now(), action.until).toMillis()
                    if (ms > 0) Thread.sleep(ms)
                }
            }
        }
    }

    private fun sendBlocking(request: FlowRequest) {
        val exchange = transport.start(request, receiver)
        val response = try {
            exchange.future.get()
        } catch (e: InterruptedException) {
            exchange.abandon(receiver)
            throw e
        } catch (e: ExecutionException) {
            return exchange.deliver(receiver, null, e.cause ?: e)
        } catch (e: CancellationException) {
            return exchange.deliver(receiver, null, e)
        }
        exchange.deliver(receiver, response, null)
    }

    /**
     * Without blocking a thread (`sendAsync`, waits on
     * `CompletableFuture.delayedExecutor`). Cancelling the future while a
     * request is in flight reports it to the query as a lost connection
     * before the cancellation is seen.
     */
    fun async(): CompletableFuture<StatusResponse> {
        val inflight = AtomicReference<Exchange?>(null)
        val result = object : CompletableFuture<StatusResponse>() {
            override fun cancel(mayInterruptIfRunning: Boolean): Boolean {
                inflight.get()?.abandon(receiver)
                return super.cancel(mayInterruptIfRunning)
            }
        }

        fun step() {
            if (result.isDone) return
            try {
                when (val action = query.poll(Instant.now())) {
                    is QueryAction.Done -> result.complete(action.result.requireAnswer())
                    is QueryAction.Send -> {
                        val exchange = transport.start(action.request, receiver)
                        inflight.set(exchange)
                        if (result.isCancelled) exchange.abandon(receiver)
                        exchange.future.whenCompleteAsync({ response, error ->
                            inflight.set(null)
                            try {
                                exchange.deliver(receiver, response, error)
                                step()
                            } catch (t: Throwable) {
                                result.completeExceptionally(t)
                            }
                        }, executor)
                    }
                    is QueryAction.Wait -> {
                        val delay = Duration.between(Instant.now(), action.until).toMillis().coerceAtLeast(0)
                        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, executor).execute { step() }
                    }
                }
            } catch (t: Throwable) {
                result.completeExceptionally(t)
            }
        }
        step()
        return result
    }
}
