// The Kotlin API beyond the vectors: the foreign signer, typed input, exact
// money, redacted secrets, and errors as exceptions.
package jenga.stk.tests

import jenga.stk.*
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import java.math.BigDecimal
import java.security.KeyFactory
import java.security.PrivateKey
import java.security.spec.PKCS8EncodedKeySpec
import java.time.Instant
import java.util.Base64

/** Signs with the JDK, as a server would with a key in an HSM or KeyStore: the key never enters the library. */
class JdkSigner(private val key: PrivateKey) : ForeignSigner {
    var calls = 0
    override fun sign(message: ByteArray): ByteArray {
        calls++
        val s = java.security.Signature.getInstance("SHA256withRSA")
        s.initSign(key)
        s.update(message)
        return s.sign()
    }
}

fun pkcs8Key(pem: String): PrivateKey {
    assertTrue(pem.contains("BEGIN PRIVATE KEY")) { "not PKCS#8" }
    val b64 = pem.lines().filter { !it.startsWith("-----") }.joinToString("")
    return KeyFactory.getInstance("RSA").generatePrivate(PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)))
}

class ApiTest : Covered() {
    private val v = Fixtures
    private val pageExample = """{"order":{"orderReference":"OR28922980077","orderAmount":2,"orderCurrency":"KES","countryCode":"KE","description":"Purchase"},
        "customer":{"name":"John Doe","email":"xyx2@gmail.com","phoneNumber":"0722000111","identityNumber":"0000000"},
        "payment":{"paymentReference":"MKQR28922980073","paymentCurrency":"KES","callbackUrl":"https://shop.example.com/jenga/callback",
        "details":{"msisdn":"0722000000","paymentAmount":2}}}"""

    private fun input(amount: BigDecimal) = StkPushInput(
        order = OrderInput(orderReference = "OR28922980077", orderAmount = amount, orderCurrency = "KES", countryCode = "KE", description = "Purchase"),
        customer = CustomerInput(name = "John Doe", email = "xyx2@gmail.com", phoneNumber = "0722000111", identityNumber = "0000000"),
        payment = PaymentInput(
            paymentReference = "MKQR28922980073", paymentCurrency = "KES", callbackUrl = "https://shop.example.com/jenga/callback",
            details = PaymentDetailsInput(msisdn = "0722000000", paymentAmount = amount),
        ),
    )

