import FixloopCore
import Foundation

/// Linear's webhooks: `Linear-Signature` is the hex HMAC-SHA256 of the raw body, and the body's `webhookTimestamp`
/// (milliseconds) must be within a minute of now, so a captured delivery cannot be replayed later.
public enum LinearWebhook {
    /// The parts of an `Issue` event the trigger reads.
    public struct Payload: Decodable, Sendable {
        public struct Label: Decodable, Sendable { public var id: String?; public var name: String }
        public struct IssueData: Decodable, Sendable { public var identifier: String?; public var labels: [Label]? }
        public struct Previous: Decodable, Sendable { public var labelIds: [String]? }
        public var action: String?
        public var type: String?
        public var data: IssueData?
        public var updatedFrom: Previous?
        public var webhookTimestamp: Double?
    }

    /// Whether `header` is the hex signature of `body`, compared in constant time.
    public static func isValid(_ header: String?, body: some DataProtocol, secret: Secret) -> Bool {
        guard let header, !header.isEmpty else { return false }
        return WebhookSignature.isValid("sha256=" + header, body: body, secret: secret)
    }

    /// Whether the delivery's timestamp is within `tolerance` seconds of `now`.
    public static func isFresh(_ payload: Payload, now: Date, tolerance: TimeInterval = 60) -> Bool {
        guard let stamp = payload.webhookTimestamp else { return false }
        return abs(now.timeIntervalSince1970 - stamp / 1000) <= tolerance
    }

    /// What a trigger is, from signed fields only: the action, the issue and the delivery's `webhookTimestamp`.
    public static func triggerKey(_ payload: Payload) -> String? {
        guard let identifier = payload.data?.identifier, let stamp = payload.webhookTimestamp else { return nil }
        return "linear \(payload.type ?? "-").\(payload.action ?? "-") \(identifier) at=\(Int64(stamp))"
    }

    /// A Linear issue created with, or just given, the configured label queues a fix in `repository`.
    public static func decide(_ payload: Payload, settings: TriggerSettings, repository: String?) -> WebhookAction {
        guard payload.type == "Issue", let action = payload.action, action == "create" || action == "update",
              let identifier = payload.data?.identifier else { return .ignore("Linear \(payload.type ?? "event") \(payload.action ?? "-") is not a trigger") }
        guard let label = payload.data?.labels?.first(where: { $0.name == settings.label }) else { return .ignore("no \(settings.label) label") }
        if action == "update" {
            guard let before = payload.updatedFrom?.labelIds else { return .ignore("the labels did not change") }
            if let id = label.id, before.contains(id) { return .ignore("the \(settings.label) label was already there") }
        }
        guard let repository else { return .ignore("[serve] linear_repository is not set, so Linear tickets have no repository") }
        return .command(.fix(JobRequest(ticket: "linear:\(identifier)", repository: repository, trigger: "labelled \(settings.label) in Linear",
                                        maxAttempts: settings.maxAttempts)), permission: .granted)
    }
}
