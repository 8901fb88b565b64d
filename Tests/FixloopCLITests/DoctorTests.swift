@testable import FixloopCLI
import FixloopConfig
import Foundation
import Testing

/// `fixloop doctor`: each check against injected facts (a `bwrap` that cannot make a namespace, another
/// `/proc/sys`, a missing key), and the command's exit status and sentences.
struct DoctorTests {
    /// A temporary folder other users can traverse (the sandbox uid runs the fake `bwrap`), removed at the end.
    static func withFolder<T>(_ body: (URL) async throws -> T) async rethrows -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    static func write(_ text: String, to url: URL, mode: Int = 0o644) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    static func facts(_ folder: URL, environment: [String: String] = [:], toml: String = "") throws -> DoctorFacts {
        DoctorFacts(configuration: try FixloopConfiguration(toml: toml, file: "fixloop.toml"),
                    state: StateDirectory(root: folder.appendingPathComponent("state")), environment: environment)
    }

    /// bubblewrap 0.8's own words when the kernel refuses an unprivileged user namespace.
    static let bwrapRefusal = "bwrap: No permissions to creating new namespace, likely because the kernel does not allow "
        + "non-privileged user namespaces. On e.g. debian this can be enabled with 'sysctl kernel.unprivileged_userns_clone=1'."

    @Test func failsWithTheAppArmorSentenceWhenBubblewrapCannotCreateANamespace() async throws {
        try await Self.withFolder { folder in
            let bwrap = folder.appendingPathComponent("bin/bwrap")
            try Self.write("#!/bin/sh\necho \"\(Self.bwrapRefusal)\" >&2\nexit 1\n", to: bwrap, mode: 0o755)
            try Self.write("1\n", to: folder.appendingPathComponent("sys/kernel/apparmor_restrict_unprivileged_userns"))
            var facts = try Self.facts(folder)
            facts.bubblewrapPath = bwrap.path
            facts.sysctlRoot = folder.appendingPathComponent("sys")
            facts.fileSystemRoot = folder
            let check = await Doctor.bubblewrap(facts)
            #expect(check.status == .fail)
            #expect(check.message.contains("cannot create a user namespace (bwrap: No permissions to creating new namespace"))
            #expect(check.message.contains("because AppArmor forbids unprivileged user namespaces"))
            #expect(check.message.contains("`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`"))
            #expect(DoctorReport(checks: [check]).passed == false)
        }
    }

    @Test func aMissingBubblewrapIsOneSentenceWithTheInstallCommand() async throws {
        try await Self.withFolder { folder in
            var facts = try Self.facts(folder)
            facts.bubblewrapPath = folder.appendingPathComponent("no-bwrap").path
            let check = await Doctor.bubblewrap(facts)
            #expect(check.status == .fail)
            #expect(check.message == "bubblewrap is not installed at \(facts.bubblewrapPath); install it with `sudo apt-get install bubblewrap` (or scripts/bootstrap).")
        }
    }

    @Test(arguments: [
        (["kernel/apparmor_restrict_unprivileged_userns": "1"], false, "kernel.apparmor_restrict_unprivileged_userns=0"),
        (["kernel/unprivileged_userns_clone": "0"], false, "kernel.unprivileged_userns_clone=1"),
        (["user/max_user_namespaces": "0"], false, "user.max_user_namespaces=15000"),
        (["user/max_user_namespaces": "15000"], true, "--security-opt seccomp=unconfined --security-opt apparmor=unconfined"),
        ([:], false, "run Fixloop on a host or VM where"),
    ])
    func eachNamespaceCauseNamesItsFix(sysctls: [String: String], container: Bool, fix: String) {
        let explanation = NamespaceDiagnosis.explain(sysctl: { sysctls[$0] }, inContainer: container)
        #expect(explanation.contains(fix))
    }

