// Swift fallbacks for header syntax Mailutils refuses as a whole (one unknown charset in an encoded-word, an
// address list with junk in it, parameters it cannot split). They are lenient by design and used only after
// the Mailutils call failed, so one bad token costs that token, not the header.
import Foundation

/// RFC 2047 encoded-words, decoded word by word (unknown charsets go through `Charset`'s fallbacks).
enum RFC2047 {
    static func decode(_ s: String) -> String {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        var pendingWS: [UInt8] = []
        var lastWasWord = false
        var scratch: [String] = []
        while i < b.count {
            if b[i] == 0x3D, i + 1 < b.count, b[i + 1] == 0x3F, let (text, len) = word(b, i, &scratch) {
                if !lastWasWord { out += pendingWS } // whitespace between two encoded-words is dropped
                pendingWS = []
                out += Array(text.utf8)
                i += len
                lastWasWord = true
                continue
            }
            if b[i] == 0x20 || b[i] == 0x09 {
                pendingWS.append(b[i]); i += 1; continue
            }
            out += pendingWS; pendingWS = []
            out.append(b[i]); i += 1
            lastWasWord = false
        }
        out += pendingWS
        return String(decoding: out, as: UTF8.self)
    }

    /// One `=?charset?B|Q?text?=` at b[i]; its decoded text and length.
    private static func word(_ b: [UInt8], _ i: Int, _ warnings: inout [String]) -> (String, Int)? {
        var j = i + 2
        let csStart = j
        while j < b.count, b[j] != 0x3F, b[j] != 0x20 { j += 1 }
        guard j + 2 < b.count, b[j] == 0x3F, b[j + 2] == 0x3F else { return nil }
        let charset = String(decoding: b[csStart..<j], as: UTF8.self)
        let enc = b[j + 1] | 0x20
        guard enc == 0x62 || enc == 0x71 else { return nil }
        let textStart = j + 3
        var k = textStart
        while k + 1 < b.count, !(b[k] == 0x3F && b[k + 1] == 0x3D) {
            if b[k] == 0x20 && enc == 0x71 { return nil }
            k += 1
        }
        guard k + 1 < b.count else { return nil }
        let payload = Array(b[textStart..<k])
        let bytes: [UInt8]
        if enc == 0x62 {
            bytes = base64(payload)
        } else {
            var d: [UInt8] = []
            var p = 0
            while p < payload.count {
                let c = payload[p]
                if c == 0x5F { d.append(0x20); p += 1 }
                else if c == 0x3D, p + 2 < payload.count, let h = hex(payload[p + 1]), let l = hex(payload[p + 2]) {
                    d.append(h << 4 | l); p += 3
                } else { d.append(c); p += 1 }
            }
            bytes = d
        }
        return (Charset.decode(bytes, charset: charset, warnings: &warnings, context: "header"), k + 2 - i)
    }

    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    private static let base64Table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { t[Int(c)] = UInt8(i) }
        t[Int(UInt8(ascii: "-"))] = 62; t[Int(UInt8(ascii: "_"))] = 63 // URL-safe alphabet, seen in the wild
        t[Int(UInt8(ascii: "="))] = 0xFE
        return t
    }()

    /// Lenient base64 (bodies and encoded-words): skips anything outside the alphabet (line breaks, junk), and
    /// '=' padding ends a quantum (data may follow). Linear, table-driven.
    static func base64(_ input: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(input.count / 4 * 3 + 3)
        var acc: UInt32 = 0
        var bits: UInt32 = 0
        base64Table.withUnsafeBufferPointer { table in
            for c in input {
                let v = table[Int(c)]
                if v == 0xFF { continue }
                if v == 0xFE { acc = 0; bits = 0; continue } // padding ends a quantum; data may follow (concatenated base64)
                acc = (acc << 6) | UInt32(v)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: acc >> bits))
                    acc &= (1 << bits) - 1
                }
            }
        }
        return out
    }
}

