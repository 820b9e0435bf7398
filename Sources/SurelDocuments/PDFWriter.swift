// PDF documents (the BAK) with cairo and pango, wrapped once here: pango shapes and wraps the text (any script, the
// DejaVu fonts Debian ships), cairo writes A4 pages into memory. Long text continues on new pages line by line.
// Quirks: PANGO_SCALE (1024) is a macro Swift does not import; cairo reports errors through a sticky status that
// has to be checked after finishing the surface; every pango/cairo object is released by hand.
import CPangoCairo
import Foundation

public struct DocumentBlock: Sendable {
    public enum Style: Sendable { case title, heading, body, small, bars, table }
    public var style: Style
    public var text: String
    /// A bar chart (`.bars`): one row per item, a second bar beside the first when `second` is given.
    public var bars: [Bar] = []
    /// The two bars' names, for the legend of a chart with paired bars.
    public var legend: (String, String)?
    /// A table (`.table`): the first row is the header.
    public var rows: [[String]] = []

    public struct Bar: Sendable {
        public var label: String
        public var value: Int
        public var second: Int?
        public init(_ label: String, _ value: Int, second: Int? = nil) {
            self.label = label; self.value = value; self.second = second
        }
    }

    public init(_ style: Style, _ text: String) { self.style = style; self.text = text }

    public static func chart(_ bars: [Bar], legend: (String, String)? = nil) -> DocumentBlock {
        var b = DocumentBlock(.bars, "")
        b.bars = bars
        b.legend = legend
        return b
    }

    public static func table(_ rows: [[String]]) -> DocumentBlock {
        var b = DocumentBlock(.table, "")
        b.rows = rows
        return b
    }
}

public enum PDFWriter {
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    static let pangoScale = 1024.0
    /// A4 in points, with 2 cm margins.
    static let pageWidth = 595.0, pageHeight = 842.0, margin = 56.0

    private final class Sink {
        var data = Data()
    }

    private static let write: cairo_write_func_t = { closure, bytes, length in
        guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
        Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
        return CAIRO_STATUS_SUCCESS
    }

    static func font(_ style: DocumentBlock.Style) -> String {
        switch style {
        case .title: return "DejaVu Sans Bold 12"
        case .heading: return "DejaVu Sans Bold 11"
        case .body: return "DejaVu Sans 10"
        case .small: return "DejaVu Sans 8"
        case .bars, .table: return "DejaVu Sans 9"
        }
    }

    /// Renders the blocks top to bottom on as many A4 pages as they need.
    public static func render(_ blocks: [DocumentBlock], title: String) throws -> Data {
        let sink = Sink()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        guard let surface = cairo_pdf_surface_create_for_stream(write, box.toOpaque(), pageWidth, pageHeight) else {
            throw Failure(message: "cairo could not create a PDF surface")
        }
        defer { cairo_surface_destroy(surface) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "surel, Contact Center DJPK")
        guard let cr = cairo_create(surface) else { throw Failure(message: "cairo could not create a context") }
        defer { cairo_destroy(cr) }

        let width = pageWidth - 2 * margin, bottom = pageHeight - margin
        var y = margin
        for block in blocks {
            if block.style == .bars || block.style == .table {
                let page = Page(cr: cr, width: width, bottom: bottom)
                y = block.style == .bars ? try page.bars(block, at: y) : try page.table(block.rows, at: y)
                y += 8
                cairo_set_source_rgb(cr, 0, 0, 0)
                continue
            }
            // A heading starts a new page rather than end one alone.
            if block.style == .heading, y + 80 > bottom {
                cairo_show_page(cr)
                y = margin
            }
            guard let layout = pango_cairo_create_layout(cr) else {
                throw Failure(message: "pango could not create a layout")
            }
            defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
            let desc = pango_font_description_from_string(font(block.style))
            defer { pango_font_description_free(desc) }
            pango_layout_set_font_description(layout, desc)
            pango_layout_set_width(layout, Int32(width * pangoScale))
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
            if block.style == .title { pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER) }
            pango_layout_set_text(layout, block.text, -1)
            // Line by line, so a long answer continues on the next page instead of running off this one.
            guard let iter = pango_layout_get_iter(layout) else { continue }
            defer { pango_layout_iter_free(iter) }
            repeat {
                var logical = PangoRectangle()
                pango_layout_iter_get_line_extents(iter, nil, &logical)
                let lineHeight = Double(logical.height) / pangoScale
                if y + lineHeight > bottom {
                    cairo_show_page(cr)
                    y = margin
                }
                let baseline = Double(pango_layout_iter_get_baseline(iter) - logical.y) / pangoScale
                cairo_move_to(cr, margin + Double(logical.x) / pangoScale, y + baseline)
                pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(iter))
                y += lineHeight
            } while pango_layout_iter_next_line(iter) != 0
            y += 8
        }
        cairo_show_page(cr)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw Failure(message: "cairo: " + String(cString: cairo_status_to_string(status)))
        }
        return sink.data
    }
}

