import FixloopCore

/// The generated export could not be written: the file could not be created, or zlib failed while compressing it.
public struct ExportGeneratorError: FixloopError {
    /// `generator.unwritable_file`: the only way generating fails.
    public let code = "generator.unwritable_file"
    /// The sentence for people.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }
}
