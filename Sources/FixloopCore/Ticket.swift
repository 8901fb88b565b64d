/// Where a ticket comes from, as typed on the command line.
public enum TicketReference: Sendable, Hashable, CustomStringConvertible {
    /// A Markdown or JSON file.
    case file(path: String)
    /// Standard input (`-`).
    case standardInput
    /// `gh:OWNER/NAME#N`.
    case github(owner: String, name: String, number: Int)
    /// `linear:KEY-N`.
    case linear(identifier: String)
    /// `local:N`, a ticket in the store.
    case local(id: Int)

    /// Parses `gh:o/r#12`, `linear:ENG-42`, `local:7`, `-`, or a path.
    /// - Throws: ``TicketReferenceError`` naming what was wrong and the accepted forms.
    public init(parsing text: String) throws {
        if text == "-" {
            self = .standardInput
        } else if text.hasPrefix("gh:") {
            let rest = text.dropFirst(3)
            guard let hash = rest.lastIndex(of: "#"), let number = Int(rest[rest.index(after: hash)...]), number > 0 else {
                throw TicketReferenceError(text: text, reason: "a GitHub issue is written gh:OWNER/NAME#NUMBER")
            }
            let parts = rest[..<hash].split(separator: "/")
            guard parts.count == 2 else {
                throw TicketReferenceError(text: text, reason: "a GitHub issue is written gh:OWNER/NAME#NUMBER")
            }
            self = .github(owner: String(parts[0]), name: String(parts[1]), number: number)
        } else if text.hasPrefix("linear:") {
            let key = String(text.dropFirst(7))
            let parts = key.split(separator: "-")
            guard parts.count == 2, !parts[0].isEmpty, Int(parts[1]) != nil else {
                throw TicketReferenceError(text: text, reason: "a Linear issue is written linear:TEAM-NUMBER")
            }
            self = .linear(identifier: key.uppercased())
        } else if text.hasPrefix("local:") {
            guard let id = Int(text.dropFirst(6)), id > 0 else {
                throw TicketReferenceError(text: text, reason: "a stored ticket is written local:NUMBER")
            }
            self = .local(id: id)
        } else if text.isEmpty {
            throw TicketReferenceError(text: text, reason: "it is empty")
        } else {
            self = .file(path: text)
        }
    }

    public var description: String {
        switch self {
        case .file(let path): return path
        case .standardInput: return "-"
        case .github(let owner, let name, let number): return "gh:\(owner)/\(name)#\(number)"
        case .linear(let identifier): return "linear:\(identifier)"
        case .local(let id): return "local:\(id)"
        }
    }

    /// A short, branch-safe key: `gh-o-r-12`, `ENG-42`, `local-7`, or the file's base name.
    public var slugKey: String {
        switch self {
        case .github(let owner, let name, let number): return "gh-\(owner)-\(name)-\(number)"
        case .linear(let identifier): return identifier
        case .local(let id): return "local-\(id)"
        case .standardInput: return "stdin"
        case .file(let path):
            let base = path.split(separator: "/").last.map(String.init) ?? path
            return String(base.split(separator: ".").first ?? Substring(base))
        }
    }
}

/// A ticket reference that could not be parsed.
public struct TicketReferenceError: FixloopError, Equatable {
    public let text: String
    public let reason: String
    public var code: String { "ticket.invalid_reference" }
    public var message: String {
        "The ticket '\(text)' is not understood: \(reason); use a file, -, gh:OWNER/NAME#N, linear:KEY-N or local:N."
    }
}

/// A bug report as the engineer receives it, whatever tracker it came from.
public struct Ticket: Sendable, Equatable, Codable {
    /// Where it came from, as text (`gh:o/r#12`, a path…).
    public var reference: String
    public var title: String
    public var body: String
    /// The repository to fix, when the ticket names one.
    public var repository: String?
    /// The commit or branch to start from, when the ticket names one.
    public var commit: String?
    public var labels: [String]
    /// Stack traces, log lines and error messages attached to the ticket.
    public var evidence: [String]
    /// The planner's pattern behind the ticket, for tickets the planner filed in the local store.
    public var pattern: PatternEvidence?
    /// A link for people (the issue page).
    public var url: String?
    /// The comments on the ticket, oldest first, bots' and Fixloop's own left out.
    public var conversation: [TicketComment] = []
    /// The text after `/fixloop fix` in the comment that asked for this run, from a writer.
    public var requestText: String?

    public init(
        reference: String, title: String, body: String, repository: String? = nil, commit: String? = nil,
        labels: [String] = [], evidence: [String] = [], url: String? = nil, pattern: PatternEvidence? = nil
    ) {
        self.reference = reference
        self.title = title
        self.body = body
        self.repository = repository
        self.commit = commit
        self.labels = labels
        self.evidence = evidence
        self.url = url
        self.pattern = pattern
    }

    /// Title, body, evidence, the conversation and the request as one text, for localization and prompts.
    public var fullText: String {
        ([title, body] + evidence + conversation.map(\.body) + [requestText].compactMap { $0 }).joined(separator: "\n\n")
    }
}

extension Ticket {
    enum CodingKeys: String, CodingKey {
        case reference, title, body, repository, commit, labels, evidence, pattern, url, conversation, requestText
    }

    /// Decodes tickets written before the conversation was kept (no `conversation`, no `requestText`).
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            reference: try values.decode(String.self, forKey: .reference), title: try values.decode(String.self, forKey: .title),
            body: try values.decode(String.self, forKey: .body), repository: try values.decodeIfPresent(String.self, forKey: .repository),
            commit: try values.decodeIfPresent(String.self, forKey: .commit), labels: try values.decode([String].self, forKey: .labels),
            evidence: try values.decode([String].self, forKey: .evidence), url: try values.decodeIfPresent(String.self, forKey: .url),
            pattern: try values.decodeIfPresent(PatternEvidence.self, forKey: .pattern))
        conversation = try values.decodeIfPresent([TicketComment].self, forKey: .conversation) ?? []
        requestText = try values.decodeIfPresent(String.self, forKey: .requestText)
    }
}
