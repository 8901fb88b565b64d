import Foundation

/// How much of a ticket is read and shown to the model: the `[engineer]` table of `fixloop.toml`.
public struct TicketLimits: Sendable, Equatable {
    /// Most bytes of ticket text (title, body and evidence) the model sees; a longer ticket is summarised.
    public var maxTicketBytes = 64 << 10
    /// Most bytes read at all: a larger ticket is refused.
    public var maxReadBytes = 1 << 20

    public init() {}
}

/// A ticket that cannot be used as it is: too large to read, or not text.
public struct TicketContentError: FixloopError, Equatable {
    public let code: String
    public let message: String

    /// More than `limit` bytes.
    public static func tooLarge(_ reference: String, bytes: Int, limit: Int) -> TicketContentError {
        TicketContentError(code: "ticket.too_large", message: "The ticket \(reference) is \(TicketText.size(bytes)), more than the \(TicketText.size(limit)) Fixloop reads; cut it to the report, the error and the steps to reproduce (link long logs instead), or raise [engineer] max_ticket_read_bytes.")
    }

    /// NUL bytes, or too many bytes that are not UTF-8.
    public static func binary(_ reference: String, cause: String) -> TicketContentError {
        TicketContentError(code: "ticket.binary", message: "The ticket \(reference) looks binary (\(cause)); write it as Markdown, plain text or JSON in UTF-8.")
    }
}

extension TicketText {
    /// The share of bytes that may fail to decode as UTF-8 (a Latin-1 word or two) before a ticket counts as binary.
    static let invalidShare = 0.01

    /// Ticket bytes (a file, standard input) as text.
    /// - Throws: ``TicketContentError`` when there are more than `limits.maxReadBytes`, any NUL byte, or more than 1 %
    ///   of bytes that are not UTF-8.
    public static func decode(_ data: Data, reference: String, limits: TicketLimits) throws -> String {
        guard data.count <= limits.maxReadBytes else { throw TicketContentError.tooLarge(reference, bytes: data.count, limit: limits.maxReadBytes) }
        if let offset = data.firstIndex(of: 0) {
            throw TicketContentError.binary(reference, cause: "a NUL byte at offset \(offset - data.startIndex)")
        }
        var invalid = 0
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = data.makeIterator()
        loop: while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid: continue
            case .error(let length): invalid += length
            case .emptyInput: break loop
            }
        }
        if Double(invalid) > Double(data.count) * invalidShare {
            throw TicketContentError.binary(reference, cause: "\(invalid) of its \(data.count) bytes are not UTF-8")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The same checks on text a tracker returned (a GitHub or Linear issue): size, NUL characters, replacement characters.
    public static func check(_ text: String, reference: String, limits: TicketLimits) throws {
        let bytes = text.utf8.count
        guard bytes <= limits.maxReadBytes else { throw TicketContentError.tooLarge(reference, bytes: bytes, limit: limits.maxReadBytes) }
        var replaced = 0
        for scalar in text.unicodeScalars {
            if scalar == "\0" { throw TicketContentError.binary(reference, cause: "a NUL character") }
            if scalar == "\u{FFFD}" { replaced += 1 }
        }
        if Double(replaced) > Double(max(text.unicodeScalars.count, 1)) * invalidShare {
            throw TicketContentError.binary(reference, cause: "\(replaced) replacement characters")
        }
    }

    /// `1.0 MiB`, `64 KiB`, `300 bytes`.
    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20 { return String(format: "%.1f MiB", Double(bytes) / Double(1 << 20)) }
        if bytes >= 1 << 10 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
