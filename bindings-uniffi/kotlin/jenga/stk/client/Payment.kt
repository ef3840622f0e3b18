// One payment in progress: a handle on its PaymentFlow (the core's state
// machine, which decides everything) and the drivers that move its bytes:
// blocking (await, on the caller's thread) and CompletableFuture
// (awaitAsync, never blocking a thread). Evidence handed in (callback, IPN)
// wakes a driver that waits.
package jenga.stk.client

import jenga.stk.Action
import jenga.stk.FlowRequest
import jenga.stk.InitAccepted
import jenga.stk.Ipn
import jenga.stk.Outcome
import jenga.stk.PaymentFlow
import jenga.stk.Phase
import jenga.stk.StkCallback
import jenga.stk.TransportFailure
import jenga.stk.VerifiedCallback
import java.net.http.HttpResponse
import java.time.Duration
import java.time.Instant
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ExecutionException
import java.util.concurrent.Semaphore
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicReference
import java.util.concurrent.locks.ReentrantLock
import kotlin.concurrent.withLock

/**
 * A payment started (or resumed) by a [JengaClient]. Thread-safe: callbacks
 * and IPNs may be handed in from web handlers while another thread awaits.
 * Save it with [toJson] and restore it with [JengaClient.resume] (in any
 * process, minutes later).
 */
class Payment internal constructor(private val client: JengaClient, internal val flow: PaymentFlow) {
    // Blocking drivers wait on this condition; async ones on `signal`. Both are woken by evidence.
    private val lock = ReentrantLock()
    private val evidence = lock.newCondition()
    private var generation = 0L // guarded by lock
    private val signal = AtomicReference(CompletableFuture<Unit>())

    // One driver at a time (a second one waits for its turn, then sees the flow's state).
    private val driving = Semaphore(1)

    /** The order reference. */
    val orderReference: String = flow.orderReference()

    /** The payment reference of the latest push. */
    val paymentReference: String get() = flow.paymentReference()

    /** Every payment reference pushed, the first one first. */
    val paymentReferences: List<String> get() = flow.paymentReferences()

    /** Where the payment stands. */
    val phase: Phase get() = flow.phase()

    /** Whether the provider is known to have the push (the customer has, or had, the prompt). */
    val pushKnown: Boolean get() = flow.pushKnown()

    /** The provider's acceptance of the push, once it came. */
    val accepted: InitAccepted? get() = flow.accepted()

    /** The instant after which the payment stops trying and ends undecided. */
    val deadline: Instant get() = flow.deadline()

    /** The outcome once the payment has ended (a later successful IPN still turns it into PAID). */
    val outcome: Outcome? get() = flow.outcome()

    /** The payment's state as JSON, without secrets: store it with the order. */
    fun toJson(): String = flow.toJson()

    /**
     * A callback for this payment, authenticated with [JengaClient.verifyCallback].
     * Throws `JengaException.Flow` (`flow_not_this_payment`) for another payment's.
     */
    fun handleCallback(callback: StkCallback) {
        flow.handleCallback(callback)
        wake()
    }

    /** [handleCallback] with what [JengaClient.verifyCallback] returned. */
    fun handleCallback(verified: VerifiedCallback) = handleCallback(verified.callback)

    /**
     * An IPN for this order, authenticated with [JengaClient.verifyIpn]. A
     * successful one decides at once. Throws `JengaException.Flow`
     * (`flow_not_this_payment`) for another order's.
     */
    fun handleIpn(ipn: Ipn) {
        flow.handleIpn(ipn)
        wake()
    }

    /** Asks the provider about the order at the next step (e.g. for a payment left undecided), then [await] it. */
    fun checkStatus() {
        flow.checkStatus()
        wake()
    }

    /**
     * Drives the payment to its end on this thread and returns the outcome.
     * Interrupting the thread stops it with `InterruptedException` (a request
     * in flight is reported to the flow as a lost connection first).
     */
    @Throws(InterruptedException::class)
    fun await(): Outcome = driveBlocking(stopWhenStarted = false, end = null)
        ?: throw IllegalStateException("the flow stopped without an outcome")

    /**
     * [await], giving up with `TimeoutException` after `timeout` (checked
     * between requests; the payment goes on: await it again).
     */
    @Throws(InterruptedException::class, TimeoutException::class)
    fun await(timeout: Duration): Outcome = driveBlocking(stopWhenStarted = false, end = System.nanoTime() + timeout.toNanos())
        ?: throw IllegalStateException("the flow stopped without an outcome")

    /**
     * Drives the payment to its end without blocking a thread (`sendAsync`,
     * delays on `CompletableFuture.delayedExecutor`). Cancelling the future
     * stops the drive; a request in flight is reported to the flow as a lost
     * connection before the cancellation is seen.
     */
    fun awaitAsync(): CompletableFuture<Outcome> =
        driveAsync(stopWhenStarted = false) { it ?: throw IllegalStateException("the flow stopped without an outcome") }

    override fun toString(): String = "Payment(orderReference=$orderReference, paymentReference=$paymentReference, phase=$phase)"

    // ------------------------------------------------------------------ the flow's inputs
    // Evidence goes to the flow as it comes, also while a request is in flight:
    // the flow (a Rust object behind a lock) decides what it means, including a push's
    // answer that comes after a successful IPN ended the payment (it only informs).

    private fun poll(): Action = flow.poll(Instant.now())

    /** The flow hears each request's answer or failure (once per exchange: see [Exchange.claim]). */
    private val receiver = object : Receiver {
        override fun answer(status: Int, retryAfter: String?, body: ByteArray) =
            flow.handleResponse(Instant.now(), status, retryAfter, body)

        override fun failure(failure: TransportFailure) = flow.handleTransportFailure(Instant.now(), failure)
    }

