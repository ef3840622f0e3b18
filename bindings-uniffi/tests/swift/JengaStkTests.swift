// XCTest tests over the generated Swift API (module JengaStk), copied by
// scripts/dist/uniffi.sh into dist/swift/JengaStk/Tests/JengaStkTests/ and run
// there with `swift test` where a Swift toolchain exists (never on the machines
// that build it: see TOOLCHAIN.md, "Swift on Linux"). Tests that sign need the
// repository's test keys: found next to the package in the repository, or in
// $JENGA_STK_KEYS; skipped (and said) otherwise.
import Foundation
import XCTest
import JengaStk

final class JengaStkTests: XCTestCase {
    private let pageExample = #"{"order":{"orderReference":"OR28922980077","orderAmount":2,"orderCurrency":"KES","countryCode":"KE","description":"Purchase"},"customer":{"name":"John Doe","email":"xyx2@gmail.com","phoneNumber":"0722000111","identityNumber":"0000000"},"payment":{"paymentReference":"MKQR28922980073","paymentCurrency":"KES","callbackUrl":"https://shop.example.com/jenga/callback","details":{"msisdn":"0722000000","paymentAmount":2}}}"#

    /// tests/keys/<stem>.pem, or a skip that says why.
    private func key(_ stem: String) throws -> String {
        var dirs: [String] = []
        if let env = ProcessInfo.processInfo.environment["JENGA_STK_KEYS"] { dirs.append(env) }
        // dist/swift/JengaStk/Tests/JengaStkTests/JengaStkTests.swift -> the repository's tests/keys
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { url.deleteLastPathComponent() }
        dirs.append(url.appendingPathComponent("tests/keys").path)
        for dir in dirs {
            let path = "\(dir)/\(stem).pem"
            if FileManager.default.fileExists(atPath: path) {
                return try String(contentsOfFile: path, encoding: .utf8)
            }
        }
        throw XCTSkip("no test key \(stem).pem in \(dirs): set JENGA_STK_KEYS to the repository's tests/keys")
    }

    private func input(amount: Decimal) -> StkPushInput {
        StkPushInput(
            order: OrderInput(orderReference: "OR28922980077", orderAmount: amount, orderCurrency: "KES",
                              source: nil, countryCode: "KE", description: "Purchase"),
            customer: CustomerInput(name: "John Doe", email: "xyx2@gmail.com", phoneNumber: "0722000111",
                                    identityNumber: "0000000", firstAddress: nil, secondAddress: nil),
            payment: PaymentInput(paymentReference: "MKQR28922980073", paymentCurrency: "KES", channel: nil,
                                  service: nil, provider: nil,
                                  callbackUrl: "https://shop.example.com/jenga/callback",
                                  details: PaymentDetailsInput(msisdn: "0722000000", paymentAmount: amount)))
    }

    func testTypedInputEqualsThePageExample() throws {
        let typed = try StkPush(input: input(amount: Decimal(2)), options: RequestOptions())
        let parsed = try StkPush.fromJson(json: pageExample, options: RequestOptions())
        XCTAssertEqual(typed.body(), parsed.body())
        XCTAssertEqual(typed.signingString(), "OR28922980077KES07220000002")
    }

