import FixloopCore

/// Why a fix run could not be done (an expected "not fixed" is a ``FixOutcome``, not an error).
public struct FixServiceError: FixloopError {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
