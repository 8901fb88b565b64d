import FixloopCore
import Foundation
import Logging
import PostgresNIO

/// One session's score as the warehouse keeps it: a row of `fixloop_session_scores`.
public struct WarehouseScoreRow: Sendable, Hashable {
    public var sessionID: String
    public var sessionStart: Date
    /// The implied NPS answer that counts (the model's when it graded, else the rubric's), 0–10.
    public var score: Int
    public var rubricScore: Int
    /// The model's own answer, when a model graded the session.
    public var modelScore: Int?
    /// What the user came to do (the model's reading; nil for the rubric alone).
    public var intent: String?
    /// Whether the user came for what the product does (the model's reading).
    public var rightProduct: Bool?
    /// What went wrong, a few lines: the model's, else the rubric's reasons.
    public var blurb: [String]
    /// The grading model, e.g. `anthropic/claude-…`; nil for the rubric alone.
    public var model: String?
    /// The grading prompt's template hash; nil for the rubric alone.
    public var promptHash: String?
    /// The hash of the timeline graded.
    public var timelineHash: String
    public var costUSD: Double
    /// When Fixloop graded it.
    public var scoredAt: Date

    public init(
        sessionID: String, sessionStart: Date, score: Int, rubricScore: Int, modelScore: Int?, intent: String?,
        rightProduct: Bool?, blurb: [String], model: String?, promptHash: String?, timelineHash: String,
        costUSD: Double, scoredAt: Date
    ) {
        self.sessionID = sessionID
        self.sessionStart = sessionStart
        self.score = score
        self.rubricScore = rubricScore
        self.modelScore = modelScore
        self.intent = intent
        self.rightProduct = rightProduct
        self.blurb = blurb
        self.model = model
        self.promptHash = promptHash
        self.timelineHash = timelineHash
        self.costUSD = costUSD
        self.scoredAt = scoredAt
    }
}

/// `fixloop_session_scores` in the warehouse: created if missing, one row per session id, upserted, so dashboards
/// can join scores on `$session_id` and a rerun updates rows instead of adding them.
public struct SessionScoreTable: Sendable {
    public static let name = "fixloop_session_scores"

    public let connector: PostgresConnector
    /// Rows per transaction.
    public var batchSize = 500

    public init(connector: PostgresConnector) { self.connector = connector }

    static let createSQL = """
        CREATE TABLE IF NOT EXISTS fixloop_session_scores (
            session_id     text PRIMARY KEY,
            session_start  timestamptz NOT NULL,
            score          integer NOT NULL,
            rubric_score   integer NOT NULL,
            model_score    integer,
            intent         text,
            right_product  boolean,
            blurb          jsonb NOT NULL,
            model          text,
            prompt_hash    text,
            timeline_hash  text NOT NULL,
            cost_usd       double precision NOT NULL,
            scored_at      timestamptz NOT NULL,
            written_at     timestamptz NOT NULL DEFAULT now()
        )
        """

    /// Creates the table if missing and upserts `rows`, `batchSize` per transaction.
    /// - Returns: How many rows were written.
    /// - Throws: ``PostgresError``; the transactions committed before stay, a rerun writes the rest.
    @discardableResult
    public func write(_ rows: [WarehouseScoreRow]) async throws -> Int {
        let batchSize = max(1, batchSize)
        return try await connector.withConnection { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: Self.createSQL), logger: logger)
            var written = 0
            for start in stride(from: 0, to: rows.count, by: batchSize) {
                let batch = rows[start..<min(rows.count, start + batchSize)]
                try await connection.withTransaction(logger: logger) { connection in
                    for row in batch { try await Self.upsert(row, on: connection, logger: logger) }
                }
                written += batch.count
            }
            return written
        }
    }

    private static func upsert(_ row: WarehouseScoreRow, on connection: PostgresConnection, logger: Logger) async throws {
        let blurb = String(decoding: try JSONEncoder().encode(row.blurb), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO fixloop_session_scores (session_id, session_start, score, rubric_score, model_score, intent,
                right_product, blurb, model, prompt_hash, timeline_hash, cost_usd, scored_at, written_at)
            VALUES (\(row.sessionID), \(row.sessionStart), \(row.score), \(row.rubricScore), \(row.modelScore),
                \(row.intent), \(row.rightProduct), \(blurb)::jsonb, \(row.model), \(row.promptHash), \(row.timelineHash),
                \(row.costUSD), \(row.scoredAt), now())
            ON CONFLICT (session_id) DO UPDATE SET session_start = EXCLUDED.session_start, score = EXCLUDED.score,
                rubric_score = EXCLUDED.rubric_score, model_score = EXCLUDED.model_score, intent = EXCLUDED.intent,
                right_product = EXCLUDED.right_product, blurb = EXCLUDED.blurb, model = EXCLUDED.model,
                prompt_hash = EXCLUDED.prompt_hash, timeline_hash = EXCLUDED.timeline_hash,
                cost_usd = EXCLUDED.cost_usd, scored_at = EXCLUDED.scored_at, written_at = now()
            """, logger: logger)
    }
}
