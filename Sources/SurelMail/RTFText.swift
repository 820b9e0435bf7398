// RTFText: the readable text of an RTF document, for the body of an Outlook TNEF (winmail.dat) mail.
// Not a renderer: paragraphs, tabs, characters (\'hh in the document's code page, \uN) and nothing else;
// font tables, styles, pictures and other destinations are skipped. RTF that Outlook made from HTML
// (\fromhtml1) carries the HTML in \*\htmltag groups: that HTML is rebuilt and read by HTMLText.
// One pass over the bytes with an explicit group stack: linear, and no recursion for a hostile nesting depth.
import Foundation

enum RTFText {
    static func text(from rtf: [UInt8]) -> String {
        var reader = Reader(rtf)
        return reader.run()
    }

    /// Destinations whose text is not part of the body.
    static let skipped: Set<String> = [
        "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "footer", "headerl", "headerr",
        "headerf", "footerl", "footerr", "footerf", "listtable", "listoverridetable", "rsidtbl", "generator",
        "xmlnstbl", "themedata", "colorschememapping", "datastore", "latentstyles", "pgdsctbl", "filetbl", "revtbl",
        "mmathPr", "fldinst", "field-inst", "bkmkstart", "bkmkend", "private", "nonshppict", "objdata", "listtext",
    ]

    struct Group {
        var skip = false
        var unicodeFallback = 1
        var htmlTag = false
    }

    struct Reader {
        let b: [UInt8]
        var i = 0
        var stack: [Group] = [Group()]
        var codepage = "windows-1252"
        var fromHTML = false
        var htmlRTF = false  // \htmlrtf: RTF-only content of encapsulated HTML, not part of the HTML
        var pending: [UInt8] = []  // bytes in the code page not yet decoded
        var out = ""
        var skipFallback = 0  // fallback characters still to drop after a \uN

        init(_ b: [UInt8]) { self.b = b }

        var current: Group {
            get { stack[stack.count - 1] }
            set { stack[stack.count - 1] = newValue }
        }

        /// Whether text at this point belongs to the output.
        var emitting: Bool {
            if current.skip { return false }
            if fromHTML { return current.htmlTag || !htmlRTF }
            return true
        }

        mutating func flush() {
            guard !pending.isEmpty else { return }
            var ignored: [String] = []
            out += Charset.decode(pending, charset: codepage, warnings: &ignored, context: "RTF")
            pending.removeAll(keepingCapacity: true)
        }

        mutating func emit(byte: UInt8) {
            if skipFallback > 0 { skipFallback -= 1; return }
            if emitting { pending.append(byte) }
        }

        mutating func emit(_ s: String) {
            guard emitting else { return }
            flush()
            out += s
        }

        mutating func run() -> String {
            let n = b.count
            var starGroup = false  // the group just opened with \*
            while i < n {
                let c = b[i]
                switch c {
                case UInt8(ascii: "{"):
                    stack.append(current)
                    stack[stack.count - 1].htmlTag = false
                    i += 1
                    starGroup = false
                case UInt8(ascii: "}"):
                    if stack.count > 1 { stack.removeLast() }
                    skipFallback = 0
                    i += 1
                case UInt8(ascii: "\\"):
                    i += 1
                    guard i < n else { break }
                    let d = b[i]
                    if isLetter(d) {
                        let (word, param) = controlWord()
                        control(word, param, afterStar: starGroup)
                        starGroup = false
                    } else {
                        i += 1
                        switch d {
                        case UInt8(ascii: "*"): starGroup = true
                        case UInt8(ascii: "'"):
                            if i + 1 < n, let h = Hex.value(b[i]), let l = Hex.value(b[i + 1]) {
                                i += 2
                                emit(byte: h << 4 | l)
                            }
                        case UInt8(ascii: "~"): emit("\u{00A0}")
                        case UInt8(ascii: "_"): emit("-")
                        case UInt8(ascii: "-"): break
                        case 0x0A, 0x0D: emit("\n")
                        default: emit(byte: d)  // \\ \{ \}
                        }
                    }
                case 0x0A, 0x0D:
                    i += 1
                default:
                    emit(byte: c)
                    i += 1
                }
            }
            flush()
            if fromHTML { return HTMLText.text(from: out) }
            return out.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n").trimmedNewlines
        }

        /// Reads a control word and its optional numeric parameter (and the space that ends it).
        mutating func controlWord() -> (String, Int?) {
            let start = i
            while i < b.count, isLetter(b[i]), i - start < 32 { i += 1 }
            let word = String(decoding: b[start..<i], as: UTF8.self)
            var param: Int?
            var negative = false
            if i < b.count, b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
            var digits = 0
            var value = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                // Nine digits at most count: a longer number could not be a code page or a character anyway,
                // and it must not overflow what it is converted to.
                if digits < 9 { value = value * 10 + Int(b[i] - 0x30) }
                digits += 1; i += 1
            }
            if digits > 0 { param = negative ? -value : value }
            if i < b.count, b[i] == 0x20 { i += 1 }
            return (word, param)
        }

        mutating func control(_ word: String, _ param: Int?, afterStar: Bool) {
            switch word {
            case "par", "line", "sect", "row": emit("\n")
            case "tab", "cell": emit("\t")
            case "emdash": emit("\u{2014}")
            case "endash": emit("\u{2013}")
            case "bullet": emit("\u{2022}")
            case "lquote": emit("\u{2018}")
            case "rquote": emit("\u{2019}")
            case "ldblquote": emit("\u{201C}")
            case "rdblquote": emit("\u{201D}")
            case "ansicpg": if let p = param, p > 0 { flush(); codepage = TNEF.charsetName(codepage: UInt32(p)) }
            case "fromhtml": fromHTML = true
            case "htmlrtf": htmlRTF = param != 0
            case "uc": current.unicodeFallback = max(0, min(param ?? 1, 8))
            case "u":
                guard var v = param else { break }
                if v < 0 { v += 65536 }
                let scalar = (0...0x10FFFF).contains(v) ? Unicode.Scalar(UInt32(v)) ?? "\u{FFFD}" : "\u{FFFD}"
                emit(String(Character(scalar)))
                skipFallback = current.unicodeFallback
            case "htmltag", "mhtmltag":
                current.htmlTag = true
            default:
                if afterStar || skipped.contains(word) { current.skip = true }
            }
        }

        func isLetter(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) }
    }
}