/// Charts and tables on the report's pages: drawn row by row, a row that does not fit starts a new page.
private struct Page {
    let cr: OpaquePointer
    let width: Double
    let bottom: Double
    static let brand = (0.043, 0.310, 0.541), second = (0.878, 0.541, 0.118), grid = (0.847, 0.871, 0.902)

    /// A text in the report's small face, `width` wide (wrapped) or on one line; returns its height.
    @discardableResult
    func text(
        _ s: String, x: Double, y: Double, width: Double?, bold: Bool = false, right: Bool = false,
        oneLine: Bool = false, draw: Bool = true
    ) throws -> Double {
        guard let layout = pango_cairo_create_layout(cr) else {
            throw PDFWriter.Failure(message: "pango could not create a layout")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let desc = pango_font_description_from_string(bold ? "DejaVu Sans Bold 9" : "DejaVu Sans 9")
        defer { pango_font_description_free(desc) }
        pango_layout_set_font_description(layout, desc)
        if let width {
            pango_layout_set_width(layout, Int32(width * PDFWriter.pangoScale))
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
            // A chart's label stays on its bar's line: cut with an ellipsis rather than wrapped.
            if oneLine { pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END) }
            if right { pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT) }
        }
        pango_layout_set_text(layout, s, -1)
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(layout, &w, &h)
        if draw {
            cairo_set_source_rgb(cr, 0.114, 0.153, 0.2)
            cairo_move_to(cr, x, y)
            pango_cairo_show_layout(cr, layout)
        }
        return Double(h) / PDFWriter.pangoScale
    }

    func fill(_ color: (Double, Double, Double), _ x: Double, _ y: Double, _ w: Double, _ h: Double) {
        cairo_set_source_rgb(cr, color.0, color.1, color.2)
        cairo_rectangle(cr, x, y, w, h)
        cairo_fill(cr)
    }

    func bars(_ block: DocumentBlock, at top: Double) throws -> Double {
        var y = top
        let labelWidth = 160.0, bar = 11.0, gap = 3.0
        let paired = block.bars.contains { $0.second != nil }
        let row = paired ? 2 * bar + gap + 8 : bar + 7
        let maxValue = Double(max(block.bars.map { max($0.value, $0.second ?? 0) }.max() ?? 1, 1))
        let span = width - labelWidth - 50
        if let legend = block.legend {
            if y + 16 > bottom { cairo_show_page(cr); y = PDFWriter.margin }
            fill(Self.brand, PDFWriter.margin + labelWidth, y + 2, 9, 9)
            try text(legend.0, x: PDFWriter.margin + labelWidth + 13, y: y, width: nil)
            fill(Self.second, PDFWriter.margin + labelWidth + 170, y + 2, 9, 9)
            try text(legend.1, x: PDFWriter.margin + labelWidth + 183, y: y, width: nil)
            y += 18
        }
        for b in block.bars {
            if y + row > bottom { cairo_show_page(cr); y = PDFWriter.margin }
            try text(b.label, x: PDFWriter.margin, y: y - 1, width: labelWidth - 8, right: true, oneLine: true)
            for (i, (value, color)) in [(b.value, Self.brand), (b.second, Self.second)].enumerated() {
                guard let value, i == 0 || paired else { continue }
                let by = y + Double(i) * (bar + gap)
                let length = max(Double(value) / maxValue * span, 1)
                fill(color, PDFWriter.margin + labelWidth, by, length, bar)
                try text(String(value), x: PDFWriter.margin + labelWidth + length + 4, y: by - 1, width: nil)
            }
            y += row
        }
        return y
    }

    func table(_ rows: [[String]], at top: Double) throws -> Double {
        var y = top
        guard let columns = rows.map(\.count).max(), columns > 0 else { return y }
        // The first column (names) gets the most room.
        let first = min(width * 0.4, width / Double(columns) * 1.6)
        let rest = columns > 1 ? (width - first) / Double(columns - 1) : 0
        func x(_ i: Int) -> Double { PDFWriter.margin + (i == 0 ? 0 : first + Double(i - 1) * rest) }
        func w(_ i: Int) -> Double { (i == 0 ? first : rest) - 6 }
        for (r, row) in rows.enumerated() {
            let height = try row.enumerated().map { try text($1, x: 0, y: 0, width: w($0), draw: false) }.max() ?? 12
            if y + height + 6 > bottom { cairo_show_page(cr); y = PDFWriter.margin }
            if r == 0 { fill(Self.grid, PDFWriter.margin, y, width, height + 6) }
            for (i, cell) in row.enumerated() {
                try text(cell, x: x(i) + 3, y: y + 3, width: w(i), bold: r == 0)
            }
            y += height + 6
            cairo_set_source_rgb(cr, Self.grid.0, Self.grid.1, Self.grid.2)
            cairo_set_line_width(cr, 0.5)
            cairo_move_to(cr, PDFWriter.margin, y)
            cairo_line_to(cr, PDFWriter.margin + width, y)
            cairo_stroke(cr)
        }
        return y
    }
}
