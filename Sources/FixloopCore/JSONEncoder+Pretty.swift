import Foundation

extension JSONEncoder {
    /// The one setup of every JSON report and `--json` output: keys in `snake_case`, dates as ISO 8601 in UTC,
    /// slashes unescaped, keys sorted, pretty-printed.
    public static var pretty: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// `value` as JSON text, written the ``pretty`` way.
    public static func prettyText<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try pretty.encode(value), as: UTF8.self)
    }
}
