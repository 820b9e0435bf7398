// TNEF: the "winmail.dat" (application/ms-tnef) Outlook attaches instead of real attachments when it sends rich
// text. Read here in Swift (MS-OXTNEF, MS-OXRTFCP) into the files and the body text inside, so that an agent sees
// the letter and PDFs a region sent, not one opaque file.
// Hostile input like every mail: every length is checked against the bytes left before it is used, property
// counts are bounded by those bytes, nested messages by a depth limit, and the compressed RTF's output by a cap.
import Foundation

public enum TNEF {
    /// What a TNEF stream holds.
    public struct Content {
        /// The message body as plain text (from the plain body, else the HTML body, else the RTF body).
        public var text: String?
        public var attachments: [ParsedAttachment] = []
        public var warnings: [String] = []
    }

    static let signature: UInt32 = 0x223E_9F78
    /// Nested embedded messages beyond this are kept as they are.
    static let maxDepth = 4
    /// Decompressed RTF is capped (a 4 KB stream could claim gigabytes).
    static let maxRTF = 16 << 20
    /// Files taken from one stream, nested messages included; 11 bytes make an attachment attribute, so a large
    /// hostile stream could otherwise turn into millions of rows. The rest stays in winmail.dat itself.
    static let maxAttachments = 1_000

    /// True when `bytes` starts like a TNEF stream.
    public static func isTNEF(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 6 && Reader(bytes).u32(0) == signature
    }

    /// Reads a TNEF stream; nil when it is not one.
    public static func read(_ bytes: [UInt8]) -> Content? {
        read(bytes, depth: 0)
    }

    // MARK: - Attributes

    // Attribute ids (id | type << 16) of MS-OXTNEF 2.1.3.
    static let attBody: UInt32 = 0x0002_800C
    static let attAttachRendData: UInt32 = 0x0006_9002
    static let attAttachTitle: UInt32 = 0x0001_8010
    static let attAttachData: UInt32 = 0x0006_800F
    static let attAttachment: UInt32 = 0x0006_9005
    static let attMsgProps: UInt32 = 0x0006_9003
    static let attOemCodepage: UInt32 = 0x0006_9007

    /// One attachment as the attributes and properties describe it.
    struct Attachment {
        var title: String?
        var longName: String?
        var displayName: String?
        var mimeType: String?
        var data: [UInt8]?
        var embedded: [UInt8]?
    }

