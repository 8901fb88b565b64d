import FixloopCore
/// Decodes one JSON text into a ``JSONValue``.
enum JSONLine {
    static func decode(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        try JSONParser.parse(bytes)
    }
}
