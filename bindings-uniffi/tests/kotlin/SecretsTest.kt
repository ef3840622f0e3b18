// Secrets never printed, beyond ApiTest.kt: the toString of every object that
// holds a secret, and the message and toString of every error raised while
// loading a bad key, refusing a secret value or parsing a token answer that
// carried a token, and of every rejection (and the error carrying it) whose
// body excerpt comes from a gateway page that quoted the token. Searched for distinctive secrets, their Base64 forms, and
// every line of the private key's PEM body.
package jenga.stk.tests

import jenga.stk.*
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import java.time.Instant
import java.util.Base64

class SecretsTest : Covered() {
    private val v = Fixtures
    private val apiKey = "Ap1-K3y-9f8e7d"
    private val consumerSecret = "C0nsum3r-S3cr3t-4b5c"
    private val token = "eyJhbGciOiJSUzI1NiJ9.Acc3ss-T0ken-77aa.c2ln"
    private val refresh = "R3fr3sh-T0ken-88bb"
    private val ipnUser = "ipn-Us3r-11cc"
    private val ipnPassword = "ipn-Pa55w0rd-22dd"
    private val callbackSecret = "Cb-S3cr3t-of-at-least-32-bytes-33ee"
    private val pem = v.key("test-pkcs1-2048")
    private val now = Instant.parse("2021-07-13T07:03:05Z")
    private val tokenBody = """{"accessToken":"$token","refreshToken":"$refresh","expiresIn":"2021-07-13T07:18:02Z","issuedAt":"2021-07-13T07:03:02Z","tokenType":"Bearer"}"""
    private val page = """{"order":{"orderReference":"OR28922980077","orderAmount":2,"orderCurrency":"KES","countryCode":"KE","description":"Purchase"},
        "customer":{"name":"John Doe","email":"xyx2@gmail.com","phoneNumber":"0722000111","identityNumber":"0000000"},
        "payment":{"paymentReference":"MKQR28922980073","paymentCurrency":"KES","callbackUrl":"https://shop.example.com/cb",
        "details":{"msisdn":"0722000000","paymentAmount":2}}}"""

    private val needles: List<String> = run {
        val secrets = listOf(apiKey, consumerSecret, token, refresh, ipnUser, ipnPassword, callbackSecret)
        val b64 = Base64.getEncoder()
        secrets + secrets.map { b64.encodeToString(it.toByteArray()) } +
            pem.lines().filter { it.length > 16 && !it.startsWith("-----") } +
            b64.encodeToString("$ipnUser:$ipnPassword".toByteArray())
    }

    private fun assertHidden(label: String, value: Any) {
        val shown = mutableListOf(value.toString())
        if (value is Throwable) {
            shown += value.message ?: ""
            shown += value.stackTraceToString()
            if (value is JengaException.Validation) shown += value.problems.toString()
        }
        for (text in shown) for (needle in needles) {
            assertTrue(!text.contains(needle)) { "$label shows ${needle.take(12)}…: ${text.take(300)}" }
        }
    }

    private fun caught(call: () -> Any?): JengaException {
        try {
            call()
        } catch (e: JengaException) {
            return e
        }
        fail("accepted")
    }

