// The client a JVM server (Ktor, Spring, …) keeps one of: it turns an
// order into a signed STK push, drives the core's PaymentFlow (and, for
// queryStatus, its StatusQuery) with java.net.http, shares one token between
// all its payments and queries, and verifies callbacks and IPNs. It only moves
// bytes: every decision (retries, backoff, asking the provider before pushing
// again, the outcome) is the core's.
package jenga.stk.client

import jenga.stk.CallbackUrls
import jenga.stk.Credentials
import jenga.stk.CustomerInput
import jenga.stk.Environment
import jenga.stk.FlowContext
import jenga.stk.ForeignSigner
import jenga.stk.Ipn
import jenga.stk.IpnAuth
import jenga.stk.JengaException
import jenga.stk.Limits
import jenga.stk.OrderInput
import jenga.stk.PaymentDetailsInput
import jenga.stk.PaymentFlow
import jenga.stk.PaymentInput
import jenga.stk.RequestOptions
import jenga.stk.RetryPolicy
import jenga.stk.SharedTokens
import jenga.stk.SignedStkPush
import jenga.stk.Signer
import jenga.stk.StatusQuery
import jenga.stk.StatusResponse
import jenga.stk.StatusSignature
import jenga.stk.StkPush
import jenga.stk.StkPushInput
import jenga.stk.VerifiedCallback
import jenga.stk.defaultRetryPolicy
import jenga.stk.parseIpn
import java.lang.ref.WeakReference
import java.net.http.HttpClient
import java.security.SecureRandom
import java.time.Duration
import java.time.Instant
import java.util.Base64
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.Executor
import java.util.concurrent.ForkJoinPool

/**
 * Payments with the Jenga M-Pesa STK push, for a JVM server. Make one with
 * [builder], keep it for the application's life (it holds the merchant's
 * token, shared by every payment), [close] it at shutdown.
 *
 * ```kotlin
 * val jenga = JengaClient.builder()
 *     .environment("uat")
 *     .credentials(apiKey, merchantCode, consumerSecret)
 *     .privateKey(pem)
 *     .callbacks(callbackSecret, "https://shop.example.com/jenga/callback")
 *     .ipnCredentials(ipnUser, ipnPassword)
 *     .build()
 * val payment = jenga.startPayment(PaymentRequest("OR1", BigDecimal("100"), "0722000000", "Jane", "jane@example.com", "12345678", "Order 1"))
 * val outcome = payment.await()          // or payment.awaitAsync(): CompletableFuture<Outcome>
 * ```
 *
 * Secrets (consumer secret, private key, callback secret, IPN password) stay
 * in the library's objects: `toString` never shows them. They belong on your
 * server, never in a mobile app.
 */
class JengaClient private constructor(b: Builder) : AutoCloseable {
    /** Where requests go. */
    val environment: Environment = Environment(b.environment ?: throw IllegalStateException("environment(…) is required"))

    private val credentials: Credentials = Credentials(
        b.apiKey ?: throw IllegalStateException("credentials(…) is required"), b.merchantCode!!, b.consumerSecret!!,
    )

    /** The token state every payment of this client shares (one token request for many payments). */
    val tokens: SharedTokens = SharedTokens(environment, credentials)

    private val ownsSigner = b.privateKeyPem != null
    private val signer: Signer? = b.privateKeyPem?.let { Signer(it) } ?: b.signer
    private val foreignSigner: ForeignSigner? = b.foreignSigner
    private val callbackUrls: CallbackUrls? = b.callbackSecret?.let { CallbackUrls(it) }
    private val callbackBaseUrl: String? = b.callbackBaseUrl
    private val callbackUrl: String? = b.callbackUrl
    private val ipnAuth: IpnAuth? = if (b.ipnUsername != null) IpnAuth(b.ipnUsername!!, b.ipnPassword!!) else null

    /** The request options (amount style, phone format, limits). */
    val requestOptions: RequestOptions = b.requestOptions

    /** The retry policy every payment follows. */
    val retryPolicy: RetryPolicy = b.retryPolicy

    /** Whether status queries carry a `Signature` header (a signature of the order reference). */
    val signsStatusQueries: Boolean = b.signStatusQueries

