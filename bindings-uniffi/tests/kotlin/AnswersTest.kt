// Every answer classifies (answers.json runs the whole table; these pin the
// Kotlin shapes): an HTML gateway page or an empty body is a Rejection with a
// bodyExcerpt (none from the token endpoint), never an exception; the push after an ambiguous answer or a
// transport failure says CHECK_STATUS_FIRST; a token says where its lifetime came from.
package jenga.stk.tests

import jenga.stk.*
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import java.time.Instant

class AnswersTest : Covered() {
    private val html = "<html><head><title>502 Bad Gateway</title></head>\r\n<body>nginx</body></html>"
    private val now = Instant.parse("2021-07-13T07:03:05Z")

    private fun rejected(r: InitResponse): Rejection =
        (r as? InitResponse.Rejected)?.rejection ?: fail("not a rejection: $r")

    @Test
    @DisplayName("answers: classifyInitResponse never throws")
    fun initNeverThrows() {
        val gateway = rejected(classifyInitResponse(502, html.toByteArray()))
        assertTrue(gateway.kind == RejectionKind.SERVER_ERROR && gateway.action == NextAction.CHECK_STATUS_FIRST) { "$gateway" }
        assertTrue(gateway.httpStatus == 502 && gateway.providerCode == null && gateway.message == null) { "$gateway" }
        assertTrue(gateway.bodyExcerpt == "502 Bad Gateway nginx") { "excerpt ${gateway.bodyExcerpt}" }
        assertTrue(gateway.hint.contains("status")) { gateway.hint }

        // A 2xx that cannot be read may hide an accepted push.
        for (body in listOf("", "OK", "{\"status\":true,", "\u0000\u00ff")) {
            val r = rejected(classifyInitResponse(200, body.toByteArray(Charsets.ISO_8859_1)))
            assertTrue(r.kind == RejectionKind.INVALID_RESPONSE && r.action == NextAction.CHECK_STATUS_FIRST) { "'$body': $r" }
            assertTrue((r.bodyExcerpt == null) == (body.isEmpty() || body.startsWith("{"))) { "'$body': excerpt ${r.bodyExcerpt}" }
        }
        val limited = rejected(classifyInitResponse(429, "Too Many Requests".toByteArray()))
        assertTrue(limited.kind == RejectionKind.RATE_LIMITED && limited.action == NextAction.RETRY_WITH_BACKOFF) { "$limited" }
        val duplicate = rejected(classifyInitResponse(400, """{"status":false,"code":400,"message":"Duplicate paymentReference"}""".toByteArray()))
        assertTrue(duplicate.kind == RejectionKind.DUPLICATE_REFERENCE && duplicate.action == NextAction.CHECK_STATUS_FIRST) { "$duplicate" }

        // On purpose (issue 13): a status no HTTP server sends is an unknown answer, not an exception.
        val odd = rejected(classifyInitResponse(1000, ByteArray(0)))
        assertTrue(odd.kind == RejectionKind.UNKNOWN && odd.action == NextAction.CHECK_STATUS_FIRST && odd.httpStatus == 1000) { "$odd" }
        note("HTML 502, unreadable 2xx, 429, duplicate, status 1000")
    }

