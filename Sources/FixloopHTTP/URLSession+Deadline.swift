import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How one HTTP exchange ended when it did not return a response.
public enum ExchangeInterruption: Error {
    /// The deadline passed first.
    case timedOut
}

extension URLSession {
    /// Sends `request` and waits for the whole body, giving up at `timeout` and on task cancellation.
    ///
    /// `URLRequest.timeoutInterval` is an idle timeout, and FoundationNetworking rounds it to whole seconds, so the
    /// deadline is kept here: a watchdog cancels the data task when it passes.
    /// - Throws: ``ExchangeInterruption/timedOut``, `CancellationError`, or the session's `URLError`.
    public func data(for request: URLRequest, deadline timeout: Duration) async throws -> (Data, URLResponse) {
        let exchange = Exchange()
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            exchange.cancel(timedOut: true)
        }
        defer { watchdog.cancel() }
        let result: Result<(Data, URLResponse), any Error> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let task = dataTask(with: request) { data, response, error in
                    if let response, error == nil {
                        continuation.resume(returning: .success((data ?? Data(), response)))
                    } else {
                        continuation.resume(returning: .failure(error ?? URLError(.badServerResponse)))
                    }
                }
                exchange.start(task)
            }
        } onCancel: {
            exchange.cancel(timedOut: false)
        }
        switch result {
        case .success(let value):
            return value
        case .failure(let error):
            if exchange.timedOut { throw ExchangeInterruption.timedOut }
            if Task.isCancelled { throw CancellationError() }
            throw error
        }
    }
}

/// The data task of one exchange, cancellable from the watchdog or the caller's cancellation.
private final class Exchange: Sendable {
    private struct State {
        var task: URLSessionDataTask?
        var cancelled = false
        var timedOut = false
    }

    private let state = Mutex(State())

    func start(_ task: URLSessionDataTask) {
        let cancelledEarly = state.withLock { state in
            state.task = task
            return state.cancelled
        }
        task.resume()
        if cancelledEarly { task.cancel() }
    }

    func cancel(timedOut: Bool) {
        let task = state.withLock { state -> URLSessionDataTask? in
            guard !state.cancelled else { return nil }
            state.cancelled = true
            state.timedOut = timedOut
            return state.task
        }
        task?.cancel()
    }

    var timedOut: Bool { state.withLock { $0.timedOut } }
}
