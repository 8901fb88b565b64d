import FixloopCore

/// Why a verification could not run at all. A patch that does not resolve is a ``VerificationReport``.
public struct VerifyError: FixloopError, Equatable {
    /// The stable code.
    public let code: String
    /// The one-sentence message.
    public let message: String

    static func invalidRequest(_ detail: String) -> VerifyError {
        VerifyError(code: "verify.invalid_request", message: "The verification cannot start because \(detail).")
    }
}
