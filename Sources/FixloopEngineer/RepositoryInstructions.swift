import FixloopSandbox
import Foundation

/// A repository's own instructions for coding agents — `AGENTS.md`, else `CLAUDE.md`, else
/// `.github/copilot-instructions.md` at its root — as the task prompt shows them.
///
/// The text is the repository's, so it is untrusted: the prompt marks it as such, it informs the model and does not
/// override the system prompt. It is read without following symbolic links (``CheckoutFile``): a linked file is
/// skipped for the next name, so a link to a host file is never read. Long files are cut at ``maxBytes``.
public struct RepositoryInstructions: Sendable, Equatable {
    /// The names looked for, in order, relative to the repository's root.
    public static let names = ["AGENTS.md", "CLAUDE.md", ".github/copilot-instructions.md"]
    /// The most bytes shown to the model.
    public static let maxBytes = 8 << 10
    /// Files larger than this are not read at all.
    static let maxFileBytes = 1 << 20

    /// The file the text came from (`AGENTS.md`).
    public var file: String
    /// The text, at most ``maxBytes`` bytes of it.
    public var text: String
    /// True when the file was longer and ``text`` is its beginning.
    public var cut: Bool

    /// The first of ``names`` in `root` that is a regular file (not a link, not too large), or nil.
    /// - Parameter skipped: called with each name passed over and why (a link, not a regular file, too large).
    public static func read(in root: URL, skipped: (String, String) -> Void = { _, _ in }) -> RepositoryInstructions? {
        for name in names {
            let data: Data?
            do {
                data = try CheckoutFile.read(name, in: root, maxBytes: maxFileBytes)
            } catch CheckoutFile.Refusal.symbolicLink(let path) {
                skipped(name, "\(path) is a symbolic link, which is not followed")
                continue
            } catch {
                skipped(name, "\(error)")
                continue
            }
            guard let data else { continue }
            let (text, cut) = beginning(of: data)
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            return RepositoryInstructions(file: name, text: text, cut: cut)
        }
        return nil
    }

    /// The first ``maxBytes`` of `data` as text, cut after the last whole line that fits.
    static func beginning(of data: Data) -> (String, Bool) {
        guard data.count > maxBytes else { return (String(decoding: data, as: UTF8.self), false) }
        var head = data.prefix(maxBytes)
        if let newline = head.lastIndex(of: UInt8(ascii: "\n")) { head = head[..<newline] }
        // A multi-byte character split at the limit decodes as U+FFFD; drop it rather than show it.
        let text = String(decoding: head, as: UTF8.self)
        return (text.hasSuffix("\u{FFFD}") ? String(text.dropLast()) : text, true)
    }
}