    @Test
    @DisplayName("foreign signer (java.security SHA256withRSA)")
    fun foreignSigner() {
        var n = 0
        for ((pkcs8, pkcs1) in listOf("test-pkcs8-2048" to "test-pkcs1-2048", "test-pkcs8-4096" to null)) {
            val push = StkPush.fromJson(pageExample, RequestOptions())
            val core = push.sign(Signer(v.key(pkcs8)))
            val jdk = JdkSigner(pkcs8Key(v.key(pkcs8)))
            val foreign = push.signWith(jdk)
            assertTrue(jdk.calls == 1) { "foreign signer called ${jdk.calls} times" }
            assertTrue(Base64.getDecoder().decode(foreign.signature()).contentEquals(Base64.getDecoder().decode(core.signature()))) {
                "$pkcs8: the JDK's signature differs from the core's"
            }
            foreign.verify(Signer(v.key(pkcs8)).verifier())
            n++
            if (pkcs1 != null) {
                // A PKCS#1 key exported by the library as PKCS#8 DER, as a server would import it into its KeyStore or HSM.
                val der = Signer(v.key(pkcs1)).pkcs8Der()
                val imported = KeyFactory.getInstance("RSA").generatePrivate(PKCS8EncodedKeySpec(der))
                val want = push.sign(Signer(v.key(pkcs1))).signature()
                assertTrue(push.signWith(JdkSigner(imported)).signature() == want) { "imported key differs" }
                n++
            }
        }
        // The page example's expected signature from signatures.json, through the JDK.
        val want = "i33xC9RHwOW5so07W6CPs3xmY0kCd5v/E11jzuZiE0PTDtCcgh6DmRGvdJCW/lRPBhAO7g64U/wmhivXc0st110b5e+udxGjKAmZhbW4iifuVpLSysZ7gk8gNOENSHHQLRym9hiwQXdnkXJJs4pII07OkbdD/zl2fhlDCZqB7iCgIMzA0fZGvZ17Kip+35z0aD+ha6x5aHNMpJlqPcN9qmCXQ8ID5wUvMFsWun9xIRLy+xFc+ntt0BFrqVCvD07Wc56sEV+7k2atpEA34si+64AXvASbKYkOQCDJoeWvImqXrsGTe9iGO9n9jithoU7pq++WHXzmItu20ANW52gKBg=="
        val imported = KeyFactory.getInstance("RSA").generatePrivate(PKCS8EncodedKeySpec(Signer(v.key("test-pkcs1-2048")).pkcs8Der()))
        assertTrue(StkPush.fromJson(pageExample, RequestOptions()).signWith(JdkSigner(imported)).signature() == want) { "page example signature" }

        // A signer that throws becomes signing_failed; one that returns nothing is refused.
        val throwing = object : ForeignSigner {
            override fun sign(message: ByteArray): ByteArray = throw IllegalStateException("keystore locked")
        }
        try {
            StkPush.fromJson(pageExample, RequestOptions()).signWith(throwing)
            fail("a throwing signer was accepted")
        } catch (e: JengaException.Signature) {
            assertTrue(e.code == "signing_failed") { e.code }
        }
        val empty = object : ForeignSigner { override fun sign(message: ByteArray) = ByteArray(0) }
        try {
            StkPush.fromJson(pageExample, RequestOptions()).signWith(empty)
            fail("an empty signature was accepted")
        } catch (e: JengaException.Signature) {
            assertTrue(e.code.isNotEmpty()) { e.code }
        }
        note("$n keys, identical bytes")
    }

    @Test
    @DisplayName("typed input and BigDecimal money")
    fun typedInputAndMoney() {
        val fromJson = StkPush.fromJson(pageExample, RequestOptions())
        val typed = StkPush(input(BigDecimal("2")), RequestOptions())
        assertTrue(typed.body() == fromJson.body()) { "typed body differs:\n${typed.body()}\n${fromJson.body()}" }
        assertTrue(typed.signingString() == "OR28922980077KES07220000002") { typed.signingString() }
        assertTrue(typed.paymentAmount() == BigDecimal("2.00")) { "amount ${typed.paymentAmount()}" }

        // Two decimals as a string: BigDecimal("2.5") is written 2.50, exactly.
        val two = StkPush(input(BigDecimal("2.5")), RequestOptions(amountDecimals = AmountDecimals.TWO, amountEncoding = AmountEncoding.STRING))
        assertTrue(two.signingString() == "OR28922980077KES07220000002.50") { two.signingString() }
        assertTrue(two.body().contains("\"paymentAmount\":\"2.50\"")) { two.body() }
        assertTrue(two.paymentAmount() == BigDecimal("2.50")) { "${two.paymentAmount()}" }

        // A fraction under whole-unit style is an error, never rounded; every problem at once.
        try {
            StkPush(input(BigDecimal("2.5")), RequestOptions())
            fail("2.5 accepted as whole units")
        } catch (e: JengaException.Validation) {
            assertTrue(e.problems.map { it.code }.toSet() == setOf("amount_not_whole")) { "${e.problems}" }
            assertTrue(e.problems.map { it.field } == listOf("order.orderAmount", "payment.details.paymentAmount")) { "${e.problems}" }
        }
        // A BigDecimal that is not an amount (three decimals, negative) fails with the amount's code.
        for ((text, code) in listOf("2.005" to "amount_too_precise", "-2" to "amount_not_positive")) {
            try {
                StkPush(input(BigDecimal(text)), RequestOptions())
                fail("$text accepted")
            } catch (e: JengaException.Validation) {
                assertTrue(e.code == code) { "$text: ${e.code}" }
            }
        }
        // Options round trip and unknown options.
        val options = requestOptionsFromJson("""{"amountDecimals":"two","phoneFormat":"international","maxAmount":"1000"}""")
        assertTrue(options.amountDecimals == AmountDecimals.TWO && options.phoneFormat == PhoneFormat.INTERNATIONAL) { "$options" }
        assertTrue(options.maxAmount == BigDecimal("1000.00")) { "${options.maxAmount}" }
        try {
            requestOptionsFromJson("""{"amountDecimal":"two"}""")
            fail("unknown option accepted")
        } catch (e: JengaException.Validation) {
            assertTrue(e.problems.single().code == "invalid_option") { "${e.problems}" }
        }
        note("bodies equal, BigDecimal exact")
    }

