// The header block of a message or MIME part (RFC 5322 §2.2, §3.6), split into fields in Swift: one pass over
// LF-normalized bytes, each line visited once, so 100,000 fields cost what their bytes cost. Values are kept as
// written (folding included) and decoded by whoever asks for one field.
import Foundation

/// One header field as written: its name (without the colon) and its raw value, folding line breaks included.
struct HeaderField {
    let name: [UInt8]
    var value: [UInt8]

    /// Case-insensitive comparison with an ASCII field name.
    func isNamed(_ other: String) -> Bool {
        guard name.count == other.utf8.count else { return false }
        return zip(name, other.utf8).allSatisfy { a, b in Self.lower(a) == Self.lower(b) }
    }

    static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
}

enum HeaderBlock {
    /// Splits the header block starting at `range.lowerBound` of `buf` (LF line ends) into fields, and tells where
    /// the body begins. The block ends at the first empty line (not part of the body), or before the first line
    /// that is neither a field (`Name:` or the obsolete `Name :`) nor a continuation (a line starting with space
    /// or tab, after a field): that line begins the body, so text of a mail with a broken or missing header is
    /// kept as text rather than lost as junk header.
    static func parse(_ buf: UnsafeRawBufferPointer, _ range: Range<Int>) -> (fields: [HeaderField], body: Range<Int>) {
        var fields: [HeaderField] = []
        let end = range.upperBound
        guard let base = buf.baseAddress, !range.isEmpty else { return ([], range.upperBound..<end) }
        var line = range.lowerBound
        while line < end {
            let lineEnd = memchr(base + line, 0x0A, end - line).map { base.distance(to: UnsafeRawPointer($0)) } ?? end
            var contentEnd = lineEnd
            if contentEnd > line, buf[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let next = min(lineEnd + 1, end)
            if contentEnd == line { return (fields, next..<end) }  // empty line: end of header
            let first = buf[line]
            if first == 0x20 || first == 0x09 {
                guard !fields.isEmpty else { return (fields, line..<end) }
                fields[fields.count - 1].value.append(0x0A)
                fields[fields.count - 1].value.append(
                    contentsOf: UnsafeRawBufferPointer(rebasing: buf[line..<contentEnd]))
            } else if let colon = fieldNameEnd(buf, line, contentEnd) {
                var nameEnd = colon
                while nameEnd > line, buf[nameEnd - 1] == 0x20 || buf[nameEnd - 1] == 0x09 { nameEnd -= 1 }
                fields.append(
                    HeaderField(
                        name: Array(UnsafeRawBufferPointer(rebasing: buf[line..<nameEnd])),
                        value: Array(UnsafeRawBufferPointer(rebasing: buf[(colon + 1)..<contentEnd]))))
            } else if !fields.isEmpty, isBrokenFold(buf, line, contentEnd, next, end) {
                fields[fields.count - 1].value.append(0x0A)
                fields[fields.count - 1].value.append(
                    contentsOf: UnsafeRawBufferPointer(rebasing: buf[line..<contentEnd]))
            } else {
                return (fields, line..<end)
            }
            line = next
        }
        return (fields, end..<end)
    }

    /// A long token some relays broke onto a line of its own without indenting it (seen in Exchange's diagnostic
    /// fields): a line with no space, tab or colon, directly followed by a field. Anything else that is not a field
    /// begins the body, so the text of a mail without a blank line after its header is not swallowed.
    private static func isBrokenFold(
        _ buf: UnsafeRawBufferPointer, _ start: Int, _ end: Int,
        _ next: Int, _ blockEnd: Int
    ) -> Bool {
        for i in start..<end where buf[i] == 0x20 || buf[i] == 0x09 || buf[i] == 0x3A { return false }
        guard next < blockEnd, buf[next] != 0x0A, let base = buf.baseAddress else { return false }
        let nextEnd =
            memchr(base + next, 0x0A, blockEnd - next).map { base.distance(to: UnsafeRawPointer($0)) } ?? blockEnd
        return fieldNameEnd(buf, next, nextEnd) != nil
    }

    /// The colon ending a field name at `start`: printable ASCII other than the colon, optionally followed by
    /// spaces or tabs (RFC 5322 §4.5.3 obs-optional). Nil when the line is not a field.
    private static func fieldNameEnd(_ buf: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        var i = start
        while i < end, buf[i] > 0x20, buf[i] < 0x7F, buf[i] != 0x3A { i += 1 }
        guard i > start else { return nil }
        while i < end, buf[i] == 0x20 || buf[i] == 0x09 { i += 1 }
        return i < end && buf[i] == 0x3A ? i : nil
    }

    /// Field bytes as parsed from a byte array (text/rfc822-headers bodies, DSN field groups).
    static func fields(_ bytes: [UInt8]) -> [HeaderField] {
        bytes.withUnsafeBytes { parse($0, 0..<$0.count).fields }
    }

    /// Raw RFC 5322 bytes -> LF line ends (a bare CR stays), without a leading mbox "From " line.
    static func normalized(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        let n = input.count
        guard n > 0, let base = input.baseAddress else { return [] }
        var start = 0
        // A byte order mark some Windows tools write before the first field (MimeKit's test data has one).
        if n >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF { start = 3 }
        if n >= start + 5, input[start] == 0x46, input[start + 1] == 0x72, input[start + 2] == 0x6F,
            input[start + 3] == 0x6D, input[start + 4] == 0x20
        {  // "From "
            // An mbox separator, unless it is the obsolete `From : addr` field.
            var i = start + 5
            while i < n, input[i] == 0x20 || input[i] == 0x09 { i += 1 }
            if i < n, input[i] != 0x3A {
                start = memchr(base, 0x0A, n).map { base.distance(to: UnsafeRawPointer($0)) + 1 } ?? n
            }
        }
        return [UInt8](unsafeUninitializedCapacity: max(n - start, 1)) { dst, count in
            var w = 0
            var r = start
            while r < n {
                guard let cr = memchr(base + r, 0x0D, n - r) else {
                    memcpy(dst.baseAddress! + w, base + r, n - r); w += n - r
                    break
                }
                let crAt = base.distance(to: UnsafeRawPointer(cr))
                memcpy(dst.baseAddress! + w, base + r, crAt - r); w += crAt - r
                if !(crAt + 1 < n && input[crAt + 1] == 0x0A) { dst[w] = 0x0D; w += 1 }  // a bare CR stays
                r = crAt + 1
            }
            count = w
        }
    }

    /// RFC 5322 unfolding: line breaks inside a value go, the whitespace after them stays; then trimmed of
    /// spaces and tabs.
    static func unfolded(_ raw: [UInt8]) -> [UInt8] {
        var lo = 0, hi = raw.count
        func isWS(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        while lo < hi, isWS(raw[lo]) { lo += 1 }
        while hi > lo, isWS(raw[hi - 1]) { hi -= 1 }
        var out = Array(raw[lo..<hi])
        if out.contains(0x0A) || out.contains(0x0D) { out.removeAll { $0 == 0x0A || $0 == 0x0D } }
        return out
    }
}