    private val ownsHttp = b.httpClient == null
    internal val http: HttpClient = b.httpClient ?: HttpClient.newBuilder().connectTimeout(b.connectTimeout).build()
    internal val executor: Executor = b.executor ?: ForkJoinPool.commonPool()
    internal val transport = Transport(http, executor)

    private val random = SecureRandom()
    private val live = ConcurrentHashMap<String, WeakReference<Payment>>()

    @Volatile
    private var closed = false

    init {
        check((signer == null) != (foreignSigner == null)) { "exactly one of privateKey(…), signer(…) is required" }
        check((callbackUrls == null) != (callbackUrl == null)) { "exactly one of callbacks(secret, baseUrl), callbackUrl(url) is required" }
        // A bad callback base URL fails now, not at the first payment.
        callbackUrls?.callbackUrl(callbackBaseUrl!!, "ORDER1", "PAYMENT1")
    }

    /**
     * Validates the order (every problem at once: `JengaException.Validation`),
     * signs the push, and drives it until the provider has it. Returns the
     * [Payment]; [Payment.await] gives the outcome. Throws
     * `JengaException.NotStarted` only when nothing reached the customer
     * (`payment_rejected`: the provider refused the push; `payment_not_sent`:
     * it could not be sent): its `outcome` says why. A push whose answer was
     * lost is not an error: the payment asks the provider about it.
     *
     * Interrupting the thread throws `InterruptedException`; the push may
     * have reached the provider: [payment] (by order reference) gives the
     * handle, whose flow asks the provider first.
     */
    @Throws(JengaException::class, InterruptedException::class)
    fun startPayment(order: PaymentRequest): Payment {
        val payment = newPayment(order)
        payment.driveBlocking(stopWhenStarted = true, end = null)
        payment.flow.requireStarted()
        return payment
    }

    /**
     * [startPayment] without blocking a thread: the future completes with
     * the [Payment] once the provider has the push, or fails with
     * `JengaException` (validation, `NotStarted`). The order is validated and
     * signed on the calling thread. Cancelling the future while the push is
     * in flight reports it to the flow as a lost connection; [payment] then
     * gives the handle.
     */
    fun startPaymentAsync(order: PaymentRequest): CompletableFuture<Payment> {
        val payment = try {
            newPayment(order)
        } catch (e: Exception) {
            return CompletableFuture.failedFuture(e)
        }
        return payment.driveAsync(stopWhenStarted = true) {
            payment.flow.requireStarted()
            payment
        }
    }

    /** A payment saved with [Payment.toJson], restored (in any process). */
    @Throws(JengaException::class)
    fun resume(json: String): Payment {
        check(!closed) { "this JengaClient is closed" }
        return register(Payment(this, PaymentFlow.fromJson(json, context())))
    }

    /**
     * The payment for `orderReference` that this client holds in memory
     * (started or resumed here, and still referenced), or null: a web
     * handler hands a callback or IPN to it, waking whoever awaits it.
     */
    fun payment(orderReference: String): Payment? = live[orderReference]?.get()

    /**
     * Authenticates a callback (the URL's token, made by [Builder.callbacks])
     * and parses it: `url` is the request target as received
     * (`/jenga/callback?jenga_order=…`), `body` the raw bytes. Throws
     * `JengaException.Auth` for a forged or altered callback.
     */
    @Throws(JengaException::class)
    fun verifyCallback(url: String, body: ByteArray): VerifiedCallback {
        val urls = callbackUrls ?: throw IllegalStateException("no callback secret: see Builder.callbacks")
        return urls.verifyCallback(url, body)
    }

    /**
     * Authenticates an IPN (its `Authorization` header, null when absent)
     * and parses its raw body. Throws `JengaException.Auth` when the
     * credentials are missing or wrong.
     */
    @Throws(JengaException::class)
    fun verifyIpn(authorization: String?, body: ByteArray): Ipn {
        val auth = ipnAuth ?: throw IllegalStateException("no IPN credentials: see Builder.ipnCredentials")
        auth.verify(authorization)
        return parseIpn(body)
    }

