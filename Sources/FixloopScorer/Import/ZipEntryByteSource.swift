/// The bytes of one zip entry, inflated if the entry is deflated.
public struct ZipEntryByteSource: ByteSource {
    enum Kind {
        case stored(FileByteSource)
        case deflated(InflatingByteSource<FileByteSource>)
    }
    var kind: Kind

    /// The next chunk, or `nil` at the end.
    public mutating func nextChunk() throws -> [UInt8]? {
        switch kind {
        case .stored(var source):
            defer { kind = .stored(source) }
            return try source.nextChunk()
        case .deflated(var source):
            defer { kind = .deflated(source) }
            return try source.nextChunk()
        }
    }
}
