import FixloopCore
import FixloopIngest
import Foundation

/// Turns a session's script steps into PostHog export lines with realistic timing and properties.
struct SessionEventWriter {
    let sessionID: String
    let windowID: String
    let distinctID: String
    let withSessionID: Bool
    let start: Date
    let browser: BrowserProfile

    static let host = "shop.acme.example"

    func lines(for steps: [ScriptStep], random: inout SplitMix64) -> [String] {
        var lines: [String] = []
        var time = start
        var path = "/"
        var pageStart = start
        var pageID = ""
        var entryPath: String?
        func emit(_ name: String, _ specific: [String: JSONValue], chain: String? = nil, random: inout SplitMix64) {
            var properties = common(path: path, time: time, entryPath: entryPath ?? path, random: &random)
            properties.merge(specific) { _, new in new }
            var object: [String: JSONValue] = [
                "uuid": .string(PostHogExportGenerator.uuid(&random, time: time)),
                "event": .string(name), "distinct_id": .string(distinctID),
                "timestamp": .string(Self.iso(time)), "properties": .object(properties),
            ]
            if let chain { object["elements_chain"] = .string(chain) }
            lines.append(JSONValue.object(object).canonicalJSON())
        }
        for step in steps {
            time = time.addingTimeInterval(Double(random.int(2...35)) + random.unit())
            switch step {
            case .page(let newPath, let title):
                var specific: [String: JSONValue] = ["$title": .string(title)]
                if !pageID.isEmpty {
                    specific["$prev_pageview_pathname"] = .string(path)
                    specific["$prev_pageview_duration"] = .number((time.timeIntervalSince(pageStart) * 10).rounded() / 10)
                    specific["$prev_pageview_id"] = .string(pageID)
                    specific["$prev_pageview_max_scroll_percentage"] = .number((random.unit() * 100).rounded() / 100)
                }
                path = newPath
                entryPath = entryPath ?? newPath
                pageStart = time
                pageID = PostHogExportGenerator.uuid(&random, time: time)
                specific["$pageview_id"] = .string(pageID)
                emit("$pageview", specific, random: &random)
            case .click(let text, let tag, let classes):
                let chain = Self.chain(tag: tag, classes: classes, text: text)
                emit("$autocapture", ["$event_type": .string(tag == "input" ? "change" : "click"),
                                      "$ce_version": .number(1)], chain: chain, random: &random)
            case .deadClick(let text):
                emit("$dead_click", ["$event_type": .string("click"), "$el_text": .string(text),
                                     "$dead_click_absolute_delay_ms": .number(2500),
                                     "$dead_click_absolute_timeout": .bool(true)],
                     chain: Self.chain(tag: "span", classes: ["link"], text: text), random: &random)
            case .rageClick(let text):
                emit("$rageclick", ["$event_type": .string("click"), "$el_text": .string(text)],
                     chain: Self.chain(tag: "button", classes: ["btn", "btn-primary"], text: text), random: &random)
            case .exception(let type, let value, let function, let file, let handled):
                emit("$exception", Self.exception(type, value, function, file, handled), random: &random)
            case .serverException(let type, let value, let frames):
                emit("$exception", Self.serverException(type, value, frames), random: &random)
            case .product(let name):
                emit(name, [:], random: &random)
            case .vitals(let poor):
                let lcp = poor ? 4200 + random.unit() * 3000 : 900 + random.unit() * 1200
                emit("$web_vitals", [
                    "$web_vitals_LCP_value": .number((lcp * 10).rounded() / 10),
                    "$web_vitals_LCP_event": .object(["name": "LCP", "value": .number((lcp * 10).rounded() / 10),
                                                      "rating": .string(poor ? "poor" : "good")]),
                    "$web_vitals_CLS_value": .number(0.02),
                ], random: &random)
            case .flag:
                emit("$feature_flag_called", ["$feature_flag": "new-checkout", "$feature_flag_response": true],
                     random: &random)
            case .leave:
                emit("$pageleave", ["$prev_pageview_duration": .number((time.timeIntervalSince(pageStart) * 10).rounded() / 10),
                                    "$prev_pageview_id": .string(pageID), "$prev_pageview_pathname": .string(path)],
                     random: &random)
            }
        }
        return lines
    }

