import FixloopCore
import Foundation
import Testing

/// `TicketText`'s bounds: what is refused as binary, and a summary that keeps evidence within the budget.
struct TicketTextBoundsTests {
    @Test func aShortTicketIsUnchanged() {
        let ticket = Ticket(reference: "t.md", title: "Total", body: "It is negative.\n```\nFile \"a.py\", line 2\n```", evidence: ["File \"a.py\", line 2"])
        #expect(TicketText.bounded(ticket, limits: TicketLimits()) == ticket)
    }

    @Test(arguments: [
        (Data("café au lait".utf8), true), (Data([0x63, 0x61, 0x66, 0xE9]) + Data(String(repeating: "plain text ", count: 20).utf8), true),
        (Data("nul\0byte".utf8), false), (Data((0..<2000).map { UInt8(0x80 | ($0 % 64)) }), false),
    ])
    func binaryTextIsRefusedAndAStrayLatinOneByteIsNot(data: Data, accepted: Bool) {
        let decoded = try? TicketText.decode(data, reference: "t.md", limits: TicketLimits())
        #expect((decoded != nil) == accepted)
    }

    @Test func evidenceLinesAreRecognised() {
        for line in ["  at Cart.total (cart.js:12:5)", "  File \"shop/cart.py\", line 5, in total", "#3 0x0000 in main () at main.c:10",
                     "AssertionError: -5 != 5", "FAILED tests/test_cart.py::test_total", "Sources/Shop/Cart.swift:42: error: boom"] {
            #expect(TicketText.bounded(Ticket(reference: "t", title: "t", body: String(repeating: "noise line\n", count: 10_000) + line
                + "\n" + String(repeating: "noise line\n", count: 10_000)), limits: TicketLimits()).body.contains(line), "\(line)")
        }
    }
}