    func testAmountsAreExactDecimals() throws {
        // Foundation's Decimal keeps no scale: 2.50 is 2.5, exactly; the request says 2.50 when asked to.
        let amount = Decimal(string: "2.50", locale: Locale(identifier: "en_US_POSIX"))!
        let push = try StkPush(input: input(amount: amount),
                               options: RequestOptions(amountDecimals: .two, amountEncoding: .string))
        XCTAssertEqual(push.signingString(), "OR28922980077KES07220000002.50")
        XCTAssertTrue(push.body().contains(#""paymentAmount":"2.50""#), push.body())
        XCTAssertEqual(push.paymentAmount(), Decimal(string: "2.5", locale: Locale(identifier: "en_US_POSIX"))!)
        // A third decimal is refused, never rounded.
        let tooPrecise = Decimal(string: "2.005", locale: Locale(identifier: "en_US_POSIX"))!
        XCTAssertThrowsError(try StkPush(input: input(amount: tooPrecise), options: RequestOptions())) { error in
            guard case let JengaError.Validation(code, _, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, "amount_too_precise")
        }
    }

    func testStatusesAreInt() throws {
        let status: Int = 502 // HTTPURLResponse.statusCode is an Int
        let gateway = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
        guard case let .rejected(rejection) = classifyInitResponse(status: status, body: Data(gateway.utf8)) else {
            return XCTFail("an HTML 502 accepted")
        }
        let back: Int = rejection.httpStatus
        XCTAssertEqual(back, 502)
        XCTAssertEqual(rejection.action, .checkStatusFirst)
        XCTAssertEqual(rejection.bodyExcerpt, "502 Bad Gateway nginx")
        // A status no HTTP server sends: an unknown answer, never a crash.
        guard case let .rejected(odd) = classifyInitResponse(status: 70_000, body: Data()) else {
            return XCTFail("status 70000 accepted")
        }
        XCTAssertEqual(odd.kind, .unknown)
        XCTAssertEqual(odd.httpStatus, 70_000)
    }

    func testValidationReportsEveryProblem() {
        XCTAssertThrowsError(try StkPush.fromJson(json: #"{"order": {"orderAmount": 2.5}}"#, options: RequestOptions())) { error in
            guard case let JengaError.Validation(code, _, _, problems) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, "validation_failed")
            XCTAssertGreaterThan(problems.count, 1)
            XCTAssertEqual(problems.first?.field, "order.orderReference")
        }
    }

    func testTransportAdvice() {
        // `init` is a Swift keyword: backticks.
        XCTAssertEqual(adviseTransportFailure(endpoint: .`init`, failure: .timeout), .checkStatusFirst)
        XCTAssertEqual(adviseTransportFailure(endpoint: .`init`, failure: .connectFailed), .retryWithBackoff)
        XCTAssertEqual(adviseTransportFailure(endpoint: .status, failure: .timeout), .retryWithBackoff)
    }

    func testSecretsAreRedacted() throws {
        let token = try AccessToken(token: "eyJ.secret-token.sig")
        XCTAssertFalse(token.description.contains("secret-token"))
        let credentials = try Credentials(apiKey: "api-key-secret", merchantCode: "4445776666", consumerSecret: "consumer-secret-value")
        XCTAssertFalse(credentials.description.contains("api-key-secret"))
        XCTAssertFalse(credentials.description.contains("consumer-secret-value"))
    }

    func testFlowEndsPaidByAnIpn() throws {
        let signed = try StkPush.fromJson(json: pageExample, options: RequestOptions()).sign(signer: Signer(pem: key("test-pkcs1-2048")))
        let tokens = SharedTokens(environment: Environment.uat(),
                                  credentials: try Credentials(apiKey: "key", merchantCode: "merchant", consumerSecret: "secret"))
        let start = Date(timeIntervalSince1970: 1_723_208_400)
        let flow = try PaymentFlow(push: signed, context: FlowContext(tokens: tokens), policy: defaultRetryPolicy(),
                                   statusSignature: .none, seed: 42, now: start)
        guard case let .send(tokenRequest) = try flow.poll(now: start) else { return XCTFail("a token request first") }
        XCTAssertEqual(tokenRequest.endpoint, .token)
        try flow.handleResponse(now: start, status: 200, retryAfter: nil,
                                body: Data(#"{"accessToken":"eyJ.flow.token","expiresIn":900}"#.utf8))
        guard case let .send(pushRequest) = try flow.poll(now: start) else { return XCTFail("then the push") }
        XCTAssertEqual(pushRequest.endpoint, .`init`)
        XCTAssertFalse(pushRequest.http.description.contains("eyJ.flow.token"))
        // The IPN comes while the push awaits its answer: it decides; the answer that follows only informs.
        let ipn = try parseIpn(body: Data(#"{"callbackType":"IPN","customer":{"reference":"OR28922980077"},"transaction":{"reference":"SH90HU7FO2","amount":2,"currency":"KES","status":"SUCCESS"}}"#.utf8))
        try flow.handleIpn(ipn: ipn)
        try flow.handleResponse(now: start, status: 200, retryAfter: nil,
                                body: Data(#"{"status":true,"code":"0","message":"ok","data":{"paymentReference":"MKQR28922980073"}}"#.utf8))
        guard case let .done(outcome) = try flow.poll(now: start) else { return XCTFail("the IPN decides") }
        XCTAssertEqual(outcome.kind, .paid)
        XCTAssertEqual(outcome.reconciliation.amountPaid, Decimal(2))
        XCTAssertNil(outcome.transportFailure)
        let restored = try PaymentFlow.fromJson(json: flow.toJson(), context: FlowContext(tokens: tokens))
        XCTAssertEqual(restored.outcome()?.kind, .paid)
    }

    func testSignatureDoctor() throws {
        let push = try StkPush.fromJson(json: pageExample, options: RequestOptions())
        let signed = try push.sign(signer: Signer(pem: key("test-pkcs1-2048")))
        let publicKey = try key("test-pkcs1-2048.pub")
        let good = try diagnoseSignature(body: Data(push.body().utf8), signatureHeader: Data(signed.signature().utf8),
                                         registeredPublicKeyPem: publicKey, privateKeyPem: nil)
        XCTAssertTrue(good.ok)
        XCTAssertTrue(good.findings.isEmpty)
        let wrong = try diagnoseSignature(body: Data(push.body().utf8), signatureHeader: Data("not base64!".utf8),
                                          registeredPublicKeyPem: publicKey, privateKeyPem: nil)
        XCTAssertFalse(wrong.ok)
        XCTAssertEqual(wrong.findings.first?.code, .notBase64)
    }
}
