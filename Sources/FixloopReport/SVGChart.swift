import Foundation

/// Inline SVG charts for the review page: no scripts, no external assets, readable without colour (every value is
/// also written as text).
enum SVGChart {
    /// Implied NPS per day (or per week) as a line over a −100…+100 axis with a zero line, each point labelled; a
    /// point without sessions keeps its tick but gets no dot, and the line skips it.
    /// - Parameters:
    ///   - markers: vertical lines with a label (a fix's merge), each at a fractional point index (0 is the first
    ///     point), drawn over the grid and clamped to the plot.
    ///   - tick: the label under a point (by default the day's `06-02`).
    static func npsLine(
        _ days: [WeeklyReview.NPSPoint], id: String = "nps-by-day", title: String = "Implied NPS per day", width: Double = 640,
        height: Double = 240, markers: [Marker] = [], tick: (WeeklyReview.NPSPoint) -> String = { String($0.label.suffix(5)) }
    ) -> String {
        let left = 48.0, right = 16.0, top = 16.0, bottom = 40.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func y(_ nps: Double) -> Double { top + (100 - max(-100, min(100, nps))) / 200 * plotHeight }
        func x(_ index: Int) -> Double {
            days.count <= 1 ? left + plotWidth / 2 : left + Double(index) * plotWidth / Double(days.count - 1)
        }
        var svg = open(width, height, title: title, id: id)
        for tick in [-100, -50, 0, 50, 100] {
            let ty = y(Double(tick))
            svg += #"<line x1="\#(f(left))" y1="\#(f(ty))" x2="\#(f(width - right))" y2="\#(f(ty))" class="\#(tick == 0 ? "axis" : "grid")"/>"#
            svg += #"<text x="\#(f(left - 6))" y="\#(f(ty + 4))" class="tick" text-anchor="end">\#(tick > 0 ? "+" : "")\#(tick)</text>"#
        }
        for marker in markers {
            let step = days.count <= 1 ? 0 : plotWidth / Double(days.count - 1)
            let mx = max(left, min(width - right, x(0) + marker.at * step))
            svg += #"<g class="marker"><line x1="\#(f(mx))" y1="\#(f(top))" x2="\#(f(mx))" y2="\#(f(top + plotHeight))" class="merge"/>"#
            // A label in the plot's right half reads leftwards, so it stays inside the chart.
            let rightHalf = mx > left + plotWidth / 2
            svg += #"<text x="\#(f(rightHalf ? mx - 3 : mx + 3))" y="\#(f(top + 10))" class="merge-label" text-anchor="\#(rightHalf ? "end" : "start")">\#(escape(marker.label))</text><title>\#(escape(marker.title))</title></g>"#
        }
        let shown = days.indices.filter { days[$0].sessions > 0 }
        if !shown.isEmpty {
            let points = shown.map { "\(f(x($0))),\(f(y(days[$0].nps)))" }.joined(separator: " ")
            svg += #"<polyline points="\#(points)" class="line"/>"#
        }
        for (index, day) in days.enumerated() {
            let px = x(index), py = y(day.nps)
            svg += #"<text x="\#(f(px))" y="\#(f(height - bottom + 18))" class="tick" text-anchor="middle">\#(escape(tick(day)))</text>"#
            guard day.sessions > 0 else { continue }
            svg += #"<circle cx="\#(f(px))" cy="\#(f(py))" r="4" class="point"><title>\#(escape(day.label)): \#(signed(day.nps)) (\#(day.sessions) sessions)</title></circle>"#
            svg += #"<text x="\#(f(px))" y="\#(f(py - 9))" class="value" text-anchor="middle">\#(signed(day.nps))</text>"#
        }
        return svg + "</svg>"
    }

    /// A vertical line on a line chart: where (a fractional point index), its short label and its hover text.
    struct Marker {
        var at: Double
        var label: String
        var title: String
    }

    /// How many sessions got each score 0…10, bars coloured by NPS class (detractor, passive, promoter).
    static func distribution(_ counts: [Int], width: Double = 640, height: Double = 220) -> String {
        let left = 40.0, right = 16.0, top = 20.0, bottom = 36.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let highest = max(1, counts.max() ?? 1)
        let slot = plotWidth / 11
        var svg = open(width, height, title: "Sessions by implied score, 0 to 10", id: "score-distribution")
        svg += #"<line x1="\#(f(left))" y1="\#(f(top + plotHeight))" x2="\#(f(width - right))" y2="\#(f(top + plotHeight))" class="axis"/>"#
        for (score, count) in counts.enumerated() {
            let barHeight = Double(count) / Double(highest) * plotHeight
            let bx = left + Double(score) * slot + slot * 0.15
            let by = top + plotHeight - barHeight
            let kind = score <= 6 ? "detractor" : score <= 8 ? "passive" : "promoter"
            svg += #"<rect x="\#(f(bx))" y="\#(f(by))" width="\#(f(slot * 0.7))" height="\#(f(barHeight))" class="bar \#(kind)"><title>score \#(score): \#(count) sessions</title></rect>"#
            svg += #"<text x="\#(f(bx + slot * 0.35))" y="\#(f(by - 4))" class="value" text-anchor="middle">\#(count)</text>"#
            svg += #"<text x="\#(f(bx + slot * 0.35))" y="\#(f(height - bottom + 16))" class="tick" text-anchor="middle">\#(score)</text>"#
        }
        return svg + "</svg>"
    }

    /// The chart's opening tag: drawn in `width`×`height` units and scaled to the width of its place on the page.
    static func open(_ width: Double, _ height: Double, title: String, id: String) -> String {
        #"<svg xmlns="http://www.w3.org/2000/svg" id="\#(id)" viewBox="0 0 \#(f(width)) \#(f(height))" width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-label="\#(escape(title))"><title>\#(escape(title))</title>"#
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }
    static func signed(_ value: Double) -> String { String(format: "%+.0f", value) }
    static func escape(_ text: String) -> String { HTMLText.escape(text) }
}

/// Escaping for text and attribute values.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
