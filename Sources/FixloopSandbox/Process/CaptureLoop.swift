import FixloopCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The poll loop of one child: writes its input, reads both outputs, watches the clock, the output cap and the
/// workspace quota, notices the exit, kills the process group and reaps the child.
struct CaptureLoop {
    let pid: pid_t
    let pipes: PipeSet
    var input: [UInt8]
    let outputKillBytes: Int
    let deadline: ContinuousClock.Instant
    var stdout: OutputCapture
    var stderr: OutputCapture
    private var workspace: WorkspaceWatch?
    private var inputOffset = 0
    private var inputOpen = true
    private var outputOpen = true
    private var errorOpen = true
    /// After the main process exited, how long grandchildren may keep the pipes open.
    private static let drainMilliseconds: Int64 = 200

    init(pid: pid_t, pipes: PipeSet, input: [UInt8], outputBytes: Int, outputKillBytes: Int,
         deadline: ContinuousClock.Instant, workspace: WorkspaceWatch? = nil) {
        self.pid = pid
        self.pipes = pipes
        self.input = input
        self.outputKillBytes = outputKillBytes
        self.deadline = deadline
        stdout = OutputCapture(limit: outputBytes)
        stderr = OutputCapture(limit: outputBytes)
        self.workspace = workspace
    }

    /// Runs until the child is reaped; returns its wait status and the limit the runner enforced, if any.
    mutating func run(cancelled: CancellationFlag) -> (Int32, SandboxLimit?) {
        var killedFor: SandboxLimit?
        var exitedAt: ContinuousClock.Instant?
        var lastPollIdle = false
        if input.isEmpty { closeInput() }
        while true {
            let now = ContinuousClock.now
            if killedFor == nil {
                if now >= deadline { killedFor = .wallClock; killGroup() }
                else if max(stdout.totalBytes, stderr.totalBytes) > outputKillBytes { killedFor = .output; killGroup() }
                else if cancelled.isSet { killGroup() }
                else if exitedAt == nil, let passed = workspace?.poll(now: now) { killedFor = passed; killGroup() }
            }
            let pipesClosed = !outputOpen && !errorOpen
            if exitedAt == nil && (pipesClosed || lastPollIdle) && hasExited() {
                exitedAt = ContinuousClock.now
                killGroup()
            }
            if let exitedAt {
                if pipesClosed || now >= exitedAt.advanced(by: .milliseconds(Self.drainMilliseconds)) { break }
            }
            lastPollIdle = pollOnce(timeoutMilliseconds: timeout(now: now, exited: exitedAt != nil)) == 0
        }
        killGroup()
        closeInput()
        workspace?.close()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status, killedFor)
    }

    private func timeout(now: ContinuousClock.Instant, exited: Bool) -> Int32 {
        if exited { return 20 }
        if !outputOpen && !errorOpen { return 1 }
        let left = now.duration(to: deadline)
        let ms = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
        return Int32(max(0, min(ms + 1, 50)))
    }

    /// True once the child has exited; peeks without reaping so the group id stays valid for the kill.
    private func hasExited() -> Bool {
        var info = siginfo_t()
        let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        return result == 0 && info._sifields._sigchld.si_pid == pid
    }

    private func killGroup() {
        kill(-pid, SIGKILL)
    }

    private mutating func closeInput() {
        guard inputOpen else { return }
        inputOpen = false
        close(pipes.inputWrite)
    }

    private mutating func pollOnce(timeoutMilliseconds: Int32) -> Int32 {
        var fds: [pollfd] = []
        if outputOpen { fds.append(pollfd(fd: pipes.outputRead, events: Int16(POLLIN), revents: 0)) }
        if errorOpen { fds.append(pollfd(fd: pipes.errorRead, events: Int16(POLLIN), revents: 0)) }
        if inputOpen { fds.append(pollfd(fd: pipes.inputWrite, events: Int16(POLLOUT), revents: 0)) }
        let ready = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
        guard ready > 0 else { return ready < 0 ? 0 : ready }
        for entry in fds where entry.revents != 0 {
            if entry.fd == pipes.inputWrite {
                // The reader is gone: drop the rest of the input rather than write into a broken pipe.
                if entry.revents & Int16(POLLERR | POLLHUP) != 0 { closeInput() } else { writeInput() }
            }
            else if entry.fd == pipes.outputRead { outputOpen = drain(entry.fd, into: &stdout) }
            else { errorOpen = drain(entry.fd, into: &stderr) }
        }
        return ready
    }

    private mutating func writeInput() {
        let written = input[inputOffset...].withUnsafeBytes { write(pipes.inputWrite, $0.baseAddress, $0.count) }
        if written > 0 { inputOffset += written }
        if written < 0 && errno != EAGAIN && errno != EINTR { closeInput(); return }
        if inputOffset >= input.count { closeInput() }
    }

    /// Reads what is available; returns false at end of file.
    private func drain(_ fd: Int32, into capture: inout OutputCapture) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        for _ in 0..<16 {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.withUnsafeBytes { capture.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                continue
            }
            if count == 0 { return false }
            return errno == EAGAIN || errno == EINTR
        }
        return true
    }
}