    static func read(_ bytes: [UInt8], depth: Int) -> Content? {
        let r = Reader(bytes)
        guard r.u32(0) == signature else { return nil }
        var content = Content()
        var codepage = "windows-1252"
        var plain: String?, html: String?, rtf: [UInt8]?
        var attachments: [Attachment] = []
        var at = 6  // signature and legacy key
        while at < bytes.count {
            // level (1), id (4), length (4), data, checksum (2)
            guard let id = r.u32(at + 1), let length = r.u32(at + 5), Int(length) <= bytes.count - at - 9 else {
                content.warnings.append("TNEF truncated at byte \(at)")
                break
            }
            let data = (at + 9)..<(at + 9 + Int(length))
            at = data.upperBound + 2
            switch id {
            case attOemCodepage:
                if data.count >= 4, let cp = r.u32(data.lowerBound) { codepage = charsetName(codepage: cp) }
            case attBody:
                plain = decode(bytes[data], codepage: codepage)
            case attAttachRendData:
                guard attachments.count < maxAttachments else {
                    content.warnings.append(
                        "TNEF: more than \(maxAttachments) attachments; the rest stay in winmail.dat only")
                    at = bytes.count
                    break
                }
                attachments.append(Attachment())
            case attAttachTitle:
                if !attachments.isEmpty {
                    attachments[attachments.count - 1].title = decode(bytes[data], codepage: codepage)
                }
            case attAttachData:
                if !attachments.isEmpty { attachments[attachments.count - 1].data = Array(bytes[data]) }
            case attAttachment:
                guard !attachments.isEmpty else { break }
                for p in properties(r, data) {
                    switch p.tag {
                    case 0x3707: attachments[attachments.count - 1].longName = p.string(codepage)
                    case 0x3001: attachments[attachments.count - 1].displayName = p.string(codepage)
                    case 0x370E: attachments[attachments.count - 1].mimeType = p.string(codepage)?.lowercased()
                    case 0x3701:
                        // PR_ATTACH_DATA_OBJ: an object (16-byte interface id, then the data) or plain binary.
                        var value = Array(p.value)
                        if p.type == 0x000D { value = Array(value.dropFirst(16)) }
                        if isTNEF(value) {
                            attachments[attachments.count - 1].embedded = value
                        } else {
                            attachments[attachments.count - 1].data = value
                        }
                    default: break
                    }
                }
            case attMsgProps:
                let props = properties(r, data)
                // PR_INTERNET_CPID names the code page of the 8-bit strings, wherever it comes in the list.
                if let cpid = props.first(where: { $0.tag == 0x3FDE }), cpid.valueRange.count >= 4,
                    let cp = r.u32(cpid.valueRange.lowerBound)
                {
                    codepage = charsetName(codepage: cp)
                }
                for p in props {
                    switch p.tag {
                    case 0x1000: plain = plain ?? p.string(codepage)
                    case 0x1013: html = html ?? p.string(codepage)
                    case 0x1009: rtf = rtf ?? Array(p.value)
                    default: break
                    }
                }
            default: break
            }
        }
        if let plain, !plain.trimmedWS.isEmpty {
            content.text = cleaned(plain)
        } else if let html, !html.trimmedWS.isEmpty {
            content.text = cleaned(HTMLText.text(from: html))
        } else if let rtf, let raw = decompressRTF(rtf) {
            content.text = cleaned(RTFText.text(from: raw))
        }

        for a in attachments {
            if let nested = a.embedded {
                // An attached Outlook message: listed under its title, and what it holds unpacked after it.
                let name = [a.longName, a.displayName, a.title].compactMap { $0?.trimmedWS }.first { !$0.isEmpty }
                content.attachments.append(
                    ParsedAttachment(
                        filename: name, contentType: "application/ms-tnef",
                        data: Data(nested), isInline: false))
                guard depth < maxDepth, let inner = read(nested, depth: depth + 1) else { continue }
                content.attachments += inner.attachments.prefix(max(0, maxAttachments - content.attachments.count))
                content.warnings += inner.warnings
                if let t = inner.text, !t.isEmpty {
                    content.text = [content.text, "---------- Pesan terlampir ----------\n" + t]
                        .compactMap { $0 }.joined(separator: "\n\n")
                }
                continue
            }
            guard let data = a.data else { continue }
            let name = [a.longName, a.title].compactMap { $0?.trimmedWS }.first { !$0.isEmpty }
            content.attachments.append(
                ParsedAttachment(
                    filename: name, contentType: a.mimeType ?? "application/octet-stream",
                    data: Data(data), isInline: false))
        }
        return content
    }

    // MARK: - MAPI properties (MS-OXTNEF 2.1.3.4)

    struct Property {
        var type: UInt16
        var tag: UInt16
        var bytes: [UInt8]
        var valueRange: Range<Int>
        var value: ArraySlice<UInt8> { bytes[valueRange] }

        /// A string property (8-bit in the code page, or UTF-16LE), without its terminating NUL.
        func string(_ codepage: String) -> String? {
            switch type {
            case 0x001F:
                var units: [UInt16] = []
                var i = valueRange.lowerBound
                while i + 1 < valueRange.upperBound {
                    units.append(UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8); i += 2
                }
                while units.last == 0 { units.removeLast() }
                return String(decoding: units, as: UTF16.self)
            case 0x001E, 0x0102: return TNEF.decode(value, codepage: codepage)
            default: return nil
            }
        }
    }

    /// The first value of each property in a property list; stops at the first type whose size is unknown.
    static func properties(_ r: Reader, _ range: Range<Int>) -> [Property] {
        var out: [Property] = []
        // An attribute shorter than its own count field holds no property (and `at` must not pass `end`).
        guard range.count >= 4, let count = r.u32(range.lowerBound) else { return out }
        var at = range.lowerBound + 4
        let end = range.upperBound
        // Each property takes at least 4 bytes: the count cannot make us loop longer than the bytes allow.
        for _ in 0..<min(Int(count), (end - at) / 4) {
            guard at + 4 <= end, let type = r.u16(at), let tag = r.u16(at + 2) else { break }
            at += 4
            if tag >= 0x8000 {  // named property: GUID, kind, then a number or a name
                guard at + 20 <= end, let kind = r.u32(at + 16) else { return out }
                at += 20
                if kind == 0 {
                    at += 4
                } else {
                    guard let n = r.u32(at), Int(n) <= end - at - 4 else { return out }
                    at += 4 + padded(Int(n))
                }
            }
            let multi = type & 0x1000 != 0
            let base = type & 0x0FFF
            var values = 1
            let variable = [0x001E, 0x001F, 0x0102, 0x000D].contains(base)
            if multi || variable {
                guard let n = r.u32(at), Int(n) <= (end - at) / 4 else { return out }
                values = Int(n); at += 4
            }
            var first: Range<Int>?
            for _ in 0..<values {
                let size: Int
                if variable {
                    guard let n = r.u32(at), Int(n) <= end - at - 4 else { return out }
                    at += 4
                    size = Int(n)
                } else if let fixed = fixedSize(base) {
                    size = fixed
                } else {
                    return out
                }
                guard size <= end - at else { return out }
                if first == nil { first = at..<(at + size) }
                at += variable ? padded(size) : size
            }
            if let first { out.append(Property(type: base, tag: tag, bytes: r.bytes, valueRange: first)) }
        }
        return out
    }