    @Test
    @DisplayName("secrets redacted, errors typed")
    fun secretsAndErrors() {
        val pem = v.key("test-pkcs1-2048")
        val signer = Signer(pem)
        assertTrue(!signer.toString().contains("PRIVATE") && signer.toString().contains("redacted")) { signer.toString() }
        val token = AccessToken("eyJ.secret-token.sig")
        assertTrue(!token.toString().contains("secret-token")) { token.toString() }
        val creds = Credentials("api-key-secret", "4445776666", "consumer-secret-value")
        assertTrue(!creds.toString().contains("api-key-secret") && !creds.toString().contains("consumer-secret-value")) { "printed: $creds" }
        val tokenRequest = creds.tokenRequest(Environment.uat())
        assertTrue(!tokenRequest.toString().contains("consumer-secret-value") && !tokenRequest.toString().contains("api-key-secret")) { tokenRequest.toString() }
        val request = StkPush.fromJson(pageExample, RequestOptions()).sign(signer).httpRequest(Environment.uat(), token)
        assertTrue(!request.toString().contains("secret-token")) { request.toString() }
        assertTrue(request.header("authorization") == "Bearer eyJ.secret-token.sig") { "header lookup" }
        assertTrue(request.url() == "https://uat.finserve.africa/api-checkout/mpesa-stk-push/v3.0/init") { request.url() }

        // Errors: a Key variant, a Parse variant with its JSON path, an Auth variant, a Rejected variant.
        try { Signer(v.key("test-1024")); fail("1024-bit key accepted") } catch (e: JengaException.Key) {
            assertTrue(e.code == "key_too_small" && e.field == null) { e.code }
        }
        try { parseCallback("{\"data\":{}}".toByteArray()); fail("bad callback accepted") } catch (e: JengaException.Parse) {
            assertTrue(e.code == "missing_field" && e.field != null) { "${e.code} ${e.field}" }
        }
        try { IpnAuth("u", "p").verify("Basic d3Jvbmc6d3Jvbmc="); fail("wrong IPN auth accepted") } catch (e: JengaException.Auth) {
            assertTrue(e.code == "ipn_auth_invalid") { e.code }
        }
        val state = TokenState(Environment.uat(), creds)
        try {
            state.onResponse(401, """{"status":false,"code":401,"message":"Invalid","error_code":"UNAUTHORIZED"}""".toByteArray(), Instant.now())
            fail("401 stored")
        } catch (e: JengaException.Rejected) {
            // On the token endpoint a 401 is bad merchant credentials: a new token cannot help (issue 13).
            assertTrue(e.code == "provider_rejected" && e.rejection.kind == RejectionKind.UNAUTHORIZED && e.rejection.action == NextAction.DO_NOT_RETRY) { "${e.rejection}" }
        }
        try { Environment("http://example.com"); fail("insecure base URL accepted") } catch (e: JengaException.Validation) {
            assertTrue(e.problems.isNotEmpty()) { "no problems" }
        }
        // Times are Instants, millisecond-exact.
        val now = Instant.parse("2021-07-13T07:03:05.123Z")
        val body = """{"accessToken":"eyJ.x.y","expiresIn":"2021-07-13T07:18:02Z","issuedAt":"2021-07-13T07:03:02Z","tokenType":"Bearer"}"""
        val stored = TokenState(Environment.uat(), creds).onResponse(200, body.toByteArray(), now)
        assertTrue(stored.receivedAt() == now && stored.expiresAt() == now.plusSeconds(900)) { "${stored.receivedAt()} ${stored.expiresAt()}" }
        note("redacted, typed errors")
    }

