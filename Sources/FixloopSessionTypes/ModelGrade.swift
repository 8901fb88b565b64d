/// The grade a model returns for one session: the JSON contract of `prompts/scorer/grade.mustache`.
///
/// ```json
/// {"score": 3, "intent": "buy a tent", "right_product": true,
///  "went_right": ["found the tent quickly"], "went_wrong": ["payment failed twice"],
///  "failures": [{"signature": "checkout: TypeError in confirmOrder",
///                "evidence": {"event": "$exception", "route": "/checkout", "error": "TypeError"}}],
///  "confidence": 0.8}
/// ```
/// Check a reply with ``ModelGradeValidator`` before trusting it.
public struct ModelGrade: Sendable, Hashable, Codable {
    /// One thing that went wrong, with the evidence the planner clusters on.
    public struct Failure: Sendable, Hashable, Codable {
        /// A short, stable description such as `checkout: TypeError in confirmOrder`.
        public var signature: String
        /// Where the timeline shows it.
        public var evidence: Evidence

        /// Creates a failure.
        public init(signature: String, evidence: Evidence) {
            self.signature = signature
            self.evidence = evidence
        }
    }

    /// The timeline evidence for a failure.
    public struct Evidence: Sendable, Hashable, Codable {
        /// The event or timeline entry, such as `$exception` or `rage-click "Pay now"`.
        public var event: String
        /// The route template where it happened, as the timeline shows it.
        public var route: String
        /// The error type or message, if the failure is an error.
        public var error: String?

        /// Creates evidence.
        public init(event: String, route: String, error: String? = nil) {
            self.event = event
            self.route = route
            self.error = error
        }
    }

    /// The implied NPS answer, 0–10.
    public var score: Int
    /// What the user came to do, in a few words.
    public var intent: String
    /// Whether the user came for what this product does.
    public var rightProduct: Bool
    /// What went right, one short item each.
    public var wentRight: [String]
    /// What went wrong, one short item each.
    public var wentWrong: [String]
    /// The failures with evidence.
    public var failures: [Failure]
    /// The model's confidence, 0–1.
    public var confidence: Double

    /// Creates a grade.
    public init(
        score: Int, intent: String, rightProduct: Bool, wentRight: [String], wentWrong: [String],
        failures: [Failure], confidence: Double
    ) {
        self.score = score
        self.intent = intent
        self.rightProduct = rightProduct
        self.wentRight = wentRight
        self.wentWrong = wentWrong
        self.failures = failures
        self.confidence = confidence
    }

    enum CodingKeys: String, CodingKey {
        case score, intent, failures, confidence
        case rightProduct = "right_product"
        case wentRight = "went_right"
        case wentWrong = "went_wrong"
    }
}
