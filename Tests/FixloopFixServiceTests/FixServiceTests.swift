import FixloopCore
import FixloopEngineer
import FixloopFixService
import FixloopGit
import FixloopSandbox
import FixloopStore
import FixloopTesting
import Foundation
import Synchronization
import Testing

/// ``FixService`` as a library: a typed request in, a typed outcome out, with a scripted model, the real sandbox,
/// a real git remote, the SQLite run store and an in-memory code host — no command line, no environment.
@Suite(.serialized)
struct FixServiceTests {
    static let files = [
        "shop/__init__.py": "",
        "shop/cart.py": "def total(prices):\n    result = 0\n    for price in prices:\n        result -= price\n    return result\n",
        "tests/__init__.py": "",
        "tests/test_cart.py": "from shop.cart import total\n\n\ndef test_total_of_two():\n    assert total([100, 250]) == 350\n\n\ndef test_empty():\n    assert total([]) == 0\n",
        ".fixloop.toml": "test = \"python3 -m pytest -rA -p no:cacheprovider\"\n",
    ]

    /// The model side: one scripted client for every run; nothing is priced.
    struct ScriptedModels: FixModels {
        let client: ScriptedModelClient
        func client(for spec: ModelSpec, attribution: CallAttribution, record: URL?) throws -> any ModelClient { client }
        func refusal(for spec: ModelSpec, runLimitUSD: Double?) -> BudgetRefusal? { nil }
        func cost(ofRun runID: String) async -> Double { 0 }
    }

    static func script() -> ScriptedModelClient {
        ScriptedModelClient(steps: [
            .text(#"{"class": "bug", "reason": "a wrong total is a defect"}"#),
            .toolCalls([
                ToolCall(id: "edit", name: "replace", argumentsText: #"{"path": "shop/cart.py", "search": "result -= price", "replace": "result += price"}"#),
                ToolCall(id: "submit", name: "submit", argumentsText: #"{"root_cause": "total subtracted prices.", "summary": "Add them."}"#),
            ]),
        ])
    }

    static func service(root: URL, model: ScriptedModelClient, host: InMemoryCodeHost) async throws -> FixService {
        let state = root.appendingPathComponent("state", isDirectory: true)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let database = try FixloopDatabase(url: state.appendingPathComponent("fixloop.sqlite"))
        let catalog = SandboxPolicyCatalog()
        return FixService(
            models: ScriptedModels(client: model), sandbox: try await BubblewrapSandbox.detect(configuration: .init()),
            testPolicy: try catalog.policy("test"), setupPolicy: try catalog.policy("setup"),
            workspaces: WorkspacePool(mirrors: MirrorCache(root: state.appendingPathComponent("mirrors")),
                                      root: state.appendingPathComponent("workspaces"), poolSize: 2),
            tickets: TicketSources(githubAPI: URL(string: "http://127.0.0.1:9")!, linearAPI: URL(string: "http://127.0.0.1:9")!,
                                   localTickets: SQLitePlanStore(database: database), limits: TicketLimits()),
            codeHost: { _ in host }, runs: SQLiteRunStore(database: database),
            settings: .init(runsFolder: state.appendingPathComponent("runs"), git: GitSettings()))
    }

    static func request(remote: URL) -> FixRequest {
        let reference = TicketReference.github(owner: "acme", name: "shop", number: 12)
        let ticket = Ticket(reference: reference.description, title: "Cart total is negative",
                            body: "Two items show a negative total; `test_total_of_two` fails.", repository: remote.path)
        var request = FixRequest(ticket: .ticket(ticket, reference), model: ModelSpec(provider: .openai, name: "test-model"))
        request.delivery = .pullRequest(repository: "acme/shop", commentOnTicket: true)
        return request
    }

    @Test func aTypedRequestBecomesAPullRequestOnTheCodeHostAndARunInTheStore() async throws {
        try await withTemporaryDirectory("fixloop-service") { root in
            chmod(root.path, 0o755)
            let source = root.appendingPathComponent("source")
            try await GitFixture.makeRepository(at: source, files: Self.files)
            let remote = try await GitFixture.makeBareRemote(from: source, at: root.appendingPathComponent("shop.git"))
            let host = InMemoryCodeHost()
            let service = try await Self.service(root: root, model: Self.script(), host: host)
            let steps = Mutex<[FixStep]>([])
            let outcome = try await service.run(Self.request(remote: remote), observer: FixObserver(event: { step, _, _ in
                steps.withLock { if $0.last != step { $0.append(step) } }
            }))

            #expect(outcome.engineer.outcome == .fixed, "\(outcome.engineer.reason)")
            #expect(outcome.status == .fixed)
            #expect(outcome.prURL == host.pullRequests.first.map { _ in "https://code.example/acme/shop/pull/1" })
            #expect(host.pullRequests.map(\.head) == ["fixloop/gh-acme-shop-12-cart-total-is-negative"])
            #expect(host.comments.map(\.issue) == [12])
            #expect(steps.withLock { $0 } == [.run, .triage, .baseline, .reproduce, .localize, .candidate(1), .verify, .deliver, .run])
            let stored = try SQLiteRunStore(database: try FixloopDatabase(url: root.appendingPathComponent("state/fixloop.sqlite")))
                .run(outcome.runID)
            #expect(stored?.status == .fixed && stored?.prURL == outcome.prURL)
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("state/runs/\(outcome.runID)/report.json").path))
        }
    }

    @Test func aTicketHeldByALiveRunIsRefusedWithItsHolder() async throws {
        try await withTemporaryDirectory("fixloop-service-busy") { root in
            chmod(root.path, 0o755)
            let host = InMemoryCodeHost()
            let service = try await Self.service(root: root, model: Self.script(), host: host)
            let request = Self.request(remote: root.appendingPathComponent("shop.git"))
            let holder = RunRecord(id: "run-holder", ticket: request.ticket.reference.description, repository: "/r",
                                   host: ProcessInfo.processInfo.hostName, pid: getpid())
            #expect(try await service.runs.start(holder) == nil)
            let error = await #expect(throws: FixServiceError.self) { try await service.run(request) }
            #expect(error?.code == "fix.ticket_busy")
            #expect(error?.message.contains("run-holder") == true)
            #expect(host.pullRequests.isEmpty)
        }
    }
}
