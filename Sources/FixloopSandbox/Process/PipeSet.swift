import CFixloopSandbox
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The three pipes between the runner and a child; every end is close-on-exec until dup2'd into the child.
final class PipeSet {
    let inputRead: Int32
    let inputWrite: Int32
    let outputRead: Int32
    let outputWrite: Int32
    let errorRead: Int32
    let errorWrite: Int32
    private var childEndsOpen = true
    private var parentEndsOpen = true

    init() throws {
        func makePipe() throws -> (Int32, Int32) {
            var fds: [Int32] = [0, 0]
            guard fixloop_pipe_cloexec(&fds) == 0 else {
                throw SandboxError.launchFailed(program: "pipe", reason: String(cString: strerror(errno)))
            }
            return (fds[0], fds[1])
        }
        (inputRead, inputWrite) = try makePipe()
        (outputRead, outputWrite) = try makePipe()
        (errorRead, errorWrite) = try makePipe()
        _ = fcntl(inputWrite, F_SETFL, fcntl(inputWrite, F_GETFL) | O_NONBLOCK)
        _ = fcntl(outputRead, F_SETFL, fcntl(outputRead, F_GETFL) | O_NONBLOCK)
        _ = fcntl(errorRead, F_SETFL, fcntl(errorRead, F_GETFL) | O_NONBLOCK)
    }

    func closeChildEnds() {
        guard childEndsOpen else { return }
        childEndsOpen = false
        close(inputRead)
        close(outputWrite)
        close(errorWrite)
    }

    func closeParentEnds() {
        guard parentEndsOpen else { return }
        parentEndsOpen = false
        close(outputRead)
        close(errorRead)
    }

    deinit {
        closeChildEnds()
        closeParentEnds()
    }
}