    /**
     * What the provider says about `orderReference`: one status query over
     * the core's `StatusQuery`, with the token every payment of this client
     * shares (fetched first if needed). The query decides the retries: after
     * a 401, one retry with a new token; after a 5xx, a 429 (waiting at least
     * its `Retry-After`) or no answer, up to the policy's `maxRetries` with
     * backoff. Returns the provider's answer: `Found`, `NotFound`, or
     * `Rejected` (its refusal after those retries, a refused token request
     * included). Throws `JengaException.Validation` (field `orderReference`)
     * for a blank reference or one with control characters, and
     * `JengaException.Transport` (`transport_failed`, with the last
     * `failure`) when no answer came at all. Interrupting the thread throws
     * `InterruptedException` (a request in flight is reported to the query
     * first).
     */
    @Throws(JengaException::class, InterruptedException::class)
    fun queryStatus(orderReference: String): StatusResponse = QueryDriver(newQuery(orderReference), transport, executor).blocking()

    /**
     * [queryStatus] without blocking a thread: the future completes with the
     * provider's answer, or fails with `JengaException` (validation on the
     * calling thread; `Transport` when no answer came). Cancelling it while a
     * request is in flight reports a lost connection to the query first.
     */
    fun queryStatusAsync(orderReference: String): CompletableFuture<StatusResponse> = try {
        QueryDriver(newQuery(orderReference), transport, executor).async()
    } catch (e: Exception) {
        CompletableFuture.failedFuture(e)
    }

    /**
     * No new payments; the private key loaded from PEM is freed (its memory
     * zeroed); a client-made HttpClient is closed where the JDK supports it
     * (21+). Payments in progress keep their token.
     */
    override fun close() {
        closed = true
        if (ownsSigner) signer?.close()
        if (ownsHttp) (http as? AutoCloseable)?.close()
    }

    override fun toString(): String =
        "JengaClient(environment=${environment.baseUrl()}, merchantCode=${credentials.merchantCode()}, <secrets redacted>)"

    // ------------------------------------------------------------------ internals

    private fun context() = FlowContext(tokens, callbackUrls, Limits())

    private fun register(payment: Payment): Payment {
        live.values.removeIf { it.get() == null }
        live[payment.orderReference] = WeakReference(payment)
        return payment
    }

    private fun newPayment(order: PaymentRequest): Payment {
        check(!closed) { "this JengaClient is closed" }
        val paymentReference = order.paymentReference ?: randomReference()
        fun input(url: String) = StkPushInput(
            order = OrderInput(
                orderReference = order.orderReference, orderAmount = order.amount, orderCurrency = order.currency,
                countryCode = order.countryCode, description = order.description,
            ),
            customer = CustomerInput(
                name = order.customerName, email = order.customerEmail, phoneNumber = order.phone, identityNumber = order.identityNumber,
            ),
            payment = PaymentInput(
                paymentReference = paymentReference, paymentCurrency = order.currency, callbackUrl = url,
                details = PaymentDetailsInput(msisdn = order.phone, paymentAmount = order.amount),
            ),
        )
        val url = if (callbackUrls == null) callbackUrl!! else try {
            callbackUrls.callbackUrl(callbackBaseUrl!!, order.orderReference, paymentReference)
        } catch (e: JengaException.Validation) {
            StkPush(input(callbackBaseUrl!!), requestOptions) // every problem of the order at once, if it has any
            throw e
        }
        val push = StkPush(input(url), requestOptions)
        val signed: SignedStkPush = if (signer != null) push.sign(signer) else push.signWith(foreignSigner!!)
        val statusSignature = when {
            !signsStatusQueries -> StatusSignature.None
            signer != null -> StatusSignature.Sign(signer)
            else -> StatusSignature.Provided(Base64.getEncoder().encodeToString(foreignSigner!!.sign(order.orderReference.toByteArray())))
        }
        val seed = random.nextLong().toULong()
        val flow = PaymentFlow(signed, context(), retryPolicy, statusSignature, seed, Instant.now())
        return register(Payment(this, flow))
    }

    private fun randomReference(): String {
        val alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        return (1..12).map { alphabet[random.nextInt(alphabet.length)] }.joinToString("")
    }

    /**
     * A status query for `orderReference`, validated by the core before
     * anything is signed; when status queries are signed, the signature is
     * of the reference the query sends (trimmed).
     */
    private fun newQuery(orderReference: String): StatusQuery {
        check(!closed) { "this JengaClient is closed" }
        val seed = random.nextLong().toULong()
        fun query(reference: String, signature: StatusSignature) = StatusQuery(reference, tokens, retryPolicy, signature, seed)
        return when {
            !signsStatusQueries -> query(orderReference, StatusSignature.None)
            signer != null -> query(orderReference, StatusSignature.Sign(signer))
            else -> {
                val reference = query(orderReference, StatusSignature.None).use { it.orderReference() }
                query(reference, StatusSignature.Provided(Base64.getEncoder().encodeToString(foreignSigner!!.sign(reference.toByteArray()))))
            }
        }
    }

