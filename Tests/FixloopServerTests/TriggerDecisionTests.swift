import FixloopCore
import FixloopServer
import Foundation
import Testing

struct TriggerDecisionTests {
    static func payload(_ json: String) throws -> GitHubWebhookPayload { try GitHubWebhookPayload.decode(Data(json.utf8)) }

    static func comment(_ body: String, association: String, user: String = "bob") -> String {
        """
        {"action": "created", "issue": {"number": 7, "title": "Total is wrong"}, "repository": {"full_name": "acme/shop"},
         "comment": {"body": \(String(data: try! JSONEncoder().encode(body), encoding: .utf8)!), "user": {"login": "\(user)", "type": "User"}, "author_association": "\(association)"},
         "sender": {"login": "\(user)"}, "installation": {"id": 42}}
        """
    }

    @Test func theConfiguredLabelQueuesAFix() throws {
        let json = #"{"action": "labeled", "issue": {"number": 7}, "label": {"name": "fixloop"}, "repository": {"full_name": "acme/shop"}, "sender": {"login": "alice"}, "installation": {"id": 42}}"#
        let action = TriggerDecision.decide(event: "issues", payload: try Self.payload(json), settings: TriggerSettings())
        var request = JobRequest(ticket: "gh:acme/shop#7", repository: "acme/shop", trigger: "labelled fixloop by alice", installationID: 42)
        request.requester = "alice"
        #expect(action == .command(.fix(request), permission: .granted))
        let other = TriggerDecision.decide(event: "issues", payload: try Self.payload(json), settings: TriggerSettings(label: "autofix"))
        #expect(other == .ignore("label fixloop is not autofix"))
    }

    @Test func aCommandFromAWriterIsGrantedAndFromOthersAskedOfTheAPI() throws {
        let owner = TriggerDecision.decide(event: "issue_comment", payload: try Self.payload(Self.comment("/fixloop fix", association: "OWNER")), settings: TriggerSettings())
        guard case .command(.fix(let request), .granted) = owner else { Issue.record("\(owner)"); return }
        #expect(request.trigger == "/fixloop fix by bob")
        let stranger = TriggerDecision.decide(event: "issue_comment", payload: try Self.payload(Self.comment("/fixloop stop", association: "NONE")), settings: TriggerSettings())
        #expect(stranger == .command(.stop(ticket: "gh:acme/shop#7", by: "bob"), permission: .ask(owner: "acme", name: "shop", user: "bob")))
    }

    @Test func aFixCommandNamesWhoAskedAndTheCommentThatGetsTheReaction() throws {
        let json = Self.comment("/fixloop fix", association: "OWNER", user: "carol").replacingOccurrences(of: #""comment": {"#, with: #""comment": {"id": 901, "#)
        let action = TriggerDecision.decide(event: "issue_comment", payload: try Self.payload(json), settings: TriggerSettings())
        guard case .command(.fix(let request), .granted) = action else { Issue.record("\(action)"); return }
        #expect(request.requester == "carol" && request.triggerCommentID == 901)
    }

    @Test(arguments: [
        ("/fixloop fix", nil), ("/fixloop fix keep the API\nand add a test", "keep the API\nand add a test"),
        ("/FIXLOOP Retry  with the cache off ", "with the cache off"), ("/fixloop fix <!-- hidden --> \u{200B}", nil),
    ] as [(String, String?)])
    func aFixCommandPassesTheTextAfterItToTheJob(body: String, text: String?) throws {
        let action = TriggerDecision.decide(event: "issue_comment", payload: try Self.payload(Self.comment(body, association: "OWNER")), settings: TriggerSettings())
        guard case .command(.fix(let request), .granted) = action else { Issue.record("\(action)"); return }
        #expect(request.requestText == text)
    }

    @Test(arguments: [
        ("/fixloop fix", "fix"), ("  /FIXLOOP retry please\nthanks", "retry"), ("/fixloop stop", "stop"),
        ("<!-- /fixloop fix -->\nlooks good", nil), ("/fix\u{200B}loop fix", "fix"), ("please /fixloop fix", nil), ("/fixloop deploy", nil),
    ] as [(String, String?)])
    func readsTheCommandOnTheFirstVisibleLine(body: String, verb: String?) {
        #expect(TriggerDecision.command(in: body) == verb)
    }

    @Test func pullRequestsPingsAndOtherEventsAreIgnored() throws {
        let pull = #"{"action": "labeled", "issue": {"number": 7, "pull_request": {"url": "x"}}, "label": {"name": "fixloop"}, "repository": {"full_name": "acme/shop"}}"#
        #expect(TriggerDecision.decide(event: "issues", payload: try Self.payload(pull), settings: TriggerSettings()) == .ignore("a pull request, not an issue"))
        #expect(TriggerDecision.decide(event: "ping", payload: try Self.payload("{}"), settings: TriggerSettings()) == .ignore("ping"))
        let closed = #"{"action": "closed", "issue": {"number": 7}, "repository": {"full_name": "acme/shop"}}"#
        #expect(TriggerDecision.decide(event: "issues", payload: try Self.payload(closed), settings: TriggerSettings()) == .ignore("event issues.closed is not a trigger"))
    }
}
