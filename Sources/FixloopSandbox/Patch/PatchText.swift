/// Patches are bytes: they go to `git apply` exactly as read, and the host reads them losslessly.
public enum PatchText {
    /// The text of `bytes` for the host's checks: UTF-8 when it is valid UTF-8, else ISO-8859-1 (one character
    /// per byte), so no byte is lost or replaced and a path's non-ASCII bytes still reach the path checks.
    public static func decode(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return String(scalars)
    }
}
