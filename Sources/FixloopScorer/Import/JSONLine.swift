import Foundation

/// Decodes one JSON text into a ``JSONValue``.
enum JSONLine {
    private static let decoder = JSONDecoder()

    static func decode(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        try decoder.decode(JSONValue.self, from: Data(bytes))
    }
}
