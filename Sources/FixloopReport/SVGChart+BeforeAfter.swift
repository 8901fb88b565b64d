import Foundation

extension SVGChart {
    /// A fix's before/after figures as two small bar pairs: the pattern's matching sessions (scaled to the larger
    /// count) and the route's implied NPS (on −100…+100 around a zero line). Every bar carries its value as text; a
    /// window without route sessions gets `n/a` and no bar.
    static func beforeAfter(_ outcome: WeeklyReview.Outcome, id: String, width: Double = 360, height: Double = 150) -> String {
        let top = 22.0, bottom = 22.0, plotHeight = height - top - bottom
        let half = width / 2, bar = 44.0
        var svg = open(width, height, title: "\(outcome.ticket): matching sessions and implied NPS before and after the fix", id: id)
        // Left: matching sessions, bars from the baseline up.
        let highest = Double(max(1, outcome.matchingBefore, outcome.matchingAfter))
        let base = top + plotHeight
        svg += #"<text x="\#(f(half / 2))" y="12" class="tick" text-anchor="middle">matching sessions</text>"#
        svg += #"<line x1="12" y1="\#(f(base))" x2="\#(f(half - 12))" y2="\#(f(base))" class="axis"/>"#
        for (index, (label, count)) in [("before", outcome.matchingBefore), ("after", outcome.matchingAfter)].enumerated() {
            let cx = half / 2 + (index == 0 ? -30 : 30)
            let barHeight = Double(count) / highest * (plotHeight - 14)
            svg += #"<rect x="\#(f(cx - bar / 2))" y="\#(f(base - barHeight))" width="\#(f(bar))" height="\#(f(barHeight))" class="bar \#(label)"><title>\#(label): \#(count) matching sessions</title></rect>"#
            svg += #"<text x="\#(f(cx))" y="\#(f(base - barHeight - 4))" class="value" text-anchor="middle">\#(count)</text>"#
            svg += #"<text x="\#(f(cx))" y="\#(f(height - 6))" class="tick" text-anchor="middle">\#(label)</text>"#
        }
        // Right: the route's implied NPS, bars from the zero line up or down.
        let zero = top + plotHeight / 2
        func y(_ nps: Double) -> Double { zero - max(-100, min(100, nps)) / 100 * (plotHeight / 2 - 8) }
        let route = outcome.route.isEmpty ? "the route" : outcome.route
        svg += #"<text x="\#(f(half + half / 2))" y="12" class="tick" text-anchor="middle">\#(escape(route))'s implied NPS</text>"#
        svg += #"<line x1="\#(f(half + 12))" y1="\#(f(zero))" x2="\#(f(width - 12))" y2="\#(f(zero))" class="axis"/>"#
        for (index, (label, nps)) in [("before", outcome.npsBefore), ("after", outcome.npsAfter)].enumerated() {
            let cx = half + half / 2 + (index == 0 ? -30 : 30)
            svg += #"<text x="\#(f(cx))" y="\#(f(height - 6))" class="tick" text-anchor="middle">\#(label)</text>"#
            guard let nps else {
                svg += #"<text x="\#(f(cx))" y="\#(f(zero - 4))" class="value" text-anchor="middle">n/a</text>"#
                continue
            }
            let (y0, y1) = (min(zero, y(nps)), max(zero, y(nps)))
            let kind = nps >= 0 ? "promoter" : "detractor"
            svg += #"<rect x="\#(f(cx - bar / 2))" y="\#(f(y0))" width="\#(f(bar))" height="\#(f(y1 - y0))" class="bar \#(kind)"><title>\#(label): implied NPS \#(signed(nps))</title></rect>"#
            let ty = nps >= 0 ? y0 - 4 : y1 + 12
            svg += #"<text x="\#(f(cx))" y="\#(f(ty))" class="value" text-anchor="middle">\#(signed(nps))</text>"#
        }
        return svg + "</svg>"
    }
}