    @Test
    @DisplayName("answers: token and status endpoints")
    fun tokenAndStatusAnswers() {
        // The token and status endpoints change nothing at the provider: a 5xx there is a plain retry.
        val token = parseTokenResponse(502, html.toByteArray(), now)
        val tr = (token as? TokenResponse.Rejected)?.rejection ?: fail("token: $token")
        // The token endpoint keeps no excerpt: its request carries the merchant's secrets, which a gateway might echo.
        assertTrue(tr.kind == RejectionKind.SERVER_ERROR && tr.action == NextAction.RETRY_WITH_BACKOFF && tr.bodyExcerpt == null) { "$tr" }
        val status = parseStatusResponse(503, "Service Unavailable".toByteArray())
        val sr = (status as? StatusResponse.Rejected)?.rejection ?: fail("status: $status")
        assertTrue(sr.kind == RejectionKind.SERVER_ERROR && sr.action == NextAction.RETRY_WITH_BACKOFF && sr.bodyExcerpt == "Service Unavailable") { "$sr" }
        // Bad merchant credentials: a new token cannot help.
        val creds = parseTokenResponse(403, """{"status":false,"code":403,"message":"Forbidden"}""".toByteArray(), now)
        assertTrue(creds is TokenResponse.Rejected && creds.rejection.kind == RejectionKind.UNAUTHORIZED && creds.rejection.action == NextAction.DO_NOT_RETRY) { "$creds" }

        // The token state holder throws the rejection, without any of the page.
        val state = TokenState(Environment.uat(), Credentials("key", "merchant", "secret"))
        try {
            state.onResponse(502, html.toByteArray(), now)
            fail("an HTML 502 stored as a token")
        } catch (e: JengaException.Rejected) {
            assertTrue(e.code == "provider_rejected" && e.rejection.bodyExcerpt == null && e.rejection.httpStatus == 502) { "${e.rejection}" }
            assertTrue(!e.message!!.contains("nginx")) { "${e.message}" }
        }
        // Statuses outside 100-599 are still refused where the call can throw.
        try { parseStatusResponse(1000, ByteArray(0)); fail("status 1000 accepted") } catch (e: JengaException.Validation) {
            assertTrue(e.field == "status" && e.problems.single().field == "status") { "${e.field}" }
        }
        note("token 502 (no excerpt)/403, status 503, TokenState throws without the page")
    }

    @Test
    @DisplayName("answers: adviseTransportFailure")
    fun transportAdvice() {
        val cases = listOf(
            Triple(Endpoint.INIT, TransportFailure.TIMEOUT, NextAction.CHECK_STATUS_FIRST),
            Triple(Endpoint.INIT, TransportFailure.CONNECTION_LOST, NextAction.CHECK_STATUS_FIRST),
            Triple(Endpoint.INIT, TransportFailure.CONNECT_FAILED, NextAction.RETRY_WITH_BACKOFF),
            Triple(Endpoint.TOKEN, TransportFailure.TIMEOUT, NextAction.RETRY_WITH_BACKOFF),
            Triple(Endpoint.STATUS, TransportFailure.CONNECTION_LOST, NextAction.RETRY_WITH_BACKOFF),
        )
        for ((endpoint, failure, want) in cases) {
            val got = adviseTransportFailure(endpoint, failure)
            assertTrue(got == want) { "$endpoint $failure: $got, want $want" }
        }
        note("${cases.size} pairs")
    }

    @Test
    @DisplayName("answers: Token.lifetime()")
    fun tokenLifetime() {
        fun token(expiresIn: String?): Token {
            val expiry = expiresIn?.let { ",\"expiresIn\":$it" } ?: ""
            val body = """{"accessToken":"eyJ.x.y","issuedAt":"2021-07-13T07:03:02Z","tokenType":"Bearer"$expiry}"""
            return when (val r = parseTokenResponse(200, body.toByteArray(), now)) {
                is TokenResponse.Token -> r.token
                is TokenResponse.Rejected -> fail("$expiresIn: ${r.rejection}")
            }
        }
        val stamps = token("\"2021-07-13T07:18:02Z\"")
        assertTrue(stamps.lifetime() == TokenLifetime.TIMESTAMPS && stamps.expiresAt() == now.plusSeconds(900)) { "${stamps.expiresAt()}" }
        assertTrue(stamps.providerExpiresAt() == Instant.parse("2021-07-13T07:18:02Z")) { "${stamps.providerExpiresAt()}" }
        for (seconds in listOf("3599", "\"3599\"")) {
            val t = token(seconds)
            assertTrue(t.lifetime() == TokenLifetime.SECONDS && t.expiresAt() == now.plusSeconds(3599) && t.providerExpiresAt() == null) { "$seconds: ${t.expiresAt()}" }
        }
        for (missing in listOf(null, "\"soon\"", "-5", "999999")) {
            val t = token(missing)
            assertTrue(t.lifetime() == TokenLifetime.ASSUMED && t.expiresAt() == now.plusSeconds(900)) { "$missing: ${t.lifetime()} ${t.expiresAt()}" }
            assertTrue(t.toString().contains("lifetime=assumed") && !t.toString().contains("eyJ.x.y")) { t.toString() }
        }
        note("timestamps, seconds (number and text), assumed (4 forms)")
    }

}
