import FixloopCore
import FixloopGit
import FixloopTesting
import Foundation
import Testing

/// Clone, fetch and push over smart HTTP with a token, against git's own http-backend on loopback.
struct HTTPTransportTests {
    static let token = "ghs_test_token_0123456789"

    @Test func clonesAndPushesOverHTTPWithAToken() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            try await GitCommandLine.run(["config", "http.receivepack", "true"], in: scene.remoteDirectory)
            let credentials = GitCredentials.token(Secret(Self.token), host: "127.0.0.1")
            try await GitHTTPServer(root: root, token: Self.token).run { server in
                let remote = try RepositoryReference(parsing: "\(server.baseURL.absoluteString)/remote.git")
                try await scene.pool.withWorkspace(remote: remote, credentials: credentials) { workspace in
                    #expect(workspace.baseCommit == scene.firstCommit)
                    try GitFixture.write(["http.txt": "over http\n"], in: workspace.directory)
                    try await workspace.git.createBranch("fixloop/9-http")
                    let commit = try await workspace.git.commitAll(message: "http", author: GitSignature(name: "f", email: "f@e"))
                    try await workspace.git.push(branch: "fixloop/9-http", credentials: credentials)
                    let check1 = try await GitFixture.revParse("refs/heads/fixloop/9-http", in: scene.remoteDirectory) == commit
                    #expect(check1)
                }
                let newCommit = try await scene.pushNewCommit(["later.txt": "later\n"])
                let update = try await scene.pool.mirrors.update(remote, credentials: credentials)
                #expect(!update.created)
                let check2 = try await GitFixture.revParse("refs/heads/main", in: update.directory) == newCommit
                #expect(check2)
            }
        }
    }

    @Test(arguments: ["wrong-token-value", nil])
    func aWrongOrMissingTokenIsAnAuthenticationErrorThatDoesNotRepeatIt(token: String?) async throws {
        try await withTemporaryDirectory { root in
            _ = try await GitScene.make(in: root)
            try await GitHTTPServer(root: root, token: Self.token).run { server in
                let remote = try RepositoryReference(parsing: "\(server.baseURL.absoluteString)/remote.git")
                let mirrors = MirrorCache(root: root.appendingPathComponent("mirrors-\(token ?? "none")"))
                let credentials = token.map { GitCredentials.token(Secret($0), host: nil) } ?? .none
                await #expect {
                    _ = try await mirrors.update(remote, credentials: credentials)
                } throws: { error in
                    guard let error = error as? GitError else { return false }
                    return error.kind == .authentication && !error.message.contains("wrong-token-value")
                }
                #expect(!exists(mirrors.directory(for: remote)))
            }
        }
    }

    @Test func theTokenIsWithheldFromOtherHosts() async throws {
        try await withTemporaryDirectory { root in
            _ = try await GitScene.make(in: root)
            try await GitHTTPServer(root: root, token: Self.token).run { server in
                let remote = try RepositoryReference(parsing: "\(server.baseURL.absoluteString)/remote.git")
                let credentials = GitCredentials.token(Secret(Self.token), host: "github.com")
                await #expect {
                    _ = try await MirrorCache(root: root.appendingPathComponent("m")).update(remote, credentials: credentials)
                } throws: { error in
                    (error as? GitError)?.kind == .authentication
                }
            }
        }
    }

    @Test func aMissingRepositoryOverHTTPIsNamed() async throws {
        try await withTemporaryDirectory { root in
            _ = try await GitScene.make(in: root)
            try await GitHTTPServer(root: root, token: nil).run { server in
                let remote = try RepositoryReference(parsing: "\(server.baseURL.absoluteString)/absent.git")
                await #expect {
                    _ = try await MirrorCache(root: root.appendingPathComponent("m")).update(remote)
                } throws: { error in
                    guard let error = error as? GitError else { return false }
                    return error.kind == .repositoryNotFound && error.message.contains("absent.git")
                }
            }
        }
    }
}
