import FixloopCore
import Foundation

/// Reads a ticket from a file or standard input: JSON (`title`, `body`, optional `repo`, `commit`, `labels`,
/// `evidence`) or Markdown (the first `# ` heading is the title; an optional front matter block between `---`
/// lines sets `repo:`, `commit:`, `labels:`; fenced code blocks become evidence).
public enum TicketFileReader {
    /// Parses ticket text.
    /// - Parameters:
    ///   - text: the file's content.
    ///   - reference: how the ticket was named (kept on the ticket).
    /// - Throws: ``EngineerError`` when JSON is malformed or the ticket has no title and no body.
    public static func parse(_ text: String, reference: String) throws -> Ticket {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") { return try parseJSON(trimmed, reference: reference) }
        return try parseMarkdown(trimmed, reference: reference)
    }

    /// Reads and parses the file at `path`, refusing one larger than `limits.maxReadBytes` before reading it, and one
    /// that is not text.
    /// - Throws: ``EngineerError`` when it cannot be read; ``TicketContentError`` when it is too large or binary.
    public static func read(path: String, limits: TicketLimits = TicketLimits()) throws -> Ticket {
        // The file's name, not its path: the reference reaches prompts and commit trailers, where a home folder is noise.
        let reference = (path as NSString).lastPathComponent
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw EngineerError(.ticketUnreadable, "The ticket file \(path) cannot be read; check the path.")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limits.maxReadBytes + 1) ?? Data()
        } catch {
            throw EngineerError(.ticketUnreadable, "The ticket file \(path) cannot be read; check the path.")
        }
        if data.count > limits.maxReadBytes {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? data.count
            throw TicketContentError.tooLarge(reference, bytes: size, limit: limits.maxReadBytes)
        }
        return try parse(TicketText.decode(data, reference: reference, limits: limits), reference: reference)
    }

    private struct JSONTicket: Decodable {
        var title: String?
        var body: String?
        var repo: String?
        var repository: String?
        var commit: String?
        var labels: [String]?
        var evidence: [String]?
        var url: String?
    }

    private static func parseJSON(_ text: String, reference: String) throws -> Ticket {
        let decoded: JSONTicket
        do {
            decoded = try JSONDecoder().decode(JSONTicket.self, from: Data(text.utf8))
        } catch {
            throw EngineerError(.ticketInvalid, "The ticket \(reference) is not valid JSON (\(describe(error))); fix it or write it as Markdown.")
        }
        return try validated(Ticket(
            reference: reference, title: decoded.title ?? "", body: decoded.body ?? "",
            repository: decoded.repo ?? decoded.repository, commit: decoded.commit, labels: decoded.labels ?? [],
            evidence: decoded.evidence ?? [], url: decoded.url))
    }

    private static func parseMarkdown(_ text: String, reference: String) throws -> Ticket {
        var lines = text.components(separatedBy: "\n")
        var fields: [String: String] = [:]
        if lines.first?.trimmingCharacters(in: .whitespaces) == "---",
           let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) {
            for line in lines[1..<end] {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] =
                    line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            lines.removeSubrange(0...end)
        }
        var title = fields["title"] ?? ""
        if title.isEmpty, let index = lines.firstIndex(where: { $0.hasPrefix("# ") }) {
            title = String(lines[index].dropFirst(2)).trimmingCharacters(in: .whitespaces)
            lines.remove(at: index)
        }
        let body = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let labels = (fields["labels"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            .split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"'")) }.filter { !$0.isEmpty }
        return try validated(Ticket(
            reference: reference, title: title, body: body, repository: fields["repo"] ?? fields["repository"],
            commit: fields["commit"], labels: labels, evidence: codeBlocks(in: body)))
    }

    /// The contents of fenced code blocks: where stack traces and logs usually are.
    static func codeBlocks(in text: String) -> [String] {
        var blocks: [String] = []
        var current: [String]?
        for line in text.components(separatedBy: "\n") {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                if let block = current {
                    blocks.append(block.joined(separator: "\n"))
                    current = nil
                } else {
                    current = []
                }
            } else {
                current?.append(line)
            }
        }
        return blocks.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }

    private static func validated(_ ticket: Ticket) throws -> Ticket {
        guard !ticket.title.isEmpty || !ticket.body.isEmpty else {
            throw EngineerError(.ticketInvalid, "The ticket \(ticket.reference) has neither a title nor a body; describe the bug.")
        }
        var ticket = ticket
        if ticket.title.isEmpty {
            ticket.title = String(ticket.body.split(separator: "\n").first ?? "").prefix(80).description
        }
        return ticket
    }

    private static func describe(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        if case DecodingError.typeMismatch(_, let context) = error {
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        }
        return "malformed"
    }
}
