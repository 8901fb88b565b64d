@testable import FixloopCLI
import FixloopConfig
import FixloopCore
import FixloopPostgres
import FixloopServer
import FixloopStore
import FixloopTesting
import Foundation
import Logging
import Synchronization
import Testing

/// The healing loop's data in the shared store: a merge delivered to one machine's webhook intake is recorded in
/// PostgreSQL, seen by another machine's intake and by `fixloop outcomes` run from a third state directory.
@Suite(.serialized, .enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
struct SharedMergesTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let secret = Secret("hook-secret")
    static let pull = "https://github.com/acme/shop/pull/7"

    static func run(_ arguments: [String], home: URL, environment: [String: String]) async -> (status: Int32, output: String, errors: String) {
        let output = Mutex(""), errors = Mutex("")
        let status = await Fixloop.run(
            arguments: arguments, environment: ["FIXLOOP_HOME": home.path, "HOME": home.path, "PATH": "/usr/bin:/bin"].merging(environment) { $1 },
            output: { text in output.withLock { $0 += text } }, errors: { text in errors.withLock { $0 += text } })
        return (status, output.withLock { $0 }, errors.withLock { $0 })
    }

    @Test func aMergeDeliveredToOneMachinesIntakeIsSeenByTheOtherAndByOutcomesOnAThird() async throws {
        try await withTemporaryDirectory("fixloop-shared-merges") { root in
            let cluster = try PostgresTestCluster.shared()
            let database = try cluster.makeDatabase()
            let environment = ["FIXLOOP_DATABASE_URL": cluster.url(database: database)]
            func machine(_ name: String) async throws -> (StoreBackend, WebhookIntake) {
                let context = CommandContext(configuration: FixloopConfiguration(), state: StateDirectory(root: root.appendingPathComponent("state-\(name)")),
                                             environment: environment)
                let backend = try await StoreBackend.open(context)
                var intake = WebhookIntake(secret: Self.secret, triggers: TriggerSettings(), store: backend.jobs, github: nil, progress: nil, logger: Self.logger)
                intake.merges = backend.healing
                return (backend, intake)
            }
            let (a, intakeA) = try await machine("a")
            let (b, intakeB) = try await machine("b")

            // The ticket the planner filed (its store writes this row) and machine a's run that opened the pull request.
            _ = try cluster.psql(database: database, """
                INSERT INTO planner_ticket (sink, fingerprint, fingerprints, reference, title, body, labels, classification, priority, sessions,
                    reported, created_at, updated_at)
                VALUES ('github', 'fp1', '[]', 'gh:acme/shop#12', 'The checkout total is negative', '', '[]', 'bug', 1, 4, '', now(), now())
                """)
            let run = RunRecord(id: "run-1", ticket: "gh:acme/shop#12", repository: "acme/shop", host: ProcessInfo.processInfo.hostName, pid: getpid())
            _ = try await a.runs.start(run)
            try await a.runs.finish("run-1", status: .fixed, branch: "fixloop/12-checkout-total", prURL: Self.pull, reason: nil)

            let body = Data(MergeWebhookPayload.closedAndMerged.utf8)
            let signature = WebhookSignature.sign(body, secret: Self.secret)
            let first = await intakeA.receive(event: "pull_request", delivery: "d-1", signature: signature, body: body)
            #expect(first.result == "merged", "\(first)")
            let seen = try #require(try await b.healing.merge(pullRequest: Self.pull), "machine b sees machine a's merge")
            #expect(seen.commit == "abc123" && seen.source == .webhook)
            let again = await intakeB.receive(event: "pull_request", delivery: "d-1", signature: signature, body: body)
            #expect(again.status < 300, "GitHub's redelivery to the other machine is answered: \(again)")

            let outcomes = await Self.run(["outcomes", "--json", "--no-comment"], home: root.appendingPathComponent("state-c"), environment: environment)
            #expect(outcomes.status == 0, "\(outcomes.errors)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(outcomes.output.utf8)) as? [[String: Any]], "\(outcomes.output)")
            let row = try #require(rows.first { $0["ticket"] as? String == "gh:acme/shop#12" }, "\(outcomes.output)")
            #expect(row["state"] as? String == "merged" && row["merge_learnt_from"] as? String == "webhook" && row["merge_commit"] as? String == "abc123",
                    "\(row)")
            #expect(row["pull_request"] as? String == Self.pull && row["title"] as? String == "The checkout total is negative", "\(row)")
            #expect(row["deployed_at"] != nil, "deployed at the merge plus the delay: \(row)")
            let local = try await SQLiteHealingStore(database: FixloopDatabase(url: root.appendingPathComponent("state-c/fixloop.sqlite"))).lives()
            #expect(local.isEmpty, "nothing of the healing loop went to the machine's SQLite file")
            let stored = try cluster.psql(database: database, "SELECT ticket, pull_request FROM fix_life")
            #expect(stored.contains("gh:acme/shop#12|\(Self.pull)"), "\(stored)")
        }
    }
}

/// A signed `pull_request` delivery: #7 of acme/shop closed and merged (commit `abc123`).
enum MergeWebhookPayload {
    static let closedAndMerged = #"{"action": "closed", "number": 7, "pull_request": {"number": 7, "html_url": "https://github.com/acme/shop/pull/7", "head": {"ref": "fixloop/12-checkout-total", "sha": "def456"}, "merged": true, "merged_at": "2025-06-10T09:30:00Z", "merge_commit_sha": "abc123"}, "repository": {"full_name": "acme/shop"}, "sender": {"login": "alice"}}"#
}
