import FixloopCore

/// Writes every request and what came back to a transcript (`--record FILE`), with secrets redacted.
public struct RecordingModelClient: ModelClient {
    public var spec: ModelSpec { inner.spec }
    private let inner: any ModelClient
    private let recorder: ModelTranscriptRecorder

    /// Wraps `inner` so its calls are recorded by `recorder`.
    public init(wrapping inner: any ModelClient, recorder: ModelTranscriptRecorder) {
        self.inner = inner
        self.recorder = recorder
    }

    public func send(_ request: ModelRequest) async throws -> ModelOutcome {
        let outcome: ModelOutcome
        do {
            outcome = try await inner.send(request)
        } catch {
            if !(error is CancellationError) {
                try? await recorder.append(model: spec.description, request: request, outcome: .failure(error))
            }
            throw error
        }
        try await recorder.append(model: spec.description, request: request, outcome: .success(outcome))
        return outcome
    }
}
