import CLibgit2
import Foundation

/// libgit2's global state: initialized once, never shut down (the library is ref-counted and cheap to keep).
enum Libgit2 {
    private static let initialized: Int32 = git_libgit2_init()

    /// Makes sure `git_libgit2_init` has run; safe to call from any thread any number of times.
    static func ensureInitialized() {
        _ = initialized
    }

    /// The last error libgit2 recorded on this thread, read right after the failing call.
    static func lastError() -> (klass: Int32, message: String)? {
        guard let error = git_error_last() else { return nil }
        let message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
        return (error.pointee.klass, message)
    }
}

/// Throws a ``GitError`` when a libgit2 call returned a negative code, capturing the thread's last error.
/// - Parameters:
///   - code: the libgit2 return code.
///   - kind: what the operation was, for the error's stable code.
///   - what: the sentence's subject, e.g. "fetching https://github.com/o/r".
@discardableResult
func gitCheck(_ code: Int32, _ kind: GitError.Kind, _ what: @autoclosure () -> String) throws -> Int32 {
    guard code < 0 else { return code }
    throw GitError.fromLibgit2(code: code, kind: kind, what: what())
}

/// The hex form of an object id.
func hex(_ oid: git_oid) -> String {
    var copy = oid
    var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ) + 1)
    git_oid_fmt(&buffer, &copy)
    buffer[Int(GIT_OID_HEXSZ)] = 0
    return String(cString: buffer)
}

/// Calls `body` with a `git_strarray` that borrows `strings` for the duration of the call.
func withStrArray<T>(_ strings: [String], _ body: (inout git_strarray) throws -> T) rethrows -> T {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return try pointers.withUnsafeMutableBufferPointer { buffer in
        var array = git_strarray(strings: buffer.baseAddress, count: strings.count)
        return try body(&array)
    }
}

/// The libgit2 this process is linked against, for `fixloop doctor`.
public enum Libgit2Version {
    /// `major.minor.revision` as libgit2 reports it at run time.
    public static var current: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        _ = git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
