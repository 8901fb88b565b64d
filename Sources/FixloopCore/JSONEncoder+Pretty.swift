import Foundation

extension JSONEncoder {
    /// Pretty, key-sorted, slashes unescaped: how reports and `--json` output are written.
    public static var pretty: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
