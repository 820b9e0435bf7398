// PDF documents (the BAK) with cairo and pango, wrapped once here: pango shapes and wraps the text (any script, the
// DejaVu fonts Debian ships), cairo writes A4 pages into memory. Long text continues on new pages line by line.
// Quirks: PANGO_SCALE (1024) is a macro Swift does not import; cairo reports errors through a sticky status that
// has to be checked after finishing the surface; every pango/cairo object is released by hand.
import CPangoCairo
import Foundation

public struct DocumentBlock: Sendable {
    public enum Style: Sendable { case title, heading, body, small }
    public var style: Style
    public var text: String
    public init(_ style: Style, _ text: String) { self.style = style; self.text = text }
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
