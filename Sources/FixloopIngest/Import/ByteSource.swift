import FixloopCore
import Foundation

/// A pull-based stream of bytes read in chunks: a file, a gzip stream, a zip entry.
///
/// Readers built on it keep memory flat: they never hold more than a chunk and the record being read.
public protocol ByteSource {
    /// The next chunk of bytes, or `nil` at the end. A chunk is never empty.
    mutating func nextChunk() throws -> [UInt8]?
}
