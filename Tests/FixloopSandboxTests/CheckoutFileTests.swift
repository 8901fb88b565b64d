import Foundation
import Testing

@testable import FixloopSandbox

/// Reading a checkout's files on the host never follows a symbolic link (issue 14, item 2).
struct CheckoutFileTests {
    @Test func readsRegularFilesAndRefusesLinksAnywhereOnThePath() throws {
        let root = try SandboxSupport.temporaryDirectory("checkout-file")
        defer { try? FileManager.default.removeItem(at: root) }
        let checkout = root.appendingPathComponent("checkout")
        try FileManager.default.createDirectory(at: checkout.appendingPathComponent("real"), withIntermediateDirectories: true)
        try "inside\n".write(to: checkout.appendingPathComponent("real/settings.toml"), atomically: true, encoding: .utf8)
        try "host secret\n".write(to: root.appendingPathComponent("secret"), atomically: true, encoding: .utf8)
        let links = FileManager.default
        try links.createSymbolicLink(atPath: checkout.appendingPathComponent("file-link").path, withDestinationPath: root.appendingPathComponent("secret").path)
        try links.createSymbolicLink(atPath: checkout.appendingPathComponent("folder-link").path, withDestinationPath: root.path)
        try links.createSymbolicLink(atPath: checkout.appendingPathComponent("inside-link").path, withDestinationPath: "real/settings.toml")

        #expect(try CheckoutFile.read("real/settings.toml", in: checkout, maxBytes: 1024) == Data("inside\n".utf8))
        #expect(try CheckoutFile.read("missing.toml", in: checkout, maxBytes: 1024) == nil)
        #expect(try CheckoutFile.read("missing/x.toml", in: checkout, maxBytes: 1024) == nil)
        #expect(throws: CheckoutFile.Refusal.symbolicLink("file-link")) { try CheckoutFile.read("file-link", in: checkout, maxBytes: 1024) }
        #expect(throws: CheckoutFile.Refusal.symbolicLink("folder-link")) { try CheckoutFile.read("folder-link/secret", in: checkout, maxBytes: 1024) }
        #expect(throws: CheckoutFile.Refusal.symbolicLink("inside-link"), "links inside the checkout are refused too") {
            try CheckoutFile.read("inside-link", in: checkout, maxBytes: 1024)
        }
        #expect(throws: CheckoutFile.Refusal.notRegularFile) { try CheckoutFile.read("real", in: checkout, maxBytes: 1024) }
        #expect(throws: CheckoutFile.Refusal.tooLarge(3)) { try CheckoutFile.read("real/settings.toml", in: checkout, maxBytes: 3) }
    }
}
