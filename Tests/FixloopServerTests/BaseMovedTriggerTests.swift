@testable import FixloopServer
import Foundation
import Testing

/// Which `push` deliveries move the base of Fixloop's pull requests (and so may start rebase rounds).
struct BaseMovedTriggerTests {
    static func push(ref: String = "refs/heads/main", deleted: Bool = false) -> Data {
        Data("""
        {"ref": "\(ref)", "before": "1111", "after": "2222", "deleted": \(deleted),
         "repository": {"full_name": "acme/shop", "default_branch": "main"}, "installation": {"id": 42}}
        """.utf8)
    }

    @Test func aPushToTheDefaultBranchMovesTheBase() {
        #expect(TriggerDecision.baseMoved(event: "push", body: Self.push())
            == .moved(BaseMove(repository: "acme/shop", branch: "main", head: "2222", installation: 42)))
    }

    @Test func pushesToOtherBranchesTagsAndDeletionsAreIgnored() {
        for body in [Self.push(ref: "refs/heads/fixloop/gh-acme-shop-1-total"), Self.push(ref: "refs/tags/v1"), Self.push(deleted: true)] {
            guard case .ignore? = TriggerDecision.baseMoved(event: "push", body: body) else {
                Issue.record("not ignored: \(String(decoding: body, as: UTF8.self))")
                continue
            }
        }
        #expect(TriggerDecision.baseMoved(event: "issues", body: Self.push()) == nil)
        guard case .ignore? = TriggerDecision.baseMoved(event: "push", body: Data("{}".utf8)) else {
            Issue.record("an unreadable push was not ignored")
            return
        }
    }
}
