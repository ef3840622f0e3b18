// The README blocks' preamble: the free names the ```kotlin blocks of README.md and
// bindings-uniffi/README.md use, i.e. what a merchant has in their own code (configuration,
// a database, the web framework's request, their HTTP client). Declarations only, typed as
// the API takes or returns them: the blocks are compiled against the jar, never run.
// readme_kotlin.py puts each block in its own function in its own file of this package.
package readme

import java.io.IOException
import java.time.Duration
import java.time.Instant
import jenga.stk.CallbackUrls
import jenga.stk.HttpRequest
import jenga.stk.SharedTokens
import jenga.stk.SignedStkPush
import jenga.stk.TransportFailure
import jenga.stk.client.JengaClient

/** Any value the merchant's code provides: compiled, never evaluated. */
private fun <T> merchant(): T = throw NotImplementedError("README prelude: compiled, never run")

// The merchant's configuration (secrets from their vault, on their server).
val apiKey: String get() = merchant()
val merchantCode: String get() = merchant()
val consumerSecret: String get() = merchant()
val callbackSecret: ByteArray get() = merchant()
val ipnUsername: String get() = merchant()
val ipnUser: String get() = merchant()
val ipnPassword: String get() = merchant()
val pem: String get() = merchant()

// The client an earlier block built (one per application).
val jenga: JengaClient get() = merchant()

// A webhook as the web framework hands it over: the request target (path and query as
// received), the raw body bytes, the request's headers.
val target: String get() = merchant()
val body: ByteArray get() = merchant()
interface IncomingRequest { fun header(name: String): String? }
val request: IncomingRequest get() = merchant()

// The merchant's order store: a payment's saved state (`toJson()`) by order reference.
object db {
    fun load(orderReference: String): String = merchant()
    fun save(orderReference: String, json: String): Unit = merchant()
}

// The merchant's fulfilment.
fun ship(mpesaReceipt: String?): Unit = merchant()

// The low-level loops: the merchant's own HTTP client and scheduler.
val signedPush: SignedStkPush get() = merchant()
val callbackUrls: CallbackUrls? get() = merchant()
val seed: ULong get() = merchant()
val tokens: SharedTokens get() = merchant()
val orderReference: String get() = merchant()
class Answer(val status: Int, val retryAfter: String?, val body: ByteArray)
@Throws(IOException::class)
fun send(request: HttpRequest, timeout: Duration): Answer = merchant()
fun sleepUntil(until: Instant): Unit = merchant()
fun failureOf(e: IOException): TransportFailure = merchant()

// The signature doctor's inputs: what was sent, and the key registered on the portal.
val bodyBytesAsSent: ByteArray get() = merchant()
val signatureHeaderBytes: ByteArray get() = merchant()
val registeredPublicKeyPem: String get() = merchant()
val privateKeyPemOrNull: String? get() = merchant()

// The lower-level API: a request as JSON, a token and a provider's answer.
val requestJson: String get() = merchant()
val token: String get() = merchant()
val status: Int get() = merchant()