    static func fixedSize(_ type: UInt16) -> Int? {
        switch type {
        case 0x0002, 0x0003, 0x0004, 0x000A, 0x000B: return 4  // short and boolean are padded to 4
        case 0x0005, 0x0006, 0x0007, 0x0014, 0x0040: return 8
        case 0x0048: return 16
        case 0x0000, 0x0001: return 0
        default: return nil
        }
    }

    static func padded(_ n: Int) -> Int { (n + 3) & ~3 }

    // MARK: - Text

    static func charsetName(codepage: UInt32) -> String {
        switch codepage {
        case 65001: return "utf-8"
        case 20127: return "us-ascii"
        case 28591: return "iso-8859-1"
        case 1200: return "utf-16le"
        default: return "cp\(codepage)"
        }
    }

    /// Line ends as LF, no NUL (C-string readers down the line would stop there), no surrounding blank lines.
    static func cleaned(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\u{0}", with: "").trimmedWS
    }

    static func decode(_ bytes: ArraySlice<UInt8>, codepage: String) -> String {
        var b = Array(bytes)
        while b.last == 0 { b.removeLast() }
        var ignored: [String] = []
        return Charset.decode(b, charset: codepage, warnings: &ignored, context: "TNEF")
    }

    // MARK: - Compressed RTF (MS-OXRTFCP)

    static let rtfPrefix = Array(
        ("{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern "
            + "\\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
            + "\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx").utf8)

    /// The RTF of a PR_RTF_COMPRESSED value; nil when it is neither compressed ("LZFu") nor stored ("MELA").
    static func decompressRTF(_ input: [UInt8]) -> [UInt8]? {
        let r = Reader(input)
        guard let rawSize = r.u32(4), let kind = r.u32(8) else { return nil }
        let limit = min(Int(rawSize), maxRTF)
        if kind == 0x414C_454D { return Array(input.dropFirst(16).prefix(limit)) }  // "MELA": not compressed
        guard kind == 0x7546_5A4C else { return nil }  // "LZFu"
        var dict = [UInt8](repeating: 0, count: 4096)
        for (i, c) in rtfPrefix.enumerated() { dict[i] = c }
        var write = rtfPrefix.count
        var out: [UInt8] = []
        out.reserveCapacity(min(limit, input.count * 8))
        var at = 16
        while at < input.count, out.count < limit {
            let control = input[at]; at += 1
            for bit in 0..<8 {
                guard at < input.count, out.count < limit else { break }
                if control & (1 << bit) == 0 {
                    let c = input[at]; at += 1
                    out.append(c); dict[write] = c; write = (write + 1) & 0xFFF
                    continue
                }
                guard at + 1 < input.count else { return out }
                let ref = Int(input[at]) << 8 | Int(input[at + 1]); at += 2
                let offset = ref >> 4, length = (ref & 0xF) + 2
                if offset == write { return out }  // the end marker
                for i in 0..<length where out.count < limit {
                    let c = dict[(offset + i) & 0xFFF]
                    out.append(c); dict[write] = c; write = (write + 1) & 0xFFF
                }
            }
        }
        return out
    }

    /// Little-endian reads that return nil past the end.
    struct Reader {
        let bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        func u16(_ at: Int) -> UInt16? {
            guard at >= 0, at + 2 <= bytes.count else { return nil }
            return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
        }
        func u32(_ at: Int) -> UInt32? {
            guard at >= 0, at + 4 <= bytes.count else { return nil }
            return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3])
                << 24
        }
    }
}
