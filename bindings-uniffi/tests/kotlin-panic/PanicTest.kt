// Compiled against the test-hooks build only (cargo feature `test-hooks`):
// a Rust panic surfaces as uniffi's InternalException, the JVM keeps running,
// and the library keeps working afterwards. Run by the JUnit console launcher
// with the test-hooks jar (scripts/uniffi.sh), never with the product jar.
package jenga.stk.tests.panic

import jenga.stk.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test

class PanicTest {
    @Test
    @DisplayName("a Rust panic is an exception, not a crash")
    fun panicIsAnException() {
        for (i in 1..3) {
            val e = assertThrows(InternalException::class.java) { internalTestPanic("boom $i") }
            assertTrue(e.message!!.contains("internal_test_panic: boom $i")) { "message: ${e.message}" }
        }
        // The library still works after the panics.
        assertEquals(NextAction.CHECK_STATUS_FIRST, adviseTransportFailure(Endpoint.INIT, TransportFailure.TIMEOUT))
        assertEquals(NextAction.RETRY_WITH_BACKOFF, adviseTransportFailure(Endpoint.STATUS, TransportFailure.TIMEOUT))
        assertEquals("https://uat.finserve.africa", Environment.uat().baseUrl())
    }
}