/// Content-Type / Content-Disposition split by hand: `value; a=b; c="d"; e*=utf-8''x; f*0*=...; f*1=...`.
enum MIMEParams {
    static func parse(_ s: String) -> (value: String, params: [String: String]) {
        var items: [String] = []
        var cur = ""
        var inQuote = false
        var escaped = false
        for ch in s {
            if escaped { cur.append(ch); escaped = false; continue }
            if inQuote && ch == "\\" { escaped = true; continue }
            if ch == "\"" { inQuote.toggle(); continue }
            if ch == ";" && !inQuote { items.append(cur); cur = ""; continue }
            cur.append(ch)
        }
        items.append(cur)
        let value = items.first?.trimmedWS ?? ""
        var params: [String: String] = [:]
        // RFC 2231 §4.1: continued segments are joined as bytes and decoded once, with segment 0's charset;
        // decoded one by one, a character split between two segments would come out as mojibake.
        var continued: [String: [(index: Int, bytes: [UInt8])]] = [:]
        var charsets: [String: String] = [:]
        var discard: [String] = []
        for item in items.dropFirst() {
            guard let eq = item.firstIndex(of: "=") else { continue }
            var key = item[..<eq].trimmedWS.lowercased()
            let val = item[item.index(after: eq)...].trimmedWS
            guard !key.isEmpty else { continue }
            var extended = false
            if key.hasSuffix("*") { extended = true; key.removeLast() }
            var index: Int?
            if let star = key.lastIndex(of: "*"), let n = Int(key[key.index(after: star)...]) {
                index = n; key = String(key[..<star])
            }
            var charset: String?
            var bytes = Array(val.utf8)
            if extended { (charset, bytes) = percentDecoded(val, charsetInside: index == nil || index == 0) }
            if let index {
                if index == 0 { charsets[key] = charset }
                continued[key, default: []].append((index, bytes))
            } else {
                params[key] = extended ? Charset.decode(bytes, charset: charset, warnings: &discard, context: "parameter") : val
            }
        }
        for (key, parts) in continued where params[key] == nil {
            let bytes = parts.sorted { $0.index < $1.index }.flatMap(\.bytes)
            params[key] = Charset.decode(bytes, charset: charsets[key], warnings: &discard, context: "parameter")
        }
        for (k, v) in params where v.mayHaveEncodedWord { params[k] = RFC2047.decode(v) }
        return (value, params)
    }

    /// RFC 2231 `charset'lang'%XX...` (the charset part only on the first segment) -> its charset and bytes.
    static func percentDecoded(_ v: String, charsetInside: Bool) -> (charset: String?, bytes: [UInt8]) {
        var charset: String?
        var body = Substring(v)
        if charsetInside, let q1 = v.firstIndex(of: "'"), let q2 = v[v.index(after: q1)...].firstIndex(of: "'") {
            charset = String(v[..<q1])
            body = v[v.index(after: q2)...]
        }
        var bytes: [UInt8] = []
        let u = Array(body.utf8)
        var i = 0
        while i < u.count {
            if u[i] == 0x25, i + 2 < u.count, let h = RFC2047.hex(u[i + 1]), let l = RFC2047.hex(u[i + 2]) {
                bytes.append(h << 4 | l); i += 3
            } else { bytes.append(u[i]); i += 1 }
        }
        return (charset, bytes)
    }
}

/// Address lists Mailutils' RFC 822 parser rejects: split on commas outside quotes and angle brackets, take the
/// `<addr>` or the token with an '@'.
enum AddressFallback {
    static func parse(_ s: String) -> [(name: String?, email: String)] {
        var items: [String] = []
        var cur = ""
        var inQuote = false
        var inAngle = false
        for ch in s {
            if ch == "\"" { inQuote.toggle() }
            if !inQuote { if ch == "<" { inAngle = true } else if ch == ">" { inAngle = false } }
            if (ch == "," || ch == ";") && !inQuote && !inAngle { items.append(cur); cur = ""; continue }
            cur.append(ch)
        }
        items.append(cur)
        var out: [(String?, String)] = []
        for item in items {
            let t = item.trimmedWS
            if let lt = t.lastIndex(of: "<"), let gt = t[lt...].firstIndex(of: ">") {
                let email = t[t.index(after: lt)..<gt].trimmedWS
                guard email.contains("@") else { continue }
                let name = t[..<lt].trimmedWS
                out.append((name.isEmpty ? nil : name, email))
            } else if let tok = t.split(separator: " ").first(where: { $0.contains("@") }) {
                out.append((nil, tok.trimmingCharacters(in: CharacterSet(charactersIn: "()<>\"'"))))
            }
        }
        return out
    }
}
