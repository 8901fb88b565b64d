import FixloopCore
import FixloopServer
import Foundation
import Testing

/// The revision triggers on Fixloop's own pull requests, as a pure decision.
struct RevisionTriggerTests {
    static func payload(_ json: String) throws -> GitHubWebhookPayload { try GitHubWebhookPayload.decode(Data(json.utf8)) }
    static let branch = "fixloop/gh-acme-shop-1-total"

    static func reviewComment(login: String = "alice", type: String = "User", association: String = "MEMBER", body: String = "Rename it.",
                              head: String = branch, labels: String = #"[{"name": "fixloop"}]"#, commit: String = "abc", headSHA: String = "abc") -> String {
        let text = String(data: try! JSONEncoder().encode(body), encoding: .utf8)!
        return """
            {"action": "created", "pull_request": {"number": 2, "head": {"ref": "\(head)", "sha": "\(headSHA)"}, "labels": \(labels)},
             "comment": {"id": 91, "body": \(text), "user": {"login": "\(login)", "type": "\(type)"}, "author_association": "\(association)", "commit_id": "\(commit)"},
             "repository": {"full_name": "acme/shop"}, "sender": {"login": "\(login)"}, "installation": {"id": 42}}
            """
    }

    @Test func aWritersReviewCommentQueuesARevisionRoundOfThePullRequest() throws {
        let action = TriggerDecision.decide(event: "pull_request_review_comment", payload: try Self.payload(Self.reviewComment()), settings: TriggerSettings())
        guard case .command(.revise(let request), .granted) = action else { Issue.record("\(action)"); return }
        #expect(request.ticket == "gh:acme/shop#2" && request.kind == .revision && request.trigger == "a review comment by alice")
        #expect(request.installationID == 42 && request.maxRounds == 3)
    }

    @Test func aReadersCommentIsAskedOfThePermissionAPI() throws {
        let action = TriggerDecision.decide(event: "pull_request_review_comment", payload: try Self.payload(Self.reviewComment(login: "rita", association: "NONE")),
                                            settings: TriggerSettings())
        guard case .command(.revise, .ask(let owner, let name, let user)) = action else { Issue.record("\(action)"); return }
        #expect(owner == "acme" && name == "shop" && user == "rita")
    }

    @Test(arguments: [
        (reviewComment(login: "lint-bot[bot]"), "a bot's comment"),
        (reviewComment(type: "Bot"), "a bot's comment"),
        (reviewComment(body: "<!-- fixloop:revision answered=1 -->\nDone."), "Fixloop's own comment"),
        (reviewComment(head: "feature/x"), "not one of Fixloop's pull requests (branch feature/x)"),
        (reviewComment(labels: "[]"), "not one of Fixloop's pull requests (no fixloop label)"),
        (reviewComment(commit: "old"), "a review comment older than the pull request's last push"),
    ])
    func botsFixloopItselfOtherPullRequestsAndStaleCommentsAreIgnored(json: String, reason: String) throws {
        #expect(TriggerDecision.decide(event: "pull_request_review_comment", payload: try Self.payload(json), settings: TriggerSettings()) == .ignore(reason))
    }

    @Test func onlyAReviewThatRequestsChangesQueuesARound() throws {
        func review(_ state: String) -> String {
            """
            {"action": "submitted", "pull_request": {"number": 2, "head": {"ref": "\(Self.branch)"}, "labels": [{"name": "fixloop"}]},
             "review": {"id": 5, "state": "\(state)", "body": "Needs a test.", "user": {"login": "alice", "type": "User"}, "author_association": "OWNER"},
             "repository": {"full_name": "acme/shop"}, "sender": {"login": "alice"}}
            """
        }
        let changes = TriggerDecision.decide(event: "pull_request_review", payload: try Self.payload(review("changes_requested")), settings: TriggerSettings())
        guard case .command(.revise(let request), .granted) = changes else { Issue.record("\(changes)"); return }
        #expect(request.trigger == "changes requested by alice")
        #expect(TriggerDecision.triggerKey(event: "pull_request_review", payload: try Self.payload(review("changes_requested"))) == "github pull_request_review.submitted acme/shop#2 review=5")
        #expect(TriggerDecision.decide(event: "pull_request_review", payload: try Self.payload(review("approved")), settings: TriggerSettings())
                == .ignore("a review that requests no changes"))
    }

    @Test(arguments: [("/fixloop fix", nil), ("/fixloop use a dict here", "use a dict here"), ("/fixloop fix and add a test", "and add a test")] as [(String, String?)])
    func aFixloopCommentOnThePullRequestPassesItsText(body: String, text: String?) throws {
        let json = """
            {"action": "created", "issue": {"number": 2, "pull_request": {"url": "x"}, "labels": [{"name": "fixloop"}]},
             "comment": {"id": 3, "body": "\(body)", "user": {"login": "bob", "type": "User"}, "author_association": "COLLABORATOR"},
             "repository": {"full_name": "acme/shop"}, "sender": {"login": "bob"}}
            """
        let action = TriggerDecision.decide(event: "issue_comment", payload: try Self.payload(json), settings: TriggerSettings())
        guard case .command(.revise(let request), .granted) = action else { Issue.record("\(action)"); return }
        #expect(request.requestText == text && request.ticket == "gh:acme/shop#2")
    }
}
