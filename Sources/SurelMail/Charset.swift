// Charset decoding for MIME bodies and headers: bytes in a declared charset -> Swift String (UTF-8).
// Fast paths in Swift for UTF-8, US-ASCII, ISO-8859-1 and windows-1252 (the bulk of real mail); anything else
// goes through glibc iconv, the same converter Mailutils' own "ICONV" filter uses.
#if canImport(Glibc)
    import Glibc
#endif
import Foundation

enum Charset {
    /// Decodes `bytes` declared as `charset` (may be nil or junk). Never fails: undecodable input falls back to
    /// windows-1252 (every byte maps to a character), with a warning.
    static func decode(_ bytes: [UInt8], charset: String?, warnings: inout [String], context: String) -> String {
        if bytes.isEmpty { return "" }
        let cs = normalize(charset)
        switch cs {
        case "utf-8", "us-ascii", "":
            if let s = validUTF8(bytes) { return s }
            if cs == "utf-8" {
                // A declared UTF-8 text with a bad byte is still UTF-8: that byte becomes U+FFFD, not the whole
                // text mojibake.
                warnings.append("\(context): invalid UTF-8 bytes replaced")
                return String(decoding: bytes, as: UTF8.self)
            } else if cs == "" {
                warnings.append("\(context): no charset and not UTF-8, decoded as windows-1252")
            }
            // us-ascii labelled 8-bit text is routinely latin-1/cp1252: no warning worth showing.
            return windows1252(bytes)
        case "iso-8859-1", "windows-1252":
            // WHATWG: iso-8859-1 labels mean windows-1252 (senders put curly quotes in "latin-1" mail).
            return windows1252(bytes)
        default:
            var invalid = 0
            if let s = iconvDecode(bytes, from: cs, invalid: &invalid) {
                if invalid > 0 { warnings.append("\(context): \(invalid) bytes invalid in \(charset ?? "") replaced") }
                return s
            }
            if let s = validUTF8(bytes) {
                warnings.append("\(context): charset \(charset ?? "") failed, decoded as UTF-8")
                return s
            }
            warnings.append("\(context): unknown or broken charset \(charset ?? ""), decoded as windows-1252")
            return windows1252(bytes)
        }
    }

    /// Lowercased, trimmed, with common aliases mapped to the names iconv and the fast paths use.
    static func normalize(_ charset: String?) -> String {
        guard var c = charset?.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'")).lowercased(),
            !c.isEmpty
        else { return "" }
        if let star = c.firstIndex(of: "*") { c = String(c[..<star]) }  // RFC 2231 language suffix
        switch c {
        case "utf8", "utf-8", "x-utf-8", "unicode-1-1-utf-8": return "utf-8"
        case "us-ascii", "ascii", "ansi_x3.4-1968", "646", "iso646-us", "us", "default", "x-unknown", "unknown",
            "unknown-8bit", "x-user-defined", "charset", "none":
            return "us-ascii"
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "iso-latin-1", "8859-1",
            "iso_8859-1:1987", "cp819", "ibm819":
            return "iso-8859-1"
        case "windows-1252", "cp1252", "cp-1252", "win-1252", "x-cp1252", "ms-ansi", "windows1252":
            return "windows-1252"
        case "gb2312", "gbk", "x-gbk", "cp936", "euc-cn", "x-euc-cn", "chinese": return "gb18030"
        case "ks_c_5601-1987", "ks_c_5601", "euc-kr", "x-euc-kr", "korean": return "cp949"
        case "x-sjis", "shift-jis", "sjis", "ms_kanji", "windows-31j": return "cp932"
        case "tis-620", "windows-874", "iso-8859-11": return "cp874"
        default:
            if c.hasPrefix("windows-") { return "cp" + c.dropFirst(8) }
            return c
        }
    }

    static func validUTF8(_ bytes: [UInt8]) -> String? {
        String(validating: bytes, as: UTF8.self)
    }

    /// UTF-8 if valid, else windows-1252 (used for raw 8-bit header bytes, which carry no charset).
    static func utf8OrWindows1252(_ bytes: [UInt8]) -> String {
        validUTF8(bytes) ?? windows1252(bytes)
    }

    // windows-1252 0x80...0x9F; the five holes map to the C1 controls, like Python's and WHATWG's decoders.
    private static let cp1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D,
        0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D,
        0x017E, 0x0178,
    ]

    static func windows1252(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 4)
        for b in bytes {
            if b < 0x80 { out.append(b); continue }
            let v: UInt32 = b < 0xA0 ? UInt32(cp1252High[Int(b) - 0x80]) : UInt32(b)
            if v < 0x800 {
                out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F)))
            } else {
                out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
                out.append(UInt8(0x80 | (v & 0x3F)))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// iconv(3) conversion to UTF-8; nil when iconv does not know the charset or more than 2% of the input is
    /// invalid in it. A few invalid bytes (common in real mail) become U+FFFD and are counted in `invalid`.
    static func iconvDecode(_ bytes: [UInt8], from charset: String, invalid: inout Int) -> String? {
        // The name comes from the mail: only a plausible charset name reaches iconv_open.
        guard charset.utf8.count <= 40,
            charset.utf8.allSatisfy({ c in
                (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x5F || c == 0x2E || c == 0x3A
            })
        else { return nil }
        let cd = iconv_open("UTF-8", charset)
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
        var produced = 0
        var skipped = 0
        let ok: Bool = input.withUnsafeMutableBufferPointer { inBuf -> Bool in
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress!).assumingMemoryBound(
                to: CChar.self)
            var inLeft = inBuf.count
            while inLeft > 0 {
                let outCap = output.count
                let r: Int = output.withUnsafeMutableBufferPointer { outBuf -> Int in
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress! + produced)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = outCap - produced
                    let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    produced = outCap - outLeft
                    return r
                }
                if r != -1 { break }
                switch errno {
                case E2BIG:
                    output.append(contentsOf: [UInt8](repeating: 0, count: output.count))
                case EILSEQ, EINVAL:
                    // one byte of the offending sequence becomes U+FFFD, and the rest goes on
                    if produced + 3 > output.count {
                        output.append(contentsOf: [UInt8](repeating: 0, count: output.count))
                    }
                    output.replaceSubrange(produced..<(produced + 3), with: [0xEF, 0xBF, 0xBD])
                    produced += 3
                    skipped += 1
                    if skipped * 50 > bytes.count + 50 { return false }
                    inPtr = inPtr.map { $0 + 1 }
                    inLeft -= 1
                    _ = iconv(cd, nil, nil, nil, nil)  // reset shift state
                default:
                    return false
                }
            }
            return true
        }
        guard ok else { return nil }
        invalid = skipped
        return validUTF8(Array(output[0..<produced]))
    }
}

extension String {
    /// Trims spaces, tabs, CR and LF (Foundation's trimmingCharacters is slow on Linux, and this is hot).
    var trimmedWS: String {
        let u = utf8
        guard let first = u.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else {
            return ""
        }
        let last = u.lastIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D })!
        if first == u.startIndex && last == u.index(before: u.endIndex) { return self }
        return String(self[first...last])
    }

    /// Trims line breaks only (the first line's indentation stays).
    var trimmedNewlines: String {
        let u = utf8
        guard let first = u.firstIndex(where: { $0 != 0x0A && $0 != 0x0D }) else { return "" }
        let last = u.lastIndex(where: { $0 != 0x0A && $0 != 0x0D })!
        if first == u.startIndex && last == u.index(before: u.endIndex) { return self }
        return String(self[first...last])
    }
}

extension Substring {
    var trimmedWS: String { String(self).trimmedWS }
}
