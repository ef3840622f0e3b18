// Compiled against the test-hooks build only (cargo feature `test-hooks`):
// a Rust panic surfaces as uniffi's InternalException, the JVM keeps running,
// and the library keeps working afterwards.
package jenga.stk.tests.panic

import jenga.stk.*
import kotlin.system.exitProcess

fun main() {
    var caught: Throwable? = null
    for (i in 1..3) {
        try {
            internalTestPanic("boom $i")
            println("FAIL panic: no exception")
            exitProcess(1)
        } catch (e: InternalException) {
            caught = e
        }
    }
    // The library still works after the panics.
    val ok = adviseTransportFailure(Endpoint.INIT, TransportFailure.TIMEOUT) == NextAction.CHECK_STATUS_FIRST &&
        adviseTransportFailure(Endpoint.STATUS, TransportFailure.TIMEOUT) == NextAction.RETRY_WITH_BACKOFF
    val env = Environment.uat()
    if (!ok || env.baseUrl() != "https://uat.finserve.africa") {
        println("FAIL panic: library unusable after a panic")
        exitProcess(1)
    }
    println("ok   a Rust panic is an exception, not a crash (${caught!!::class.simpleName}: ${caught.message})")
}