    /** Builds a [JengaClient]; every option has a setter, the built client is immutable. */
    class Builder internal constructor() {
        internal var environment: String? = null
        internal var apiKey: String? = null
        internal var merchantCode: String? = null
        internal var consumerSecret: String? = null
        internal var privateKeyPem: String? = null
        internal var signer: Signer? = null
        internal var foreignSigner: ForeignSigner? = null
        internal var callbackSecret: ByteArray? = null
        internal var callbackBaseUrl: String? = null
        internal var callbackUrl: String? = null
        internal var ipnUsername: String? = null
        internal var ipnPassword: String? = null
        internal var requestOptions: RequestOptions = RequestOptions()
        internal var retryPolicy: RetryPolicy = defaultRetryPolicy()
        internal var signStatusQueries: Boolean = false
        internal var httpClient: HttpClient? = null
        internal var connectTimeout: Duration = Duration.ofSeconds(10)
        internal var executor: Executor? = null

        /** `uat`, `live`, or a base URL (https, or http on loopback: the sandbox). */
        fun environment(environment: String) = apply { this.environment = environment }

        /** The merchant's API key, merchant code and consumer secret (from the portal). */
        fun credentials(apiKey: String, merchantCode: String, consumerSecret: String) = apply {
            this.apiKey = apiKey
            this.merchantCode = merchantCode
            this.consumerSecret = consumerSecret
        }

        /** The private key that signs pushes (PKCS#1 or PKCS#8 PEM text). */
        fun privateKey(pem: String) = apply { this.privateKeyPem = pem }

        /** A loaded signer instead of PEM text. */
        fun signer(signer: Signer) = apply { this.signer = signer }

        /** A signer whose key never enters the library (an HSM, a cloud KMS, a PKCS#11 token on your server). */
        fun signer(signer: ForeignSigner) = apply { this.foreignSigner = signer }

        /**
         * Per-payment callback URLs: `baseUrl` plus the references and an
         * HMAC token made with `secret` (32 bytes or more), checked by
         * [JengaClient.verifyCallback].
         */
        fun callbacks(secret: ByteArray, baseUrl: String) = apply {
            this.callbackSecret = secret.copyOf()
            this.callbackBaseUrl = baseUrl
        }

        /** One fixed callback URL for every payment instead (callbacks cannot then be authenticated). */
        fun callbackUrl(url: String) = apply { this.callbackUrl = url }

        /** The IPN's Basic-auth credentials (from the portal), checked by [JengaClient.verifyIpn]. */
        fun ipnCredentials(username: String, password: String) = apply {
            this.ipnUsername = username
            this.ipnPassword = password
        }

        /** The amount style and phone format the push is written with. */
        fun requestOptions(options: RequestOptions) = apply { this.requestOptions = options }

        /** Retries, polling and timeouts (default: `defaultRetryPolicy()`). */
        fun retryPolicy(policy: RetryPolicy) = apply { this.retryPolicy = policy }

        /** Whether status queries carry a `Signature` header (unconfirmed whether the provider needs one). */
        fun signStatusQueries(sign: Boolean) = apply { this.signStatusQueries = sign }

        /** Your own `java.net.http.HttpClient` (proxy, TLS, executor); its connect timeout is yours to set. */
        fun httpClient(client: HttpClient) = apply { this.httpClient = client }

        /** The connect timeout of the client's own HttpClient (default 10 s). */
        fun connectTimeout(timeout: Duration) = apply { this.connectTimeout = timeout }

        /** Where asynchronous steps run (default: the common ForkJoinPool). */
        fun executor(executor: Executor) = apply { this.executor = executor }

        /** The client. Throws `JengaException` for invalid credentials, keys or URLs, IllegalStateException for missing settings. */
        @Throws(JengaException::class)
        fun build(): JengaClient = JengaClient(this)

        override fun toString(): String = "JengaClient.Builder(<redacted>)"
    }

    companion object {
        /** A new [Builder]. */
        @JvmStatic
        fun builder(): Builder = Builder()
    }
}
