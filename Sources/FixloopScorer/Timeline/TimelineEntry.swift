import Foundation

/// One line of a session timeline: something the user did or met, at an offset from the session's start.
public struct TimelineEntry: Sendable, Hashable {
    /// What happened.
    public enum Kind: Sendable, Hashable {
        /// A page view, with its route template and how long the user stayed (seconds), if known.
        case page(route: String, dwell: TimeInterval?)
        /// A mobile screen view.
        case screen(name: String)
        /// Clicks, changes or submits on one element in a row; `action` is `click`, `change` or `submit`.
        case click(label: String, action: String, count: Int)
        /// A rage click on an element.
        case rageClick(label: String, route: String)
        /// A click that changed nothing on the page.
        case deadClick(label: String, route: String)
        /// An exception.
        case exception(ExceptionSummary)
        /// A web vital that was not rated good.
        case webVital(name: String, value: Double, rating: String, route: String)
        /// A milestone from the product context, the first time it is reached.
        case milestone(name: String, isGoal: Bool)
        /// Another product event, repeated `count` times in a row.
        case event(name: String, count: Int)
    }

    /// Seconds since the session's first event.
    public var offset: TimeInterval
    /// What happened.
    public var kind: Kind

    /// Creates an entry.
    public init(offset: TimeInterval, kind: Kind) {
        self.offset = offset
        self.kind = kind
    }
}
