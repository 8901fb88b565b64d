import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// slirp4netns' output: its first few kilobytes kept for an error message, and read until it closes so
/// slirp4netns never blocks on a full pipe.
struct NetworkHelperLog {
    private let pipes: PipeSet
    private var kept: [UInt8] = []
    private var outputOpen = true
    private var errorOpen = true
    private static let keptBytes = 4096

    init(pipes: PipeSet) {
        self.pipes = pipes
    }

    /// Waits until slirp4netns writes "1" to its ready pipe; false when it exits first or takes too long.
    mutating func waitForReady(_ ready: Int32, seconds: Double) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(seconds * 1000)))
        while ContinuousClock.now < deadline {
            var fds = [pollfd(fd: ready, events: Int16(POLLIN), revents: 0)] + openPipes()
            let result = poll(&fds, nfds_t(fds.count), Self.milliseconds(until: deadline))
            if result < 0 && errno != EINTR { break }
            if fds[0].revents != 0 {
                var byte: UInt8 = 0
                return read(ready, &byte, 1) == 1 && byte == UInt8(ascii: "1")
            }
            for entry in fds.dropFirst() where entry.revents != 0 { drain(entry.fd) }
        }
        kept += Array(" it did not report ready within \(Int(seconds)) s".utf8)
        return false
    }

    /// Reads both outputs until slirp4netns (and anything it forked) closed them, or until `deadline`.
    mutating func drainUntilClosed(deadline: ContinuousClock.Instant? = nil) {
        while outputOpen || errorOpen {
            var fds = openPipes()
            let timeout = deadline.map { Self.milliseconds(until: $0) } ?? -1
            let result = poll(&fds, nfds_t(fds.count), timeout)
            if result < 0 && errno != EINTR { return }
            if result == 0 { return }
            for entry in fds where entry.revents != 0 { drain(entry.fd) }
        }
    }

    /// The last two lines slirp4netns wrote that say something (its tap hand-over chatter and warnings left out).
    var reason: String {
        let lines = String(decoding: kept, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("sent tapfd") && !$0.hasPrefix("received tapfd") && !$0.hasPrefix("WARNING:") }
        let said = lines.suffix(2).joined(separator: "; ")
        return said.isEmpty ? "slirp4netns exited without a message" : "slirp4netns: \(said)"
    }

    private func openPipes() -> [pollfd] {
        (outputOpen ? [pollfd(fd: pipes.outputRead, events: Int16(POLLIN), revents: 0)] : [])
            + (errorOpen ? [pollfd(fd: pipes.errorRead, events: Int16(POLLIN), revents: 0)] : [])
    }

    private mutating func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                kept += buffer[0..<min(count, max(Self.keptBytes - kept.count, 0))]
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count == 0 || (errno != EAGAIN && errno != EINTR) {
                if fd == pipes.outputRead { outputOpen = false } else { errorOpen = false }
            }
            return
        }
    }

    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let left = ContinuousClock.now.duration(to: deadline)
        let ms = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
        return Int32(max(0, min(ms + 1, 1_000_000)))
    }
}
