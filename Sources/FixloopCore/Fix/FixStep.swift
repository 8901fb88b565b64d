/// A step of a fix run, as the trajectory records it and progress reports follow it.
///
/// Written to the trajectory as its text (`triage`, `candidate-2`), so `fixloop show` and older logs read the same.
public enum FixStep: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The run itself: start, end, error.
    case run
    case triage
    /// The repository's setup command, with the network.
    case setup
    /// The tests at the base commit, before any change.
    case baseline
    /// Finding or writing a test that fails because of the bug.
    case reproduce
    /// Ranking the files the ticket points at.
    case localize
    /// One attempt at a fix, numbered from 1.
    case candidate(Int)
    /// The chosen candidate checked on a fresh copy of the base commit.
    case verify
    /// Branch, commit, push, pull request.
    case deliver

    public var description: String {
        switch self {
        case .run: "run"
        case .triage: "triage"
        case .setup: "setup"
        case .baseline: "baseline"
        case .reproduce: "reproduce"
        case .localize: "localize"
        case .candidate(let index): "candidate-\(index)"
        case .verify: "verify"
        case .deliver: "deliver"
        }
    }

    /// The step a trajectory line names; nil for a name no run writes.
    public init?(_ text: String) {
        let plain: [String: FixStep] = [
            "run": .run, "triage": .triage, "setup": .setup, "baseline": .baseline, "reproduce": .reproduce,
            "localize": .localize, "verify": .verify, "deliver": .deliver,
        ]
        if let step = plain[text] {
            self = step
        } else if text.hasPrefix("candidate-"), let index = Int(text.dropFirst(10)), index > 0 {
            self = .candidate(index)
        } else {
            return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let step = FixStep(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a fix step"))
        }
        self = step
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
