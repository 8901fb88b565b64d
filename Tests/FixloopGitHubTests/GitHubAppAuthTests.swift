import Crypto
import FixloopCore
import FixloopGitHub
import FixloopTesting
import Foundation
import Synchronization
import Testing
import _CryptoExtras

/// A GitHub App's JWT and installation tokens against the loopback GitHub server.
struct GitHubAppAuthTests {
    final class TestClock: Sendable {
        let time = Mutex(Date())
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
    }

    static func decode(_ part: Substring) throws -> Data {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return try #require(Data(base64Encoded: text))
    }

    @Test func signsAnRS256JWTThatThePublicKeyVerifies() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let clock = TestClock()
        let auth = try GitHubAppAuth(appID: "12345", privateKeyPEM: key.pemRepresentation, baseURL: URL(string: "http://127.0.0.1:1")!, now: { clock.now })
        let jwt = try await auth.jwt().reveal()
        let parts = jwt.split(separator: ".")
        #expect(parts.count == 3)
        let header = try JSONSerialization.jsonObject(with: try Self.decode(parts[0])) as? [String: String]
        #expect(header == ["alg": "RS256", "typ": "JWT"])
        let claims = try #require(try JSONSerialization.jsonObject(with: try Self.decode(parts[1])) as? [String: Any])
        let issued = try #require(claims["iat"] as? Int)
        #expect(claims["iss"] as? String == "12345")
        #expect(abs(issued - (Int(clock.now.timeIntervalSince1970) - 60)) <= 1 && claims["exp"] as? Int == issued + 600)
        let signature = _RSA.Signing.RSASignature(rawRepresentation: try Self.decode(parts[2]))
        #expect(key.publicKey.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8), padding: .insecurePKCS1v1_5))
        #expect(!key.publicKey.isValidSignature(signature, for: Data("\(parts[0]).e30".utf8), padding: .insecurePKCS1v1_5))
    }

    @Test func buysAnInstallationTokenCachesItAndBuysAnotherBeforeItExpires() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let github = GitHubTestServer()
        await github.state.addIssue("acme/shop", title: "Bug", body: "")
        let clock = TestClock()
        try await github.run { server in
            let auth = try GitHubAppAuth(appID: "12345", privateKeyPEM: key.pemRepresentation, baseURL: server.baseURL, now: { clock.now })
            let first = try #require(try await auth.token(installation: 42))
            clock.advance(3600 - 400)   // still outside the margin
            let cached = try await auth.token(installation: 42)
            #expect(first == cached)
            // The token works on the REST API.
            let issue = try await GitHubClient(baseURL: server.baseURL, token: first).issue("acme", "shop", number: 1)
            #expect(issue.title == "Bug")
            clock.advance(400 - 60)   // inside the five-minute margin, however slow the machine was since the token was bought
            let refreshed = try await auth.token(installation: 42)
            #expect(refreshed != first)
            let other = try await auth.token(installation: 7)
            #expect(other != refreshed)
        }
        let jwts = await github.state.appJWTs
        let tokens = await github.state.installationTokens.map(\.installation)
        #expect(jwts.count == 3 && tokens == [42, 42, 7])
        let signature = _RSA.Signing.RSASignature(rawRepresentation: try Self.decode(jwts[0].split(separator: ".")[2]))
        let signed = jwts[0].split(separator: ".").prefix(2).joined(separator: ".")
        #expect(key.publicKey.isValidSignature(signature, for: Data(signed.utf8), padding: .insecurePKCS1v1_5))
    }

    @Test func aKeyThatIsNotRSAIsAConfigurationErrorThatDoesNotQuoteTheKey() throws {
        #expect {
            _ = try GitHubAppAuth(appID: "1", privateKeyPEM: "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0\n-----END RSA PRIVATE KEY-----", baseURL: URL(string: "http://127.0.0.1:1")!)
        } throws: { error in
            (error as? GitHubError)?.kind == .configuration && !"\(error)".contains("c2VjcmV0")
        }
    }
}
