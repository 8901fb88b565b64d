/// What a fix run does with a verified change.
public enum DeliveryMode: Sendable, Equatable {
    /// The patch and report are written next to the run; nothing is pushed.
    case patchOnly
    /// The branch is pushed to the repository; no pull request (a plain git remote).
    case branchOnly
    /// The branch is pushed and a draft pull request opened or updated on `repository` (`OWNER/NAME`; nil: the
    /// ticket's GitHub repository, else the remote's); with `commentOnTicket`, the GitHub ticket gets a comment.
    case pullRequest(repository: String?, commentOnTicket: Bool)
}
