import FixloopCore
import FixloopIngest
import Foundation

/// Reads an `$exception` event's type, message and top in-app frame from either shape PostHog has used:
/// `$exception_list` (type, value, stacktrace frames, mechanism) or the older flat `$exception_type` /
/// `$exception_message` (also the derived `$exception_types` / `$exception_values` arrays).
enum ExceptionExtractor {
    static func summary(of event: AnalyticsEvent, route: String) -> ExceptionSummary {
        let properties = event.properties
        var type: String?
        var message: String?
        var frame: String?
        var handled = properties["$exception_handled"]?.boolValue
        if let list = properties["$exception_list"]?.arrayValue, let first = list.first?.objectValue {
            type = first.text("type")
            message = first.text("value")
            if let mechanism = first["mechanism"]?.objectValue, let value = mechanism["handled"]?.boolValue {
                handled = value
            }
            frame = topInAppFrame(first["stacktrace"]?["frames"]?.arrayValue ?? [])
        }
        type = type ?? properties.text("$exception_type") ?? properties["$exception_types"]?.arrayValue?.first?.scalarText
        message = message ?? properties.text("$exception_message")
            ?? properties["$exception_values"]?.arrayValue?.first?.scalarText
        if frame == nil, let source = properties.text("$exception_source") {
            let line = properties.text("$exception_lineno").map { ":\($0)" } ?? ""
            frame = "\(fileName(source))\(line)"
        }
        return ExceptionSummary(
            type: type ?? "Error", message: TextMask.masked(message ?? "", limit: 200), frame: frame, route: route, handled: handled)
    }

    /// The innermost in-app frame (frames are listed outermost first, as Sentry and PostHog send them);
    /// the innermost frame of any kind when none is marked in-app.
    static func topInAppFrame(_ frames: [JSONValue]) -> String? {
        let objects = frames.compactMap(\.objectValue)
        guard let frame = objects.last(where: { $0["in_app"]?.boolValue == true }) ?? objects.last else { return nil }
        let function = frame.text("resolved_name") ?? frame.text("function") ?? frame.text("mangled_name") ?? "?"
        guard let file = frame.text("source") ?? frame.text("filename") ?? frame.text("abs_path") else {
            return function
        }
        let line = (frame.text("line") ?? frame.text("lineno")).map { ":\($0)" } ?? ""
        return "\(function) (\(fileName(file))\(line))"
    }

    /// A source path without scheme and host, so frames read the same whatever CDN served them.
    static func fileName(_ file: String) -> String {
        guard file.contains("://") else { return file }
        return PathTemplate.stripOrigin(file)
    }
}
