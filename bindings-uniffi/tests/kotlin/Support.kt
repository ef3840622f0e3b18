// Test support: where the repository is (system properties set by
// scripts/uniffi.sh), the vectors read with Jackson (numbers kept exact as
// BigDecimal), a deep comparison for vector expectations, and a base class
// whose tests say what they covered (a JUnit report entry).
package jenga.stk.tests

import com.fasterxml.jackson.core.JsonParser
import com.fasterxml.jackson.core.JsonToken
import com.fasterxml.jackson.core.StreamReadFeature
import com.fasterxml.jackson.core.StreamWriteFeature
import com.fasterxml.jackson.databind.DeserializationFeature
import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.json.JsonMapper
import com.fasterxml.jackson.databind.node.JsonNodeFactory
import jenga.stk.JengaException
import org.junit.jupiter.api.Assertions
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.TestReporter
import java.io.File
import java.math.BigDecimal
import java.time.Instant
import java.time.OffsetDateTime

/** The repository (`-Djenga.root`), its keys and vectors, and the sandbox binary (`-Djenga.sandbox`). */
object Fixtures {
    val root: File = File(System.getProperty("jenga.root") ?: ".").absoluteFile
    val sandbox: String = System.getProperty("jenga.sandbox") ?: File(root, "target/debug/jenga-sandbox").path
    val vectors = File(root, "tests/vectors")

    fun key(stem: String) = File(root, "tests/keys/$stem.pem").readText()

    /** A vector file as plain values (Map, List, BigDecimal, String, Boolean, null). */
    fun vectorFile(name: String): Map<String, Any?> = Json.parse(File(vectors, name).readText()).obj()

    /**
     * The raw text of every `"request"` member's value, in file order: an
     * object's exact text (numbers such as `2e0` kept as written), or a string's
     * value (raw, possibly malformed, request text). Located with Jackson's
     * token offsets.
     */
    fun rawRequests(text: String): List<String> {
        val out = ArrayList<String>()
        Json.mapper.createParser(text).use { p ->
            while (p.nextToken() != null) {
                if (p.currentToken() != JsonToken.FIELD_NAME || p.currentName() != "request") continue
                when (p.nextToken()) {
                    JsonToken.VALUE_STRING -> out.add(p.text)
                    JsonToken.START_OBJECT, JsonToken.START_ARRAY -> {
                        val start = p.currentTokenLocation().charOffset.toInt()
                        p.skipChildren()
                        val end = p.currentTokenLocation().charOffset.toInt() + 1
                        out.add(text.substring(start, end))
                    }
                    else -> fail("a request that is neither an object nor a string at ${p.currentTokenLocation()}")
                }
            }
        }
        return out
    }
}

/** JSON through Jackson: parsed into plain Kotlin values, numbers as exact BigDecimal; written back compactly. */
object Json {
    val mapper: JsonMapper = JsonMapper.builder()
        .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
        .build()

    fun parse(text: String): Any? = plain(mapper.readTree(text))

    private fun plain(node: JsonNode): Any? = when {
        node.isObject -> LinkedHashMap<String, Any?>().also { m -> node.fields().forEach { (k, v) -> m[k] = plain(v) } }
        node.isArray -> node.map { plain(it) }
        node.isNumber -> node.decimalValue()
        node.isTextual -> node.textValue()
        node.isBoolean -> node.booleanValue()
        node.isNull -> null
        else -> fail("unexpected JSON node ${node.nodeType}")
    }

    fun write(v: Any?): String = mapper.writeValueAsString(v)
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
 * Amounts (BigDecimal) must equal the expected decimal text exactly and have
 * scale 2, as every amount the Kotlin binding returns; instants must equal the
 * instant of the expected RFC 3339 text; integers compare by value.
 */
fun same(got: Any?, want: Any?): Boolean = when {
    got == null || want == null -> got == null && want == null
    got is BigDecimal && want is String -> got.scale() == 2 && got.compareTo(BigDecimal(want)) == 0
    got is Instant && want is String -> got == OffsetDateTime.parse(want).toInstant()
    got is Number && want is BigDecimal -> BigDecimal(got.toString()).compareTo(want) == 0
    got is Map<*, *> && want is Map<*, *> ->
        got.keys == want.keys && got.keys.all { same(got[it], want[it]) }
    got is List<*> && want is List<*> ->
        got.size == want.size && got.indices.all { same(got[it], want[it]) }
    else -> got == want
}

/** JUnit's assertion failure, typed `Nothing` for Kotlin's flow analysis. */
fun fail(message: String): Nothing = Assertions.fail(message)

/** `code` and `field` of every JengaException variant. */
fun codeAndField(e: JengaException): Pair<String, String?> = when (e) {
    is JengaException.Validation -> e.code to e.field
    is JengaException.Key -> e.code to e.field
    is JengaException.Signature -> e.code to e.field
    is JengaException.Parse -> e.code to e.field
    is JengaException.Auth -> e.code to e.field
    is JengaException.Rejected -> e.code to e.field
    is JengaException.Flow -> e.code to e.field
    is JengaException.NotStarted -> e.code to e.field
    is JengaException.Transport -> e.code to e.field
}

/** A test class whose tests report what they covered ("65 cases"), shown by the console launcher. */
abstract class Covered {
    private var reporter: TestReporter? = null

    @BeforeEach
    fun keepReporter(reporter: TestReporter) {
        this.reporter = reporter
    }

    protected fun note(text: String) {
        reporter?.publishEntry("covered", text)
    }
}
