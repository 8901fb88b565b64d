import FixloopCore
import FixloopGitHub
import FixloopTesting
import Foundation
import Testing

/// Why CI failed on a Fixloop branch, read through the REST API of the loopback GitHub server: check runs, their
/// output and annotations, the failing Actions jobs and their logs behind GitHub's redirect.
struct GitHubCIFailuresTests {
    static let sha = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

    static let log = """
        2024-05-01T10:00:00.0000000Z ##[group]Run actions/checkout@v4
        2024-05-01T10:00:01.0000000Z Syncing repository: acme/shop
        2024-05-01T10:00:02.0000000Z ##[endgroup]
        2024-05-01T10:00:03.0000000Z ##[group]Run pytest -q
        2024-05-01T10:00:03.1000000Z \u{1B}[36;1mpytest -q\u{1B}[0m
        2024-05-01T10:00:03.2000000Z shell: /usr/bin/bash -e {0}
        2024-05-01T10:00:03.3000000Z ##[endgroup]
        2024-05-01T10:00:05.0000000Z \u{1B}[31mFAILED\u{1B}[0m tests/test_cart.py::test_total - assert -5 == 5
        2024-05-01T10:00:05.1000000Z \u{1B}[31m1 failed\u{1B}[0m, 3 passed in 0.12s
        2024-05-01T10:00:05.2000000Z ##[error]Process completed with exit code 1.

        """

    static func client(_ server: LoopbackServer) -> GitHubClient {
        GitHubClient(baseURL: server.baseURL, token: Secret("test-token"))
    }

    static func failedActionsRun(_ github: GitHubTestServer, log: String?) async {
        await github.state.addCheckRun("acme/shop", .init(
            id: 501, name: "test (3.12)", headSHA: sha, conclusion: "failure", title: "1 failed, 3 passed",
            summary: "Process completed with exit code 1.", actionsRun: 77), annotations: [
            .init(path: "tests/test_cart.py", line: 12, message: "assert -5 == 5"),
            .init(path: ".github", line: 1, level: "failure", message: "Process completed with exit code 1."),
        ])
        await github.state.addCheckRun("acme/shop", .init(id: 502, name: "lint", headSHA: sha, conclusion: "success", actionsRun: 77))
        await github.state.addJob(run: 77, .init(id: 501, name: "test (3.12)", conclusion: "failure", failedStep: "Run pytest -q"), log: log)
        await github.state.addJob(run: 77, .init(id: 502, name: "lint", conclusion: "success"), log: "all good\n")
    }

    @Test func aFailedCheckWithAnnotationsAndALogBecomesTheReport() async throws {
        let github = GitHubTestServer()
        await Self.failedActionsRun(github, log: Self.log)
        try await github.run { server in
            let lookup = try await GitHubCIFailures(client: Self.client(server)).lookup(owner: "acme", name: "shop", headSHA: Self.sha)
            guard case .failed(let report) = lookup else { Issue.record("got \(lookup)"); return }
            #expect(report.checks.map(\.name) == ["test (3.12)"])
            #expect(report.checks[0].title == "1 failed, 3 passed")
            #expect(report.checks[0].annotations.first == CIAnnotation(path: "tests/test_cart.py", line: 12, level: "failure", message: "assert -5 == 5"))
            #expect(report.jobs.count == 1)
            let job = try #require(report.jobs.first)
            #expect(job.name == "test (3.12)" && job.failedSteps == ["Run pytest -q"])
            #expect(job.tail?.contains("FAILED tests/test_cart.py::test_total - assert -5 == 5") == true)
            #expect(job.tail?.contains("\u{1B}") == false)
            #expect(job.tail?.contains("2024-05-01T") == false)
            #expect(report.failingCommands == ["pytest -q"])
            #expect(report.notes.isEmpty)
        }
        // The redirect was followed to the download URL, and the token stayed with the API.
        #expect(await github.state.logDownloads == [.init(job: 501, hadAuthorization: false)])
    }

    @Test func aRunStillInProgressIsNothingToDoYet() async throws {
        let github = GitHubTestServer()
        await github.state.addCheckRun("acme/shop", .init(id: 601, name: "test", headSHA: Self.sha, conclusion: "failure", actionsRun: 9))
        await github.state.addCheckRun("acme/shop", .init(id: 602, name: "e2e", headSHA: Self.sha, status: "in_progress", conclusion: nil, actionsRun: 9))
        try await github.run { server in
            let lookup = try await GitHubCIFailures(client: Self.client(server)).lookup(owner: "acme", name: "shop", headSHA: Self.sha)
            #expect(lookup == .pending(["e2e"]))
        }
    }