    /** Phones as people type them are sent as digits only, in the body and the signing string alike. */
    @Test
    @DisplayName("phones as people type them")
    fun phonesAsTyped() {
        val base = input(BigDecimal("2"))
        val typed = base.copy(payment = base.payment.copy(details = base.payment.details.copy(msisdn = "+254 722-000-000")))
        val push = StkPush(typed, RequestOptions())
        assertTrue(push.msisdn() == "254722000000") { push.msisdn() }
        assertTrue(push.signingString() == "OR28922980077KES2547220000002") { push.signingString() }
        assertTrue(push.body().contains("\"msisdn\":\"254722000000\"") && !push.body().contains("+")) { push.body() }
        val local = StkPush(base.copy(customer = base.customer.copy(phoneNumber = "00254 (722) 000.111")), RequestOptions(phoneFormat = PhoneFormat.LOCAL))
        assertTrue(local.body().contains("\"phoneNumber\":\"0722000111\"")) { local.body() }
        note("+254 722-000-000 -> 254722000000")
    }

    private val ipnBody = """{"callbackType":"IPN","customer":{"name":"John Doe","mobileNumber":"0722000000","reference":"OR28922980077"},"transaction":{"date":"2024-08-09 16:22:50","reference":"SH90HU7FO2","paymentMode":"MPESA","amount":2,"currency":"KES","serviceCharge":1,"billNumber":"INVDBU","servedBy":"JENGA","additionalInfo":"MPESA","orderAmount":2,"orderCurrency":"KES","status":"SUCCESS","remarks":"ED990222"},"bank":{"reference":"NONE","transactionType":"C","account":"NONE"}}"""
    private val paidItems = """"ResultCode":0,"CallbackMetadata":{"Item":[{"Value":2,"Name":"Amount"},{"Value":"SH90HU7FO2","Name":"MpesaReceiptNumber"},{"Value":"2547*****000","Name":"PhoneNumber"}]}"""
    private val callbackBody = """{"status":true,"code":"0","message":"ok","transactionReference":"MKQR28922980073","data":{"Body":{"stkCallback":{$paidItems}}}}"""

