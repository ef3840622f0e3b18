// What a merchant's JVM server writes with the Kotlin client: a checkout that
// starts a payment, the two webhooks (callback, IPN), and nothing else: no
// token, retry, polling or reconciliation code (the client and the core do it).
// Compiled and run by scripts/uniffi.sh (the test "example shop" drives it
// against the sandbox). Run it yourself:
//   JENGA_ENV=uat JENGA_API_KEY=… JENGA_MERCHANT_CODE=… JENGA_CONSUMER_SECRET=… JENGA_PRIVATE_KEY=key.pem \
//   JENGA_CALLBACK_SECRET=… JENGA_CALLBACK_URL=https://shop.example.com/jenga/callback \
//   JENGA_IPN_USERNAME=… JENGA_IPN_PASSWORD=… java -cp … jenga.stk.examples.ShopKt
package jenga.stk.examples

import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import jenga.stk.JengaException
import jenga.stk.OutcomeKind
import jenga.stk.client.JengaClient
import jenga.stk.client.Payment
import jenga.stk.client.PaymentRequest
import java.io.File
import java.math.BigDecimal
import java.net.InetSocketAddress
import java.util.concurrent.ConcurrentHashMap

/** The shop's side of a payment. `orders` is your database: order reference -> the payment's saved state. */
class Shop(private val jenga: JengaClient, private val orders: MutableMap<String, String>) {
    /** Checkout: prompt the customer's phone; the outcome arrives later. */
    fun checkout(orderReference: String, amount: BigDecimal, phone: String): Payment {
        val payment = jenga.startPayment(
            PaymentRequest(orderReference, amount, phone, "Jane Doe", "jane@example.com", "12345678", "Order $orderReference"),
        )
        orders[orderReference] = payment.toJson()
        payment.awaitAsync().thenAccept { outcome ->
            orders[orderReference] = payment.toJson()
            if (outcome.kind == OutcomeKind.PAID) println("ship order $orderReference")
        }
        return payment
    }

    /** POST /jenga/callback: `target` is the request target as received (path and query). */
    fun callback(target: String, body: ByteArray): Int = try {
        val callback = jenga.verifyCallback(target, body)
        payment(callback.refs.orderReference)?.let { it.handleCallback(callback); orders[it.orderReference] = it.toJson() }
        200
    } catch (e: JengaException.Auth) {
        401
    }

    /** POST /jenga/ipn. */
    fun ipn(authorization: String?, body: ByteArray): Int = try {
        val ipn = jenga.verifyIpn(authorization, body)
        ipn.orderReference?.let { payment(it) }?.let { it.handleIpn(ipn); orders[it.orderReference] = it.toJson() }
        200
    } catch (e: JengaException.Auth) {
        401
    }

    /** The payment held in memory, or restored from the database (another process, a restart). */
    private fun payment(orderReference: String): Payment? =
        jenga.payment(orderReference) ?: orders[orderReference]?.let { jenga.resume(it) }
}

fun main() {
    val env = System.getenv()
    val jenga = JengaClient.builder()
        .environment(env.getValue("JENGA_ENV"))
        .credentials(env.getValue("JENGA_API_KEY"), env.getValue("JENGA_MERCHANT_CODE"), env.getValue("JENGA_CONSUMER_SECRET"))
        .privateKey(File(env.getValue("JENGA_PRIVATE_KEY")).readText())
        .callbacks(env.getValue("JENGA_CALLBACK_SECRET").toByteArray(), env.getValue("JENGA_CALLBACK_URL"))
        .ipnCredentials(env.getValue("JENGA_IPN_USERNAME"), env.getValue("JENGA_IPN_PASSWORD"))
        .build()
    val shop = Shop(jenga, ConcurrentHashMap())
    val server = HttpServer.create(InetSocketAddress(8080), 0)
    fun HttpExchange.answer(code: Int, text: String = "") {
        val bytes = text.toByteArray()
        sendResponseHeaders(code, if (bytes.isEmpty()) -1 else bytes.size.toLong())
        if (bytes.isNotEmpty()) responseBody.write(bytes)
        close()
    }
    server.createContext("/checkout") { ex ->
        val q = ex.requestURI.query.split("&").associate { it.substringBefore("=") to it.substringAfter("=") }
        val payment = shop.checkout(q.getValue("order"), BigDecimal(q.getValue("amount")), q.getValue("phone"))
        ex.answer(202, "prompt sent for ${payment.orderReference}\n")
    }
    server.createContext("/jenga/callback") { ex -> ex.answer(shop.callback(ex.requestURI.toString(), ex.requestBody.readAllBytes())) }
    server.createContext("/jenga/ipn") { ex -> ex.answer(shop.ipn(ex.requestHeaders.getFirst("Authorization"), ex.requestBody.readAllBytes())) }
    server.start()
    println("shop on http://localhost:8080 (POST /checkout?order=OR1&amount=100&phone=0722000000)")
}
