@testable import FixloopCLI
import FixloopConfig
import FixloopCore
import FixloopServer
import FixloopTesting
import Foundation
import Testing

/// Where `fixloop serve` takes the admin token from, and what it says when the admin pages are off.
struct ServeAdminWiringTests {
    @Test func withoutATokenThePagesAreClosed() throws {
        let access = try ServeWiring.adminAccess(ServeSettings(), environment: [:])
        guard case .closed = access else { Issue.record("expected closed, got \(access)"); return }
    }

    @Test func theTokenComesFromTheEnvironmentThenTheFile() async throws {
        try await withTemporaryDirectory("fixloop-admin-token") { root in
            let file = root.appendingPathComponent("admin-token")
            try "from-the-file-0123456789\n".write(to: file, atomically: true, encoding: .utf8)
            var settings = ServeSettings()
            settings.adminTokenFile = file.path
            guard case .token(let fromFile) = try ServeWiring.adminAccess(settings, environment: [:]) else { Issue.record("no token"); return }
            #expect(fromFile.reveal() == "from-the-file-0123456789")
            guard case .token(let fromEnvironment) = try ServeWiring.adminAccess(settings, environment: ["FIXLOOP_ADMIN_TOKEN": "from-the-environment-0123"]) else {
                Issue.record("no token"); return
            }
            #expect(fromEnvironment.reveal() == "from-the-environment-0123")
            let short = #expect(throws: CommandError.self) { try ServeWiring.adminAccess(ServeSettings(), environment: ["FIXLOOP_ADMIN_TOKEN": "tiny-secret"]) }
            #expect(short?.code == "serve.admin_token_short" && short?.message.contains("tiny-secret") == false, "the token never appears in the error")
            settings.adminTokenFile = root.appendingPathComponent("missing").path
            let missing = #expect(throws: CommandError.self) { try ServeWiring.adminAccess(settings, environment: [:]) }
            #expect(missing?.code == "serve.admin_token_unreadable")
        }
    }

    @Test func aTokenWrittenInTheConfigurationFileIsRefused() {
        let error = #expect(throws: ConfigurationError.self) { try FixloopConfiguration(toml: "[serve]\nadmin_token = \"hunter2-hunter2-hunter2\"\n", file: "fixloop.toml") }
        #expect(error?.key == "serve.admin_token" && error?.message.contains("hunter2") == false && error?.message.contains("admin_token_file") == true)
    }

    @Test func theStartupNoteNamesTheSettingsThatOpenThePages() throws {
        #expect(ServeWiring.adminNote(admin: .closed, adminPort: nil).contains("FIXLOOP_ADMIN_TOKEN"))
        #expect(ServeWiring.adminNote(admin: .token(Secret("x")), adminPort: nil).contains("Bearer"))
        #expect(ServeWiring.adminNote(admin: .closed, adminPort: nil).contains("admin_port"))
        #expect(ServeWiring.adminNote(admin: .closed, adminPort: 9090).contains("127.0.0.1:9090"))
    }
}
