// Charts of the monthly report as SVG drawn here: no script, no library, readable when printed. Labels are
// escaped (category and unit names come from configuration, region names from the store).
import Foundation

enum SVGChart {
    static let brand = "#0b4f8a", second = "#e08a1e", ink = "#1d2733", muted = "#5b6775", grid = "#d8dee6"

    /// One bar per item, longest first as given, the value at the bar's end.
    static func horizontalBars(_ items: [(label: String, value: Int)], width: Int = 640) -> String {
        guard !items.isEmpty else { return "" }
        let labelWidth = 170, row = 26, bar = 18, top = 6
        let maxValue = max(items.map(\.value).max() ?? 1, 1)
        let span = Double(width - labelWidth - 50)
        let height = top * 2 + row * items.count
        var out = svgOpen(width: width, height: height, title: "Diagram batang")
        for (i, item) in items.enumerated() {
            let y = top + i * row
            let length = Int((Double(item.value) / Double(maxValue) * span).rounded())
            out += text(x: labelWidth - 8, y: y + bar - 4, item.label, anchor: "end", fill: ink)
            out +=
                "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(max(length, 1))\" height=\"\(bar)\" fill=\"\(brand)\" rx=\"2\"/>"
            out += text(x: labelWidth + length + 6, y: y + bar - 4, String(item.value), anchor: "start", fill: ink)
        }
        return out + "</svg>"
    }

    /// Two bars per group (inside and outside service hours), with a legend.
    static func pairedBars(
        _ groups: [(label: String, first: Int, second: Int)], legend: (String, String), width: Int = 640
    ) -> String {
        guard !groups.isEmpty else { return "" }
        let labelWidth = 80, bar = 14, gap = 4, row = 2 * bar + gap + 14, top = 30
        let maxValue = max(groups.map { max($0.first, $0.second) }.max() ?? 1, 1)
        let span = Double(width - labelWidth - 50)
        let height = top + row * groups.count
        var out = svgOpen(width: width, height: height, title: "Diagram batang berpasangan")
        out += "<rect x=\"\(labelWidth)\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(brand)\"/>"
        out += text(x: labelWidth + 18, y: 15, legend.0, anchor: "start", fill: ink)
        out += "<rect x=\"\(labelWidth + 220)\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(second)\"/>"
        out += text(x: labelWidth + 238, y: 15, legend.1, anchor: "start", fill: ink)
        for (i, g) in groups.enumerated() {
            let y = top + i * row
            out += text(x: labelWidth - 8, y: y + bar + 4, g.label, anchor: "end", fill: ink)
            for (j, (value, color)) in [(g.first, brand), (g.second, second)].enumerated() {
                let length = Int((Double(value) / Double(maxValue) * span).rounded())
                let by = y + j * (bar + gap)
                out +=
                    "<rect x=\"\(labelWidth)\" y=\"\(by)\" width=\"\(max(length, 1))\" height=\"\(bar)\" fill=\"\(color)\"/>"
                out += text(x: labelWidth + length + 6, y: by + bar - 3, String(value), anchor: "start", fill: ink)
            }
        }
        return out + "</svg>"
    }

    private static func svgOpen(width: Int, height: Int, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" "
            + "role=\"img\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"13\"><title>\(escape(title))</title>"
    }

    private static func text(x: Int, y: Int, _ s: String, anchor: String, fill: String) -> String {
        "<text x=\"\(x)\" y=\"\(y)\" text-anchor=\"\(anchor)\" fill=\"\(fill)\">\(escape(s))</text>"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
