import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// A ticket's branch is the one stored when it was first taken, whatever name later runs propose (`runs.v2`).
struct TicketBranchStoreTests {
    @Test func theFirstBranchOfATicketIsKeptAndOtherTicketsGetTheirOwn() async throws {
        try await withTemporaryDirectory("fixloop-branches") { root in
            let url = root.appendingPathComponent("fixloop.sqlite")
            let store = SQLiteRunStore(database: try FixloopDatabase(url: url))
            let first = try store.branch(ticket: "gh:acme/shop#3", repository: "acme/shop", proposed: "fixloop/gh-acme-shop-3-cart-total-is-negative")
            let renamed = try store.branch(ticket: "gh:acme/shop#3", repository: "acme/shop", proposed: "fixloop/gh-acme-shop-3-checkout-shows-a-wrong-sum")
            #expect(first == "fixloop/gh-acme-shop-3-cart-total-is-negative" && renamed == first)
            let reopened = SQLiteRunStore(database: try FixloopDatabase(url: url))
            #expect(try reopened.branch(ticket: "gh:acme/shop#3", repository: "acme/shop", proposed: "fixloop/other") == first, "kept across processes")
            #expect(try reopened.branch(ticket: "gh:acme/shop#4", repository: "acme/shop", proposed: "fixloop/gh-acme-shop-4-x") == "fixloop/gh-acme-shop-4-x")
            #expect(try reopened.branch(ticket: "gh:acme/shop#3", repository: "acme/fork", proposed: "fixloop/fork") == "fixloop/fork")
        }
    }
}