    @Test
    @DisplayName("secrets: errors never quote them")
    fun errors() {
        val errors = ArrayList<JengaException>()
        for (bad in listOf(pem.substring(0, pem.length / 2), pem.replaceFirst("MII", "XXX"), pem.replace("RSA PRIVATE KEY", "PUBLIC KEY"), pem.replace("\n", "\n\u0000"))) {
            errors += caught { Signer(bad) }
        }
        errors += caught { Verifier(pem) }
        // Bad token answers: whatever each gives (an error, a rejection with a
        // body excerpt for logs, a token with an assumed lifetime), what can be
        // shown hides the secrets: directly, and through the token state holder.
        // (The core redacts token-like runs of 24+ characters: a JWT, a key; see core/src/response/envelope.rs.)
        val gatewayPage = "<html><body>token $token is not valid here</body></html>"
        var rejections = 0
        for (body in listOf(
            tokenBody.replace("\"2021-07-13T07:18:02Z\"", "\"soon\""),
            tokenBody.replace(token, "$token with space"),
            tokenBody.replace(token, "$token\\u0000"),
            tokenBody + "trailing",
            tokenBody.dropLast(5),
            "[$tokenBody]",
            gatewayPage,
        )) {
            for (status in listOf(200, 502)) {
                try {
                    when (val r = parseTokenResponse(status, body.toByteArray(), now)) {
                        is TokenResponse.Rejected -> { rejections++; assertHidden("Rejection", r.rejection); assertHidden("TokenResponse.Rejected", r) }
                        is TokenResponse.Token -> assertHidden("Token", r.token)
                    }
                } catch (e: JengaException) {
                    errors += e
                }
                val state = TokenState(Environment.uat(), Credentials(apiKey, "m", consumerSecret))
                try {
                    state.onResponse(status, body.toByteArray(), now)
                } catch (e: JengaException) {
                    errors += e
                }
                assertHidden("TokenState after an odd answer", state)
            }
        }
        // The token endpoint keeps no excerpt at all (its request carries the API key and consumer secret).
        val page502 = parseTokenResponse(502, gatewayPage.toByteArray(), now)
        assertTrue(page502 is TokenResponse.Rejected && page502.rejection.bodyExcerpt == null) { "token endpoint excerpt: $page502" }
        // The push's gateway page keeps an excerpt for logs, with the token redacted.
        val pushPage = classifyInitResponse(502, gatewayPage.toByteArray())
        val excerpt = (pushPage as? InitResponse.Rejected)?.rejection?.bodyExcerpt ?: fail("no excerpt: $pushPage")
        assertTrue(excerpt.startsWith("token <redacted>") && excerpt.contains("is not valid here")) { excerpt }
        assertHidden("InitResponse.Rejected", pushPage)
        assertTrue(rejections > 0 && errors.any { it is JengaException.Rejected }) { "no rejection was checked" }
        errors += caught { Credentials("$apiKey\u0000", "m", "${consumerSecret}é") }
        errors += caught { AccessToken("$token\r\nX-Evil: 1") }
        errors += caught { IpnAuth("$ipnUser:", "") }
        val auth = IpnAuth(ipnUser, ipnPassword)
        for (wrong in listOf("$ipnUser:wrong", "wrong:$ipnPassword", "$ipnUser:${ipnPassword}x")) {
            errors += caught { auth.verify("Basic " + Base64.getEncoder().encodeToString(wrong.toByteArray())) }
        }
        errors += caught { CallbackUrls(callbackSecret.take(20).toByteArray()) }
        val urls = CallbackUrls(callbackSecret.toByteArray())
        val url = urls.callbackUrl("https://shop.example.com/cb", "OR1", "PR1")
        errors += caught { urls.verifyUrl(url.replace("OR1", "OR2")) }
        for (e in errors) assertHidden("${e::class.simpleName}", e)
        note("${errors.size} errors, none quotes a secret")
    }

    @Test
    @DisplayName("secrets: objects and bearer requests redacted")
    fun objects() {
        val signer = Signer(pem)
        val accessToken = AccessToken(token)
        val signed = StkPush.fromJson(page, RequestOptions()).sign(signer)
        val pushRequest = signed.httpRequest(Environment.uat(), accessToken)
        val statusRequest = orderStatusRequest(Environment.uat(), accessToken, "OR28922980077", StatusSignature.Sign(signer))
        for (request in listOf(pushRequest, statusRequest)) {
            assertTrue(request.header("Authorization") == "Bearer $token") { "the header value is there for the HTTP client" }
            assertHidden("HttpRequest", request)
            assertHidden("HttpRequest.toRedactedString()", request.toRedactedString())
        }
        val credentials = Credentials(apiKey, "4445776666", consumerSecret)
        val state = TokenState(Environment.uat(), credentials)
        val refreshAction = state.nextAction(now)
        val stored = state.onResponse(200, tokenBody.toByteArray(), now)
        val parsed = parseTokenResponse(200, tokenBody.toByteArray(), now)
        assertTrue(parsed is TokenResponse.Token && parsed.token.accessToken().expose() == token && parsed.token.refreshToken() == refresh) { "parsed" }
        val objects = listOf(
            signer, signer.verifier(), accessToken, signed, credentials, credentials.tokenRequest(Environment.uat()),
            state, refreshAction, stored, stored.accessToken(), parsed, state.nextAction(now),
            IpnAuth(ipnUser, ipnPassword), urls(),
        )
        for (o in objects) assertHidden(o::class.simpleName ?: "object", o)
        note("${objects.size + 2} objects redacted")
    }

    private fun urls() = CallbackUrls(callbackSecret.toByteArray())

}
