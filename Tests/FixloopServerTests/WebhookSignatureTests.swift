import FixloopCore
import FixloopServer
import Foundation
import Testing

struct WebhookSignatureTests {
    /// The test values in GitHub's "Validating webhook deliveries".
    @Test func matchesGitHubsDocumentedTestVector() {
        let secret = Secret("It's a Secret to Everybody")
        let body = Data("Hello, World!".utf8)
        let expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        #expect(WebhookSignature.sign(body, secret: secret) == expected)
        #expect(WebhookSignature.isValid(expected, body: body, secret: secret))
        #expect(WebhookSignature.isValid(expected.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="), body: body, secret: secret))
    }

    @Test(arguments: [
        nil, "", "sha256=", "sha1=757107ea0eb2509fc211221cce984b8a37570b6d", "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        "sha256=857107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e",
    ])
    func refusesAMissingMalformedOrWrongSignature(header: String?) {
        #expect(!WebhookSignature.isValid(header, body: Data("Hello, World!".utf8), secret: Secret("It's a Secret to Everybody")))
    }

    @Test func aChangedBodyOrSecretBreaksTheSignature() {
        let header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        #expect(!WebhookSignature.isValid(header, body: Data("Hello, World?".utf8), secret: Secret("It's a Secret to Everybody")))
        #expect(!WebhookSignature.isValid(header, body: Data("Hello, World!".utf8), secret: Secret("It's a secret to everybody")))
    }
}