    private func common(path: String, time: Date, entryPath: String, random: inout SplitMix64) -> [String: JSONValue] {
        var properties: [String: JSONValue] = [
            "$os": .string(browser.os), "$os_version": .string(browser.osVersion),
            "$browser": .string(browser.browser), "$browser_version": .number(browser.browserVersion),
            "$device_type": .string(browser.deviceType), "$raw_user_agent": .string(browser.userAgent),
            "$current_url": .string("https://\(Self.host)\(path)"), "$host": .string(Self.host),
            "$pathname": .string(path), "$browser_language": "en-US", "$browser_language_prefix": "en",
            "$screen_width": .number(browser.screen.width), "$screen_height": .number(browser.screen.height),
            "$viewport_width": .number(browser.viewport.width), "$viewport_height": .number(browser.viewport.height),
            "$lib": "web", "$lib_version": "1.258.0", "$insert_id": .string(String(random.next(), radix: 36)),
            "$time": .number((time.timeIntervalSince1970 * 1000).rounded() / 1000),
            "distinct_id": .string(distinctID), "$device_id": .string(windowID),
            "$window_id": .string(windowID), "$referrer": "$direct", "$referring_domain": "$direct",
            "$timezone": "Europe/Berlin", "$timezone_offset": -120, "token": "phc_exampleProjectToken0000000000",
            "$is_identified": true, "$process_person_profile": true, "$configured_session_timeout_ms": 1_800_000,
            "$session_entry_url": .string("https://\(Self.host)\(entryPath)"),
            "$session_entry_pathname": .string(entryPath), "$session_entry_host": .string(Self.host),
            "$lib_rate_limit_remaining_tokens": 99,
        ]
        if withSessionID { properties["$session_id"] = .string(sessionID) }
        return properties
    }

    static func chain(tag: String, classes: [String], text: String) -> String {
        let selector = ([tag] + classes).joined(separator: ".")
        let classAttribute = classes.isEmpty ? "" : "attr__class=\"\(classes.joined(separator: " "))\""
        return "\(selector):\(classAttribute)nth-child=\"2\"nth-of-type=\"1\"text=\"\(text)\";"
            + "div.container:attr__class=\"container\"nth-child=\"1\"nth-of-type=\"1\";"
            + "main:nth-child=\"2\"nth-of-type=\"1\";body:nth-child=\"2\"nth-of-type=\"1\""
    }

    static func exception(_ type: String, _ value: String, _ function: String, _ file: String, _ handled: Bool)
        -> [String: JSONValue]
    {
        let frames: [JSONValue] = [
            .object(["filename": "https://shop.acme.example/assets/vendor-91c2.js", "function": "Array.forEach",
                     "lineno": 2, "colno": 1193, "in_app": false, "platform": "web:javascript"]),
            .object(["filename": .string(file), "function": .string(function), "lineno": 88, "colno": 17,
                     "in_app": true, "platform": "web:javascript"]),
        ]
        return [
            "$exception_level": "error",
            "$exception_list": .array([.object([
                "type": .string(type), "value": .string(value),
                "mechanism": .object(["type": "generic", "handled": .bool(handled), "synthetic": false]),
                "stacktrace": .object(["type": "raw", "frames": .array(frames)]),
            ])]),
        ]
    }

    /// What posthog-python's `capture_exception` sends for a backend error.
    static func serverException(_ type: String, _ value: String, _ frames: [ServerFrame]) -> [String: JSONValue] {
        let frameObjects: [JSONValue] = frames.map { frame in
            let root = frame.inApp ? "/srv/shop/" : "/usr/lib/python3.11/"
            let module = frame.file.replacingOccurrences(of: ".py", with: "").replacingOccurrences(of: "/", with: ".")
            return .object(["filename": .string(frame.file), "abs_path": .string(root + frame.file),
                            "function": .string(frame.function), "module": .string(module),
                            "lineno": .number(Double(frame.line)), "in_app": .bool(frame.inApp),
                            "context_line": .string(frame.context), "platform": "python"])
        }
        return [
            "$exception_level": "error",
            "$exception_list": .array([.object([
                "type": .string(type), "value": .string(value), "module": "shop.checkout",
                "mechanism": .object(["type": "generic", "handled": false, "synthetic": false]),
                "stacktrace": .object(["type": "raw", "frames": .array(frameObjects)]),
            ])]),
            "$lib": "posthog-python", "$lib_version": "3.7.0",
        ]
    }

    /// `2025-06-03T14:02:11.482Z`.
    static func iso(_ date: Date) -> String {
        let millis = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = millis / 1000
        let second = AnalyticsTimestamp.isoSecond(Date(timeIntervalSince1970: Double(seconds)))
        return String(second.dropLast()) + String(format: ".%03dZ", millis % 1000)
    }
}