    /** Side fields never fail a payload: they come back null (Kotlin nullable types); deciding fields stay. */
    @Test
    @DisplayName("side fields optional (IPN, callback, reconcile currency)")
    fun sideFieldsOptional() {
        val expected = Expected("OR28922980077", BigDecimal("2"), "KES")

        // An IPN without customer.reference: a payment that did not come from a push.
        val orphan = parseIpn(ipnBody.replace(""","reference":"OR28922980077"""", "").toByteArray())
        assertTrue(orphan.orderReference == null && orphan.customer.reference == null && orphan.dedupeKey == "SH90HU7FO2") { "$orphan" }
        val ignored = reconcile(expected, null, listOf(orphan), null)
        assertTrue(ignored.state == PaymentState.PENDING && ignored.conflicts.map { it.kind } == listOf(ConflictKind.REFERENCE_MISMATCH)) { "$ignored" }

        // No currency, no date, no payment mode: paid, with the currency unconfirmed.
        val bare = parseIpn(
            ipnBody.replace(""""currency":"KES",""", "").replace(""""date":"2024-08-09 16:22:50",""", "")
                .replace(""""paymentMode":"MPESA",""", "").toByteArray(),
        )
        assertTrue(bare.transaction.currency == null && bare.transaction.date == null && bare.transaction.paymentMode == null) { "${bare.transaction}" }
        val paid = reconcile(expected, null, listOf(bare), null)
        assertTrue(paid.state == PaymentState.PAID && paid.currencyPaid == null && !paid.currencyConfirmed && paid.conflicts.isEmpty()) { "$paid" }
        val full = parseIpn(ipnBody.toByteArray())
        assertTrue(full.transaction.paymentMode == PaymentMode.Mpesa && full.orderReference == "OR28922980077") { "$full" }
        val confirmed = reconcile(expected, null, listOf(full), null)
        assertTrue(confirmed.currencyPaid == "KES" && confirmed.currencyConfirmed) { "$confirmed" }

        // Two successes naming different receipts: perhaps paid twice.
        val other = parseIpn(ipnBody.replace("SH90HU7FO2", "SH90HU7FO3").toByteArray())
        val twice = reconcile(expected, null, listOf(full, other), null)
        assertTrue(twice.conflicts.any { it.kind == ConflictKind.PAYMENTS_DISAGREE }) { "$twice" }

        // A callback without its request ids or result description, a masked phone, no date.
        val cb = parseCallback(callbackBody.toByteArray())
        assertTrue(cb.merchantRequestId == null && cb.checkoutRequestId == null && cb.resultDesc == null) { "$cb" }
        val payment = (cb.outcome as? CallbackOutcome.Paid)?.payment ?: fail("${cb.outcome}")
        assertTrue(payment.phoneNumber == "2547*****000" && payment.transactionDate == null && payment.amount == BigDecimal("2.00")) { "$payment" }
        // 1031 is a cancellation too.
        val cancelled = parseCallback(callbackBody.replace(paidItems, """"ResultCode":1031""").toByteArray())
        assertTrue((cancelled.outcome as? CallbackOutcome.Failed)?.reason == FailureReason.CANCELLED) { "${cancelled.outcome}" }
        // The optional fields round-trip into reconcile as evidence.
        val byCallback = reconcile(Expected("OR28922980077"), cb, emptyList(), null)
        assertTrue(byCallback.state == PaymentState.PAID && !byCallback.confirmed && byCallback.decidedBy == EvidenceSource.CALLBACK) { "$byCallback" }
        note("IPN without reference/currency/date/mode, callback without ids/date, 1031, payments_disagree")
    }

    /** The product library signs with ring (constant-time), byte-identical to the JDK for every signing key. */
    @Test
    @DisplayName("signing backend (ring)")
    fun nativeBackend() {
        assertTrue(signerBackend() == "ring") { "backend ${signerBackend()}" }
        assertTrue(signerIsConstantTime()) { "not constant-time" }
        val message = "OR28922980077KES07220000002".toByteArray()
        for (stem in listOf("test-pkcs1-2048", "test-pkcs1-2048-crlf", "test-pkcs8-2048", "test-pkcs8-4096")) {
            val signer = Signer(v.key(stem))
            val jdk = java.security.Signature.getInstance("SHA256withRSA")
            jdk.initSign(KeyFactory.getInstance("RSA").generatePrivate(PKCS8EncodedKeySpec(signer.pkcs8Der())))
            jdk.update(message)
            val want = Base64.getEncoder().encodeToString(jdk.sign())
            assertTrue(signer.sign(message) == want) { "$stem differs from java.security" }
        }
        for (stem in listOf("test-pkcs1-8192", "test-e3-2048")) {
            val code = try { Signer(v.key(stem)); "accepted" } catch (e: JengaException) { codeAndField(e).first }
            assertTrue(code == "key_unsupported") { "$stem: $code" }
        }
        note("ring, constant-time, 4 keys equal to SHA256withRSA")
    }

    /** Issue 16: amounts keep the provider's two decimals; `BigDecimal.equals` (scale included) holds. */
    @Test
    @DisplayName("amounts: scale 2 going in and coming out")
    fun amountScale() {
        // Going in: any scale whose extra digits are zeros; coming out: always scale 2.
        for ((given, want) in listOf("2.50" to "2.50", "2.5" to "2.50", "2" to "2.00", "2.500" to "2.50", "1E+3" to "1000.00")) {
            val push = StkPush(input(BigDecimal(given)), RequestOptions(amountDecimals = AmountDecimals.TWO))
            val got = push.paymentAmount()
            assertTrue(got == BigDecimal(want) && got.scale() == 2) { "$given came back as $got (scale ${got.scale()})" }
            assertTrue(push.signingString().endsWith(want)) { push.signingString() }
        }
        // From the provider: an IPN's 2, 2.5 and "2.00" are all scale 2.
        val ipn = """{"callbackType":"IPN","customer":{"name":"J","mobileNumber":"0722000000","reference":"OR1"},"transaction":{"date":"2024-08-09 16:22:50","reference":"SH90HU7FO2","paymentMode":"MPESA","amount":AMOUNT,"currency":"KES","serviceCharge":1,"billNumber":"I","servedBy":"J","additionalInfo":"M","orderAmount":2,"orderCurrency":"KES","status":"SUCCESS","remarks":"R"}}"""
        for ((text, want) in listOf("2" to "2.00", "2.5" to "2.50", "\"2.00\"" to "2.00", "1500" to "1500.00")) {
            val t = parseIpn(ipn.replace("AMOUNT", text).toByteArray()).transaction
            assertTrue(t.amount == BigDecimal(want) && t.serviceCharge == BigDecimal("1.00") && t.orderAmount == BigDecimal("2.00")) { "$text: $t" }
        }
        // The reconciliation's amount, and the expected amount handed in with a different scale.
        val paid = reconcile(Expected("OR1", BigDecimal("2"), "KES"), null, listOf(parseIpn(ipn.replace("AMOUNT", "2").toByteArray())), null)
        assertTrue(paid.state == PaymentState.PAID && paid.amountPaid == BigDecimal("2.00") && paid.amountPaid!!.scale() == 2) { "$paid" }
        note("2.50 stays 2.50; 2, 2.5, 2.500 and 1E+3 come back with scale 2; provider amounts scale 2")
    }

    /** Issue 16: statuses are Kotlin Ints, in and out; a value no HTTP server sends is still classified or refused by type. */
    @Test
    @DisplayName("HTTP statuses are Int")
    fun statusesAreInt() {
        val status: Int = 502
        val r = classifyInitResponse(status, ByteArray(0)) as? InitResponse.Rejected ?: fail("502 accepted")
        val back: Int = r.rejection.httpStatus
        assertTrue(back == 502) { "$back" }
        // Past a 16-bit status, or negative: unknown answers (never an exception), the status as given.
        for (odd in listOf(-1, 0, 65_536, Int.MAX_VALUE)) {
            val o = classifyInitResponse(odd, ByteArray(0)) as? InitResponse.Rejected ?: fail("$odd accepted")
            assertTrue(o.rejection.kind == RejectionKind.UNKNOWN && o.rejection.action == NextAction.CHECK_STATUS_FIRST && o.rejection.httpStatus == odd) { "$odd: ${o.rejection}" }
            try {
                parseStatusResponse(odd, ByteArray(0))
                fail("status $odd parsed")
            } catch (e: JengaException.Validation) {
                assertTrue(e.field == "status" && e.problems.single().field == "status") { "$odd: ${e.field}" }
            }
        }
        note("Int in and out; -1, 0, 65536, Int.MAX_VALUE classified UNKNOWN or refused on field status")
    }

    /** Issue 16: every record of the generated API is a value (`val` fields, changed with `copy`). */
    @Test
    @DisplayName("records are immutable")
    fun recordsImmutable() {
        val jar = java.io.File(Rejection::class.java.protectionDomain.codeSource.location.toURI())
        val records = java.util.jar.JarFile(jar).use { j ->
            j.entries().toList().map { it.name }
                .filter { it.startsWith("jenga/stk/") && it.count { c -> c == '/' } == 2 && it.endsWith(".class") }
                .map { Class.forName(it.removeSuffix(".class").replace('/', '.'), false, Rejection::class.java.classLoader) }
                .filter { c -> c.methods.any { it.name == "copy" } && c.methods.any { it.name == "component1" } }
        }
        assertTrue(records.size >= 30) { "only ${records.size} records found in $jar" }
        val mutable = records.filter { c -> c.methods.any { it.name.startsWith("set") && it.parameterCount == 1 } }
        assertTrue(mutable.isEmpty()) { "records with setters: ${mutable.map { it.simpleName }}" }
        val limits = Limits()
        val changed = limits.copy(maxBodyBytes = limits.maxBodyBytes + 1u)
        assertTrue(changed != limits) { "copy changed nothing" }
        note("${records.size} records, no setters")
    }
}
