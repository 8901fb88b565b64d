/// A provider's batch interface: many model requests submitted at once, answered within hours at a lower price
/// (OpenAI's Batch API, Anthropic's Message Batches).
///
/// Implementations say how: `OpenAIBatchClient` and `AnthropicBatchClient` in `FixloopModels`. Transport failures
/// throw the models module's error; a request the provider could not answer is a ``BatchItemResult`` value.
public protocol BatchClient: Sendable {
    /// The model every request of a batch goes to.
    var spec: ModelSpec { get }
    /// The provider's limits on one batch.
    var limits: BatchLimits { get }

    /// Submits the requests as one batch.
    /// - Parameter requests: at most `limits.maximumRequests`, their serialized size under `limits.maximumBytes`.
    /// - Returns: the provider's batch id.
    /// - Throws: the models module's error.
    func submit(_ requests: [BatchRequest]) async throws -> String

    /// The batch's state now (one poll).
    func status(of batchID: String) async throws -> BatchStatus

    /// The answers of an ended batch, by custom id; a request with no answer is missing from the dictionary.
    func results(of status: BatchStatus) async throws -> [String: BatchItemResult]

    /// The size in bytes a request takes in the provider's batch (its line of the file, or its member of the body).
    func serializedSize(of request: BatchRequest) -> Int
}

/// One request of a batch: the caller's id for it and the same request a direct call would send.
public struct BatchRequest: Sendable, Hashable {
    /// The caller's id (`^[A-Za-z0-9_-]{1,64}$`, which both providers accept).
    public var customID: String
    /// The request.
    public var request: ModelRequest

    /// Makes a request.
    public init(customID: String, request: ModelRequest) {
        self.customID = customID
        self.request = request
    }
}

/// How much one batch may hold.
public struct BatchLimits: Sendable, Hashable {
    /// Requests in one batch.
    public var maximumRequests: Int
    /// Bytes of one batch (the file or the body).
    public var maximumBytes: Int

    /// Makes limits.
    public init(maximumRequests: Int, maximumBytes: Int) {
        self.maximumRequests = maximumRequests
        self.maximumBytes = maximumBytes
    }

    /// OpenAI's Batch API: 50,000 requests and 200 MB a file.
    public static let openAI = BatchLimits(maximumRequests: 50_000, maximumBytes: 200 * 1_000_000)
    /// Anthropic's Message Batches: 100,000 requests and 256 MB.
    public static let anthropic = BatchLimits(maximumRequests: 100_000, maximumBytes: 256 * 1_000_000)

    /// `requests` cut into consecutive groups that each fit these limits.
    public func split(_ requests: [BatchRequest], size: (BatchRequest) -> Int) -> [[BatchRequest]] {
        var groups: [[BatchRequest]] = []
        var current: [BatchRequest] = []
        var bytes = 0
        for request in requests {
            let length = size(request)
            if !current.isEmpty, current.count >= maximumRequests || bytes + length > maximumBytes {
                groups.append(current)
                current = []
                bytes = 0
            }
            current.append(request)
            bytes += length
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }
}

/// A batch's state as one poll saw it.
public struct BatchStatus: Sendable, Hashable {
    /// Where a batch is in its life, in both providers' terms.
    public enum Phase: String, Sendable, Hashable, Codable {
        /// Still being validated or answered (OpenAI `validating`, `in_progress`, `finalizing`, `cancelling`;
        /// Anthropic `in_progress`, `canceling`).
        case running
        /// Every request has its answer (OpenAI `completed`; Anthropic `ended` with nothing expired or canceled).
        case completed
        /// The window passed; some requests may have answers (OpenAI `expired`; Anthropic `ended` with expired ones).
        case expired
        /// Cancelled; some requests may have answers.
        case cancelled
        /// The batch as a whole was refused (OpenAI `failed`: a bad input file).
        case failed

        /// True once the batch will not change any more.
        public var isFinished: Bool { self != .running }
    }

    /// The provider's batch id.
    public var id: String
    /// The phase.
    public var phase: Phase
    /// The provider's own word for the state (`in_progress`, `finalizing`, `ended`…), for messages.
    public var providerState: String
    /// Requests in the batch.
    public var total: Int
    /// Requests answered so far.
    public var succeeded: Int
    /// Requests that failed, expired or were cancelled so far.
    public var failed: Int
    /// Where the results are: OpenAI's output and error file ids, Anthropic's `results_url`.
    public var resultLocations: [String]
    /// The provider's reason, when the batch failed as a whole.
    public var reason: String?

    /// Makes a status.
    public init(id: String, phase: Phase, providerState: String, total: Int = 0, succeeded: Int = 0, failed: Int = 0,
                resultLocations: [String] = [], reason: String? = nil) {
        self.id = id
        self.phase = phase
        self.providerState = providerState
        self.total = total
        self.succeeded = succeeded
        self.failed = failed
        self.resultLocations = resultLocations
        self.reason = reason
    }
}

/// What became of one request of a batch.
public enum BatchItemResult: Sendable, Hashable {
    /// The model answered.
    case succeeded(ModelReply)
    /// The provider answered with an error for this request (its reason).
    case errored(String)
    /// The batch's window passed before the request was answered.
    case expired
    /// The batch was cancelled before the request was answered.
    case cancelled
}
