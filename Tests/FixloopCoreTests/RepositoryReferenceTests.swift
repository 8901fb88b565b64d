import FixloopCore
import Testing

struct RepositoryReferenceTests {
    @Test(arguments: [
        ("https://github.com/apple/swift-nio", "github.com", "apple", "swift-nio", RepositoryReference.Transport.https),
        ("https://github.com/apple/swift-nio.git", "github.com", "apple", "swift-nio", .https),
        ("git@github.com:apple/swift-nio.git", "github.com", "apple", "swift-nio", .ssh),
        ("ssh://git@ghe.example.com:2222/team/app.git", "ghe.example.com", "team", "app", .ssh),
        ("https://GHE.Example.com/team/app/", "ghe.example.com", "team", "app", .https),
    ])
    func parsesForgeRemotes(text: String, host: String, owner: String, name: String, transport: RepositoryReference.Transport) throws {
        let reference = try RepositoryReference(parsing: text)
        #expect(reference.host == host)
        #expect(reference.transport == transport)
        #expect(reference.ownerAndName?.owner == owner)
        #expect(reference.ownerAndName?.name == name)
    }

    @Test func spellingsOfOneRemoteShareACacheKey() throws {
        let keys = try ["https://github.com/o/r", "https://github.com/o/r.git", "git@github.com:o/r.git"]
            .map { try RepositoryReference(parsing: $0).cacheKey }
        #expect(Set(keys).count == 1)
        #expect(keys[0] == "github.com/o/r")
    }

    @Test func localPathsAreAbsoluteAndHaveNoOwner() throws {
        let reference = try RepositoryReference(parsing: "repos/../repo", currentDirectory: "/srv/work")
        #expect(reference.transport == .local)
        #expect(reference.url == "/srv/work/repo")
        #expect(reference.ownerAndName == nil)
    }

    @Test func enterpriseHostsCountAsGitHub() throws {
        let reference = try RepositoryReference(parsing: "https://ghe.corp.example/team/app")
        #expect(!reference.isGitHub())
        #expect(reference.isGitHub(enterpriseHosts: ["ghe.corp.example"]))
        #expect(try RepositoryReference(parsing: "git@github.com:o/r.git").isGitHub())
    }

    @Test func refusesCredentialsInTheURLWithoutRepeatingThem() {
        #expect {
            try RepositoryReference(parsing: "https://x-access-token:ghp_secretvalue@github.com/o/r.git")
        } throws: { error in
            let message = (error as? RepositoryReferenceError)?.message ?? ""
            return !message.contains("ghp_secretvalue") && message.contains("GITHUB_TOKEN")
        }
    }

    @Test(arguments: ["", "   ", "https://github.com/", "git@github.com:"])
    func refusesRemotesWithoutARepository(text: String) {
        #expect(throws: RepositoryReferenceError.self) { try RepositoryReference(parsing: text) }
    }

    @Test func cacheKeysCannotClimbOutOfTheMirrorFolder() throws {
        let reference = try RepositoryReference(parsing: "https://evil.example/../../etc/passwd")
        #expect(!reference.cacheKey.contains(".."))
    }
}
