// Text from mail on an agent's terminal: subjects, names and file names are the sender's words, and a sender can put
// ESC sequences (colours, cursor moves, OSC 8 links, title changes), carriage returns and line breaks (forged rows),
// or bidi overrides (reordered text) in them. The CLI shows them as visible escapes, never raw.
public enum TerminalText {
    /// `s` with every control character (C0 except, when `keepNewlines`, line feed and tab; DEL; C1) and every
    /// bidi control shown as an escape: `\e`, `\r`, `\n`, `\x07`, `\u{202E}`.
    public static func escaped(_ s: String, keepNewlines: Bool = false) -> String {
        guard s.unicodeScalars.contains(where: { isUnsafe($0, keepNewlines: keepNewlines) }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for u in s.unicodeScalars {
            guard isUnsafe(u, keepNewlines: keepNewlines) else { out.unicodeScalars.append(u); continue }
            switch u.value {
            case 0x1B: out += "\\e"
            case 0x0D: out += "\\r"
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0..<0x100: out += "\\x" + hex(u.value, width: 2)
            default: out += "\\u{" + hex(u.value, width: 4) + "}"
            }
        }
        return out
    }

    /// JSON text (already valid, its C0 escaped by the encoder) with C1 and bidi controls written as `\uXXXX`,
    /// which JSON reads back as the same characters.
    public static func jsonEscaped(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { isUnsafe($0, keepNewlines: true) && $0.value >= 0x7F }) else {
            return json
        }
        var out = ""
        for u in json.unicodeScalars {
            if u.value >= 0x7F, isUnsafe(u, keepNewlines: true) {
                out += "\\u" + hex(u.value, width: 4)
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func isUnsafe(_ u: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        switch u.value {
        case 0x0A, 0x09: return !keepNewlines
        case 0..<0x20, 0x7F...0x9F: return true
        case 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - h.count)) + h
    }
}