    @Test func aMissingModelKeyFailsTheCommandWithItsVariable() async throws {
        try await Self.withFolder { folder in
            let config = folder.appendingPathComponent("fixloop.toml")
            try Self.write("[models]\ndefault = \"openai:gpt-4.1\"\n", to: config)
            let run = await runFixloop(["doctor", "--config", config.path, "--state-dir", folder.appendingPathComponent("state").path],
                                       environment: [:])
            #expect(run.status == 2)
            #expect(run.output.contains("fail  model_key        openai:gpt-4.1 ([models] default) cannot be called: OPENAI_API_KEY is not set; set it, or point OPENAI_BASE_URL at a server that needs no key."))
            #expect(run.output.contains("1 check failed"))
        }
    }

    @Test func passesAfterTheReadmeSetUp() async throws {
        try await Self.withFolder { folder in
            let config = folder.appendingPathComponent("fixloop.toml")
            try Self.write("", to: config)
            let run = await runFixloop(["doctor", "--json", "--config", config.path, "--state-dir", folder.appendingPathComponent("state").path],
                                       environment: ["OPENAI_API_KEY": "sk-test", "GITHUB_TOKEN": "ghp-test"])
            #expect(run.status == 0, "\(run.output)")
            let report = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]
            #expect(report?["passed"] as? Bool == true)
            let checks = report?["checks"] as? [[String: String]] ?? []
            #expect(checks.first { $0["name"] == "bubblewrap" }?["status"] == "ok")
            // The built-in default is an Anthropic model; with only OpenAI's key, commands name --model, so it warns.
            #expect(checks.first { $0["name"] == "model_key" }?["status"] == "warn")
            #expect(!run.output.contains("sk-test") && !run.output.contains("ghp-test"))
        }
    }

    @Test func withATestCommandItSaysWhereEachProgramResolvesInsideTheSandbox() async throws {
        try await Self.withFolder { folder in
            let config = folder.appendingPathComponent("fixloop.toml")
            try Self.write("", to: config)
            let run = await runFixloop(["doctor", "--config", config.path, "--state-dir", folder.appendingPathComponent("state").path,
                                        "--test", "sh -c true && no-such-program-fixloop --flag"],
                                       environment: ["OPENAI_API_KEY": "sk-test", "PATH": "/usr/bin:/bin"])
            #expect(run.status == 2, "\(run.output)")
            let lines = run.output.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.contains("sh resolves to /") && $0.contains("inside the sandbox") }, "\(run.output)")
            #expect(lines.contains { $0.contains("no-such-program-fixloop is not found inside the sandbox, nor on the host") }, "\(run.output)")
            #expect(!lines.contains { $0.contains("--flag") }, "\(run.output)")
        }
    }

    @Test func anUnpricedModelFailsUnderAMoneyBudgetAndOnlyWarnsWithoutOne() throws {
        let folder = FileManager.default.temporaryDirectory
        let model = ConfiguredModel(spec: try .init(parsing: "openai:no-such-model"), source: "[models] default")
        let budgeted = try Self.facts(folder, toml: "[budgets]\nper_run_usd = 1\n")
        let check = Doctor.modelPrice(model, facts: budgeted)
        #expect(check.status == .fail)
        #expect(check.message.contains("[prices.\"openai:no-such-model\"]"))
        #expect(Doctor.modelPrice(model, facts: try Self.facts(folder)).status == .warn)
    }

    @Test func serveOnlyChecksSkipForAFixOnlySetUpAndFailWhenNamedButUnreadable() throws {
        let folder = FileManager.default.temporaryDirectory
        #expect(Doctor.webhookSecret(try Self.facts(folder)).status == .skip)
        #expect(Doctor.webhookSecret(try Self.facts(folder, environment: ["GITHUB_WEBHOOK_SECRET": "s"])).status == .ok)
        let unreadable = try Self.facts(folder, toml: "[serve]\nwebhook_secret_file = \"/nonexistent/secret\"\n")
        #expect(Doctor.webhookSecret(unreadable).status == .fail)
        #expect(Doctor.githubAuth(try Self.facts(folder)).status == .warn)
        let app = try Self.facts(folder, environment: ["GITHUB_APP_ID": "1", "GITHUB_APP_PRIVATE_KEY_FILE": "/nonexistent/app.pem"])
        #expect(Doctor.githubAuth(app).status == .fail)
        #expect(Doctor.githubAuth(app).message.contains("/nonexistent/app.pem cannot be read"))
    }
}
