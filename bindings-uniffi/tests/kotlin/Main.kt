// Runs the Kotlin test suite: java -cp <jar>:... jenga.stk.tests.MainKt <repo root> <sandbox binary> [name filter]
package jenga.stk.tests

import java.io.File
import kotlin.system.exitProcess

fun main(args: Array<String>) {
    val root = File(args.getOrNull(0) ?: ".").absoluteFile
    val sandbox = args.getOrNull(1) ?: File(root, "target/debug/jenga-sandbox").path
    val vectors = Vectors(root)
    val tests = vectors.all() + FlowVectors(vectors, root).all() + DoctorTests(vectors, root).all() + ApiTests(vectors).all() + AnswerTests().all() + HostileTests(root).all() + SecretsTests(vectors).all() +
        listOf("end-to-end payment against the sandbox" to { EndToEnd(vectors, root, sandbox).run() })
    val clientTests = ClientTests(vectors, root, sandbox)
    // A third argument runs only the tests whose name contains it (while developing).
    val selected = (tests + clientTests.all()).filter { args.size < 3 || it.first.contains(args[2]) }
    val failed = try {
        runAll(selected)
    } finally {
        clientTests.close()
    }
    val total = selected.size
    println(if (failed == 0) "kotlin: all $total tests passed" else "kotlin: $failed of $total tests FAILED")
    exitProcess(if (failed == 0) 0 else 1)
}
