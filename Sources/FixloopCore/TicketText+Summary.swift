import Foundation

extension TicketText {
    /// Lines longer than this are cut before summarising (a minified bundle or a base64 blob is no evidence).
    static let longestLine = 1000
    /// Titles longer than this are cut.
    static let longestTitle = 200

    /// The ticket as the model sees it: unchanged when title, body and evidence fit in `limits.maxTicketBytes`;
    /// otherwise the body keeps its head, its tail and the lines between that look like evidence (stack frames,
    /// errors, test names), with a note of what was cut, and evidence blocks are kept while they fit. Deterministic;
    /// no model call.
    public static func bounded(_ ticket: Ticket, limits: TicketLimits) -> Ticket {
        let budget = limits.maxTicketBytes
        var bounded = ticket
        if bounded.title.utf8.count > longestTitle { bounded.title = cut(bounded.title, to: longestTitle) + " …" }
        let total = bounded.title.utf8.count + bounded.body.utf8.count + bounded.evidence.reduce(0) { $0 + $1.utf8.count }
        guard total > budget else { return bounded }
        let available = max(budget - bounded.title.utf8.count - 128, 1024)
        let evidenceBudget = available / 4
        bounded.body = summarise(bounded.body, budget: available - evidenceBudget, ticketBytes: total, limit: budget)
        var kept: [String] = []
        var used = 0
        var left = 0
        for (index, block) in ticket.evidence.enumerated() {
            if index >= 200 { left += 1; continue }
            if bounded.body.contains(block) { kept.append(block); continue }
            let room = evidenceBudget - used
            let piece = block.utf8.count <= room ? block : (room >= 512 ? summarise(block, budget: room, ticketBytes: nil, limit: budget) : nil)
            guard let piece else { left += 1; continue }
            kept.append(piece)
            used += piece.utf8.count
        }
        bounded.evidence = kept
        if left > 0 { bounded.body += "\n[Fixloop left out \(left) evidence block(s) to keep the ticket within \(size(budget)).]" }
        return bounded
    }

    /// `text` within `budget` bytes: head (30 %), evidence-like lines from the middle, tail (20 %), and a note.
    static func summarise(_ text: String, budget: Int, ticketBytes: Int?, limit: Int) -> String {
        guard text.utf8.count > budget else { return text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.utf8.count > longestLine ? cut(String($0), to: longestLine) + " …[line cut]" : String($0) }
        let room = max(budget - 400, 256)
        var head = 0, headBytes = 0
        while head < lines.count, headBytes + lines[head].utf8.count + 1 <= room * 3 / 10 {
            headBytes += lines[head].utf8.count + 1
            head += 1
        }
        var tail = lines.count, tailBytes = 0
        while tail > head, tailBytes + lines[tail - 1].utf8.count + 1 <= room * 2 / 10 {
            tailBytes += lines[tail - 1].utf8.count + 1
            tail -= 1
        }
        var middle: [String] = []
        var seen: Set<String> = []
        var middleBytes = 0
        let middleRoom = room - headBytes - tailBytes
        for line in lines[head..<tail] where looksLikeEvidence(line) && !seen.contains(line) {
            guard middleBytes + line.utf8.count + 1 <= middleRoom else { break }
            seen.insert(line)
            middle.append(line)
            middleBytes += line.utf8.count + 1
        }
        let cutLines = tail - head - middle.count
        let whole = ticketBytes.map { "This ticket is \(size($0)), more than the \(size(limit)) the model is shown: " } ?? ""
        let note = "[… \(whole)Fixloop kept the first \(head) and the last \(lines.count - tail) lines and \(middle.count) of the "
            + "\(tail - head) lines between that look like evidence (stack frames, errors, test names); \(cutLines) lines were cut. …]"
        return (lines[..<head] + [note] + middle + (middle.isEmpty ? [] : ["[… end of the cut …]"]) + lines[tail...]).joined(separator: "\n")
    }

    /// Whether a line looks like evidence: a stack frame, an error or assertion, a test name, a `file:line` position.
    static func looksLikeEvidence(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return false }
        if trimmed.hasPrefix("at ") || trimmed.hasPrefix("File \"") || trimmed.hasPrefix("Traceback") { return true }
        if trimmed.first == "#", trimmed.dropFirst().first?.isNumber == true { return true }
        let lower = trimmed.lowercased()
        for word in ["error", "exception", "panic", "fatal", "assert", "fail", "traceback", "test_", "::test", "expected", "crash", "segmentation"]
            where lower.contains(word) { return true }
        return hasFilePosition(trimmed)
    }

    /// `name.ext:12` somewhere in the line.
    static func hasFilePosition(_ line: String) -> Bool {
        let scalars = Array(line.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if scalars[index] == ":", index + 1 < scalars.count, ("0"..."9").contains(scalars[index + 1]), index > 2 {
                var back = index - 1
                while back > 0, CharacterSet.alphanumerics.contains(scalars[back]) { back -= 1 }
                if scalars[back] == ".", back < index - 1 { return true }
            }
            index += 1
        }
        return false
    }

    /// The longest prefix of `text` of at most `bytes` UTF-8 bytes that ends on a character boundary.
    static func cut(_ text: String, to bytes: Int) -> String {
        var result = ""
        var count = 0
        for character in text {
            let size = character.utf8.count
            if count + size > bytes { break }
            result.append(character)
            count += size
        }
        return result
    }
}
