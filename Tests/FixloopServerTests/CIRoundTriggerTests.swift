import FixloopCore
@testable import FixloopServer
import Foundation
import Testing

/// Which CI deliveries ask for a CI round, as a pure decision: a failed check run, check suite or workflow run on a
/// `fixloop/` branch with a pull request; every delivery of one head commit under one key.
struct CIRoundTriggerTests {
    static let branch = "fixloop/gh-acme-shop-1-total"

    static func workflowRun(conclusion: String = "failure", action: String = "completed", branch: String = branch) -> String {
        """
        {"action": "\(action)", "repository": {"full_name": "acme/shop"}, "installation": {"id": 42},
         "workflow_run": {"id": 901, "name": "CI", "head_branch": "\(branch)", "head_sha": "abc123", "status": "completed",
                          "conclusion": "\(conclusion)", "pull_requests": [{"number": 2}]}}
        """
    }

    static func checkSuite(conclusion: String = "failure") -> String {
        """
        {"action": "completed", "repository": {"full_name": "acme/shop"},
         "check_suite": {"id": 77, "head_branch": "\(branch)", "head_sha": "abc123", "status": "completed", "conclusion": "\(conclusion)",
                         "pull_requests": [{"number": 2}]}}
        """
    }

    static func decide(_ event: String, _ json: String) -> CIRoundDecision? {
        TriggerDecision.ciRound(event: event, body: Data(json.utf8), settings: TriggerSettings(maxRounds: 4))
    }

    @Test func aFailedWorkflowRunAndCheckSuiteOfOneHeadAreOneCIRoundOfThePullRequest() throws {
        guard case .round(let request, let key)? = Self.decide("workflow_run", Self.workflowRun()) else {
            Issue.record("no round")
            return
        }
        #expect(request.kind == .ci && request.ticket == "gh:acme/shop#2" && request.installationID == 42 && request.maxRounds == 4)
        guard case .round(_, let suiteKey)? = Self.decide("check_suite", Self.checkSuite()) else {
            Issue.record("no round")
            return
        }
        #expect(key == suiteKey)
    }

    @Test(arguments: [
        ("workflow_run", CIRoundTriggerTests.workflowRun(conclusion: "success")),
        ("workflow_run", CIRoundTriggerTests.workflowRun(conclusion: "cancelled")),
        ("workflow_run", CIRoundTriggerTests.workflowRun(action: "requested")),
        ("workflow_run", CIRoundTriggerTests.workflowRun(branch: "main")),
        ("check_suite", CIRoundTriggerTests.checkSuite(conclusion: "neutral")),
    ])
    func passedCancelledUnfinishedOrForeignCIIsIgnored(event: String, json: String) {
        guard case .ignore? = Self.decide(event, json) else {
            Issue.record("\(event) asked for a round")
            return
        }
    }

    @Test func otherEventsAreNotCIDeliveries() {
        #expect(Self.decide("issues", #"{"action": "labeled"}"#) == nil)
    }
}