    @Test func aSuccessfulRunIsNothingToDo() async throws {
        let github = GitHubTestServer()
        await github.state.addCheckRun("acme/shop", .init(id: 701, name: "test", headSHA: Self.sha, conclusion: "success", actionsRun: 9))
        await github.state.addCheckRun("acme/shop", .init(id: 702, name: "docs", headSHA: Self.sha, conclusion: "skipped"))
        try await github.run { server in
            let lookup = try await GitHubCIFailures(client: Self.client(server)).lookup(owner: "acme", name: "shop", headSHA: Self.sha)
            #expect(lookup == .passed)
        }
    }

    @Test func anExpiredLogLeavesTheReportWithoutItAndANoteSayingSo() async throws {
        let github = GitHubTestServer()
        await Self.failedActionsRun(github, log: nil)
        try await github.run { server in
            let lookup = try await GitHubCIFailures(client: Self.client(server)).lookup(owner: "acme", name: "shop", headSHA: Self.sha)
            guard case .failed(let report) = lookup else { Issue.record("got \(lookup)"); return }
            #expect(report.checks.first?.annotations.count == 2)
            #expect(report.jobs.first?.tail == nil)
            #expect(report.notes.count == 1)
            #expect(report.notes.first?.contains("log of job test (3.12) is no longer available") == true)
        }
    }

    @Test func aWorkflowRunDeliveryNamesTheCommitAndTheRun() async throws {
        let body = Data("""
            {"action": "completed", "workflow_run": {"id": 77, "name": "CI", "head_branch": "fixloop/gh-acme-shop-3-cart",
             "head_sha": "\(Self.sha)", "status": "completed", "conclusion": "failure", "run_attempt": 1,
             "pull_requests": [{"number": 4, "head": {"ref": "fixloop/gh-acme-shop-3-cart", "sha": "\(Self.sha)"}, "base": {"ref": "main", "sha": "x"}}]},
             "repository": {"full_name": "acme/shop"}, "installation": {"id": 42}}
            """.utf8)
        let event = try #require(try GitHubCIEvent.decode(event: "workflow_run", body: body))
        #expect(event.isCompletedFailure && event.workflowRunID == 77 && event.pullRequests == [4])
        #expect(event.headBranch == "fixloop/gh-acme-shop-3-cart" && event.installation == 42 && event.repository == "acme/shop")

        let github = GitHubTestServer()
        await Self.failedActionsRun(github, log: Self.log)
        try await github.run { server in
            guard case .failed(let report) = try await GitHubCIFailures(client: Self.client(server)).lookup(event) else {
                Issue.record("not failed"); return
            }
            #expect(report.jobs.map(\.name) == ["test (3.12)"])
        }
    }

    @Test func checkRunAndCheckSuiteDeliveriesAreRead() throws {
        let run = Data("""
            {"action": "completed", "check_run": {"id": 501, "name": "test (3.12)", "head_sha": "\(Self.sha)", "status": "completed",
             "conclusion": "timed_out", "details_url": "https://github.com/acme/shop/actions/runs/77/job/501", "app": {"slug": "github-actions"},
             "check_suite": {"id": 9, "head_branch": "fixloop/x", "head_sha": "\(Self.sha)"}, "pull_requests": [{"number": 4}]},
             "repository": {"full_name": "acme/shop"}}
            """.utf8)
        let runEvent = try #require(try GitHubCIEvent.decode(event: "check_run", body: run))
        #expect(runEvent.isCompletedFailure && runEvent.workflowRunID == 77 && runEvent.headBranch == "fixloop/x")
        let suite = Data("""
            {"action": "completed", "check_suite": {"id": 9, "head_branch": "fixloop/x", "head_sha": "\(Self.sha)", "status": "completed",
             "conclusion": "success", "app": {"slug": "circleci"}, "pull_requests": []}, "repository": {"full_name": "acme/shop"}}
            """.utf8)
        let suiteEvent = try #require(try GitHubCIEvent.decode(event: "check_suite", body: suite))
        #expect(!suiteEvent.isCompletedFailure && suiteEvent.kind == .checkSuite && suiteEvent.pullRequests.isEmpty)
        #expect(try GitHubCIEvent.decode(event: "issues", body: Data("{}".utf8)) == nil)
        #expect(throws: GitHubError.self) { try GitHubCIEvent.decode(event: "check_run", body: Data("{\"action\": \"completed\"}".utf8)) }
    }
}
