import FixloopCore

/// Failures of the engineer layer that stop a run (expected outcomes such as "not fixed" are values).
public struct EngineerError: FixloopError, Equatable {
    public enum Kind: String, Sendable {
        case ticketUnreadable = "ticket_unreadable"
        case ticketInvalid = "ticket_invalid"
        case settingsInvalid = "settings_invalid"
        case noTestCommand = "no_test_command"
        case noPullRequestRepository = "no_pr_repository"
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var code: String { "engineer.\(kind.rawValue)" }

    /// No GitHub repository can be told for the pull request.
    static func noPullRequestRepository(remote: String) -> EngineerError {
        EngineerError(.noPullRequestRepository,
                      "Cannot tell which GitHub repository gets the pull request for \(remote); pass --pr-repo OWNER/NAME, or --branch-only or --no-pr.")
    }
}
