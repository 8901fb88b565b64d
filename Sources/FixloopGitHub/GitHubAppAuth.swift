import Crypto
import FixloopCore
import Foundation
import _CryptoExtras
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Authenticates as a GitHub App: an RS256 JWT signed with the app's private key buys an installation access
/// token, which is cached per installation and bought again ``refreshMargin`` before it expires.
public actor GitHubAppAuth: GitHubTokenProvider {
    public let appID: String
    let key: _RSA.Signing.PrivateKey
    let baseURL: URL
    let session: URLSession
    /// Tokens are bought again when they have less than this left.
    public let refreshMargin: TimeInterval
    /// The clock; tests move it.
    let now: @Sendable () -> Date
    /// The installation the bot uses when a job names none (`GITHUB_APP_INSTALLATION_ID`).
    let defaultInstallation: Int?
    private var cache: [Int: (token: Secret, expires: Date)] = [:]

    /// - Parameters:
    ///   - appID: the App ID (the JWT's issuer).
    ///   - privateKeyPEM: the app's private key as GitHub gives it (PKCS#1 or PKCS#8 PEM).
    ///   - baseURL: `GITHUB_API_URL`.
    /// - Throws: ``GitHubError`` (`configuration`) when the key cannot be read; the key is never in the message.
    public init(
        appID: String, privateKeyPEM: String, baseURL: URL, defaultInstallation: Int? = nil, refreshMargin: TimeInterval = 300,
        session: URLSession = .shared, now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw GitHubError(.configuration, status: nil, "The GitHub App private key for app \(appID) is not an RSA key in PEM form of 2048 bits or more; download a new key from the app's settings.")
        }
        self.appID = appID
        self.baseURL = baseURL
        self.defaultInstallation = defaultInstallation
        self.refreshMargin = refreshMargin
        self.session = session
        self.now = now
    }

    public func token(installation: Int?) async throws -> Secret? {
        guard let id = installation ?? defaultInstallation else {
            throw GitHubError(.configuration, status: nil, "The webhook named no GitHub App installation and GITHUB_APP_INSTALLATION_ID is not set; install the app on the repository or set it.")
        }
        if let cached = cache[id], cached.expires.timeIntervalSince(now()) > refreshMargin { return cached.token }
        let client = GitHubClient(baseURL: baseURL, token: try jwt(), session: session)
        let answer = try await client.createInstallationToken(installation: id)
        let expires = ISO8601DateFormatter().date(from: answer.expiresAt) ?? now().addingTimeInterval(3600)
        cache[id] = (Secret(answer.token), expires)
        return Secret(answer.token)
    }

    /// The app's JWT: issued a minute in the past (clock drift), valid for nine minutes (GitHub allows ten).
    public func jwt() throws -> Secret {
        let issued = Int(now().timeIntervalSince1970) - 60
        let header = Self.base64URL(Data(#"{"alg":"RS256","typ":"JWT"}"#.utf8))
        let claims = Self.base64URL(Data(#"{"iat":\#(issued),"exp":\#(issued + 600),"iss":"\#(appID)"}"#.utf8))
        let input = "\(header).\(claims)"
        let signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return Secret("\(input).\(Self.base64URL(signature.rawRepresentation))")
    }

    /// Base64 with the URL alphabet and no padding (RFC 7515).
    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// An installation access token as GitHub returns it.
public struct GitHubInstallationToken: Decodable, Sendable {
    public var token: String
    /// ISO 8601, e.g. `2026-11-24T22:14:10Z`.
    public var expiresAt: String
}

extension GitHubClient {
    /// `POST /app/installations/{id}/access_tokens`; the client's token must be the app's JWT.
    public func createInstallationToken(installation: Int) async throws -> GitHubInstallationToken {
        try await send("POST", "/app/installations/\(installation)/access_tokens", body: [:])
    }
}