    private fun deliver(exchange: Exchange, response: HttpResponse<ByteArray>?, error: Throwable?) =
        exchange.deliver(receiver, response, error)

    /** A request in flight given up: the flow hears `CONNECTION_LOST` first (see [Exchange.abandon]). */
    private fun abandon(exchange: Exchange) = exchange.abandon(receiver)

    /** Starts the request; one the JDK refuses to build was not sent: the flow hears `CONNECT_FAILED`. */
    private fun start(request: FlowRequest): Exchange = client.transport.start(request, receiver)

    // ------------------------------------------------------------------ waking

    private fun wake() {
        lock.withLock {
            generation++
            evidence.signalAll()
        }
        signal.getAndSet(CompletableFuture()).complete(Unit)
    }

    /** The provider has the push (or may: startPayment stops there). */
    private fun started(): Boolean = flow.pushKnown()

    // ------------------------------------------------------------------ blocking

    /**
     * Polls the flow and does what it says until it ends (or, with
     * `stopWhenStarted`, until the provider has the push: then null).
     * `end` (System.nanoTime) bounds the whole call: TimeoutException.
     */
    internal fun driveBlocking(stopWhenStarted: Boolean, end: Long?): Outcome? {
        if (end == null) {
            driving.acquire()
        } else if (!driving.tryAcquire(end - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            throw TimeoutException("another caller is driving $this")
        }
        try {
            while (true) {
                if (stopWhenStarted && started()) return null
                val seen = lock.withLock { generation }
                when (val action = poll()) {
                    is Action.Done -> return action.outcome
                    is Action.Send -> sendBlocking(action.request)
                    is Action.Wait -> sleep(seen, action.until, end)
                }
            }
        } finally {
            driving.release()
            wake()
        }
    }

    private fun sendBlocking(request: FlowRequest) {
        val exchange = start(request)
        val response = try {
            exchange.future.get()
        } catch (e: InterruptedException) {
            abandon(exchange)
            throw e
        } catch (e: ExecutionException) {
            deliver(exchange, null, e.cause ?: e)
            return
        } catch (e: CancellationException) {
            deliver(exchange, null, e)
            return
        }
        deliver(exchange, response, null)
    }

    /** Until `until`, or until evidence is handed in; TimeoutException past `end`. */
    private fun sleep(seen: Long, until: Instant, end: Long?) {
        lock.withLock {
            while (generation == seen) {
                var left = Duration.between(Instant.now(), until).toNanos()
                if (end != null) {
                    val beforeEnd = end - System.nanoTime()
                    if (beforeEnd <= 0) throw TimeoutException("$this has not ended yet")
                    left = minOf(left, beforeEnd)
                }
                if (left <= 0) return
                evidence.awaitNanos(left)
            }
        }
    }

    // ------------------------------------------------------------------ async

    internal fun <T> driveAsync(stopWhenStarted: Boolean, finish: (Outcome?) -> T): CompletableFuture<T> {
        val drive = AsyncDrive(stopWhenStarted, finish)
        drive.begin()
        return drive.result
    }

    /** One asynchronous drive: each step runs on the client's executor; no thread ever waits. */
    private inner class AsyncDrive<T>(private val stopWhenStarted: Boolean, private val finish: (Outcome?) -> T) {
        private val executor = client.executor
        private val inflight = AtomicReference<Exchange?>(null)
        private val holding = AtomicBoolean(false)

        val result: CompletableFuture<T> = object : CompletableFuture<T>() {
            override fun cancel(mayInterruptIfRunning: Boolean): Boolean {
                // The flow hears of an abandoned request before anyone sees the cancellation.
                inflight.get()?.let { abandon(it) }
                val cancelled = super.cancel(mayInterruptIfRunning)
                wake() // a drive waiting for evidence or for its turn looks again, and stops
                return cancelled
            }
        }

        fun begin() {
            if (result.isDone) return
            val turnSignal = signal.get()
            if (driving.tryAcquire()) {
                holding.set(true)
                step()
            } else {
                // Another driver holds the flow: look again when it lets go (it wakes us).
                turnSignal.thenRunAsync({ begin() }, executor)
            }
        }

        private fun release() {
            if (holding.compareAndSet(true, false)) {
                driving.release()
                wake()
            }
        }

        private fun step() {
            if (result.isDone) return release()
            try {
                if (stopWhenStarted && started()) return complete(null)
                val woken = signal.get()
                when (val action = poll()) {
                    is Action.Done -> complete(action.outcome)
                    is Action.Send -> {
                        val exchange = start(action.request)
                        inflight.set(exchange)
                        if (result.isCancelled) abandon(exchange)
                        exchange.future.whenCompleteAsync({ response, error ->
                            inflight.set(null)
                            try {
                                deliver(exchange, response, error)
                                step()
                            } catch (t: Throwable) {
                                fail(t)
                            }
                        }, executor)
                    }
                    is Action.Wait -> {
                        val delay = Duration.between(Instant.now(), action.until).toMillis().coerceAtLeast(0)
                        val timer = CompletableFuture<Unit>()
                        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, executor).execute { timer.complete(Unit) }
                        CompletableFuture.anyOf(woken, timer).thenRunAsync({ step() }, executor)
                    }
                }
            } catch (t: Throwable) {
                fail(t)
            }
        }

        private fun complete(outcome: Outcome?) {
            release()
            try {
                result.complete(finish(outcome))
            } catch (t: Throwable) {
                result.completeExceptionally(t)
            }
        }

        private fun fail(t: Throwable) {
            release()
            result.completeExceptionally(t)
        }
    }
}
