// The order's details a merchant gives to JengaClient.startPayment: the
// client turns them into the provider's STK push (validated, signed).
package jenga.stk.client

import java.math.BigDecimal

/**
 * One payment to start. Money is exact (`BigDecimal`, never a double); the
 * phone is taken as the customer typed it (`0722 000 000`, `+254722000000`).
 *
 * @property orderReference your order's reference (the provider's key for the order).
 * @property amount the amount to pay, in `currency`.
 * @property phone the M-Pesa number to prompt (also the customer's phone number).
 * @property customerName the customer's name.
 * @property customerEmail the customer's email.
 * @property identityNumber the customer's identity number.
 * @property description what is paid for (shown in the provider's records).
 * @property paymentReference this attempt's reference; null: a random one.
 * @property currency the currency (default `KES`).
 * @property countryCode the country (default `KE`).
 */
data class PaymentRequest(
    val orderReference: String,
    val amount: BigDecimal,
    val phone: String,
    val customerName: String,
    val customerEmail: String,
    val identityNumber: String,
    val description: String,
    val paymentReference: String? = null,
    val currency: String = "KES",
    val countryCode: String = "KE",
)
