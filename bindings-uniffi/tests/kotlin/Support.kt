// Test support: a tiny JSON reader/writer (numbers kept exact as BigDecimal),
// a deep comparison for vector expectations, and a minimal test runner.
package jenga.stk.tests

import java.math.BigDecimal
import java.time.Instant
import java.time.OffsetDateTime

object Json {
    fun parse(text: String): Any? {
        val p = Parser(text)
        val v = p.value()
        p.ws()
        check(p.i == text.length) { "trailing JSON at ${p.i}" }
        return v
    }

    private class Parser(val s: String) {
        var i = 0
        fun ws() { while (i < s.length && s[i].isWhitespace()) i++ }
        fun value(): Any? {
            ws()
            return when (val c = s[i]) {
                '{' -> obj()
                '[' -> arr()
                '"' -> str()
                't' -> { expect("true"); true }
                'f' -> { expect("false"); false }
                'n' -> { expect("null"); null }
                else -> if (c == '-' || c.isDigit()) num() else error("bad JSON at $i")
            }
        }
        fun expect(w: String) { check(s.startsWith(w, i)) { "expected $w at $i" }; i += w.length }
        fun obj(): Map<String, Any?> {
            val m = LinkedHashMap<String, Any?>()
            i++; ws()
            if (s[i] == '}') { i++; return m }
            while (true) {
                ws(); val k = str(); ws(); expect(":")
                m[k] = value(); ws()
                if (s[i] == ',') { i++; continue }
                expect("}"); return m
            }
        }
        fun arr(): List<Any?> {
            val l = ArrayList<Any?>()
            i++; ws()
            if (s[i] == ']') { i++; return l }
            while (true) {
                l.add(value()); ws()
                if (s[i] == ',') { i++; continue }
                expect("]"); return l
            }
        }
        fun str(): String {
            expect("\"")
            val b = StringBuilder()
            while (s[i] != '"') {
                if (s[i] == '\\') {
                    i++
                    when (val e = s[i]) {
                        'n' -> b.append('\n'); 't' -> b.append('\t'); 'r' -> b.append('\r')
                        'b' -> b.append('\b'); 'f' -> b.append('\u000c')
                        'u' -> { b.append(s.substring(i + 1, i + 5).toInt(16).toChar()); i += 4 }
                        else -> b.append(e)
                    }
                    i++
                } else b.append(s[i++])
            }
            i++
            return b.toString()
        }
        fun num(): BigDecimal {
            val start = i
            while (i < s.length && (s[i].isDigit() || s[i] in "+-.eE")) i++
            return BigDecimal(s.substring(start, i))
        }
    }

    fun write(v: Any?): String = when (v) {
        null -> "null"
        is String -> "\"" + v.flatMap { c ->
            when {
                c == '"' -> "\\\"".toList(); c == '\\' -> "\\\\".toList()
                c < ' ' -> "\\u%04x".format(c.code).toList(); else -> listOf(c)
            }
        }.joinToString("") + "\""
        is Boolean, is Number -> v.toString()
        is Map<*, *> -> v.entries.joinToString(",", "{", "}") { write(it.key as String) + ":" + write(it.value) }
        is List<*> -> v.joinToString(",", "[", "]") { write(it) }
        else -> error("cannot write ${v::class}")
    }
}

@Suppress("UNCHECKED_CAST")
fun Any?.obj(): Map<String, Any?> = this as Map<String, Any?>
@Suppress("UNCHECKED_CAST")
fun Any?.list(): List<Any?> = this as List<Any?>
fun Any?.str(): String = this as String
fun Map<String, Any?>.s(k: String): String = this[k] as String
fun Map<String, Any?>.so(k: String): String? = this[k] as String?
fun Map<String, Any?>.int(k: String): Int = (this[k] as BigDecimal).intValueExact()

/**
 * Deep comparison of a view built from typed results with a vector's expectation.
 * Amounts (BigDecimal) must equal the expected decimal text exactly; instants must
 * equal the instant of the expected RFC 3339 text; integers compare by value.
 */
fun same(got: Any?, want: Any?): Boolean = when {
    got == null || want == null -> got == null && want == null
    got is BigDecimal && want is String -> got.toPlainString() == want
    got is Instant && want is String -> got == OffsetDateTime.parse(want).toInstant()
    got is Number && want is BigDecimal -> BigDecimal(got.toString()).compareTo(want) == 0
    got is Map<*, *> && want is Map<*, *> ->
        got.keys == want.keys && got.keys.all { same(got[it], want[it]) }
    got is List<*> && want is List<*> ->
        got.size == want.size && got.indices.all { same(got[it], want[it]) }
    else -> got == want
}

class Failure(message: String) : AssertionError(message)

fun check(condition: Boolean, message: () -> String) { if (!condition) throw Failure(message()) }

/** Runs named tests, prints one line each, and returns the number of failures. */
fun runAll(tests: List<Pair<String, () -> String>>): Int {
    var failed = 0
    for ((name, body) in tests) {
        val started = System.nanoTime()
        try {
            val note = body()
            println("ok   $name ($note, ${(System.nanoTime() - started) / 1_000_000} ms)")
        } catch (e: Throwable) {
            failed++
            println("FAIL $name: $e")
            e.printStackTrace(System.out)
        }
    }
    return failed
}
