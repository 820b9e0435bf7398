// RFC 2047 encoded-words (`=?charset?B|Q?text?=`) in header values, decoded from the raw bytes: text outside the
// words is UTF-8 or, failing that, windows-1252; each word is decoded in its own charset, so a stray 8-bit byte
// in a word is read once, in the word's charset, not first as Latin-1 and then again. Lenient (words inside
// tokens, unknown charsets through `Charset`'s fallbacks, bad escapes kept) and linear: a scan that finds no
// end of a word remembers how far it looked, so no later start rescans that stretch.
import Foundation

enum EncodedWords {
    /// A header value (unfolded bytes) -> text.
    static func decode(_ b: [UInt8]) -> String {
        guard mayHaveWord(b) else { return Charset.utf8OrWindows1252(b) }
        var out = ""
        out.reserveCapacity(b.count)
        var plainStart = 0
        var lastWasWord = false
        var noEndBefore = 0
        var i = 0
        while i + 1 < b.count {
            if b[i] == 0x3D, b[i + 1] == 0x3F, i >= noEndBefore {
                switch word(b, i) {
                case .word(let text, let end):
                    let plain = b[plainStart..<i]
                    // Whitespace between two encoded-words is dropped (RFC 2047 §6.2).
                    if !(lastWasWord && plain.allSatisfy { $0 == 0x20 || $0 == 0x09 }) {
                        out += Charset.utf8OrWindows1252(Array(plain))
                    }
                    out += text
                    i = end
                    plainStart = end
                    lastWasWord = true
                    continue
                case .noEndBefore(let stop):
                    noEndBefore = stop
                case .notAWord:
                    break
                }
            }
            i += 1
        }
        out += Charset.utf8OrWindows1252(Array(b[plainStart...]))
        return out
    }

    /// The same for text already in a String (display names, parameter values).
    static func decode(_ s: String) -> String {
        s.utf8.contains(0x3F) ? decode(Array(s.utf8)) : s
    }

    static func mayHaveWord(_ b: [UInt8]) -> Bool {
        var i = 0
        while i + 1 < b.count {
            if b[i] == 0x3D, b[i + 1] == 0x3F { return true }
            i += 1
        }
        return false
    }

    private enum Scan {
        case word(String, end: Int)
        case noEndBefore(Int)
        case notAWord
    }

    /// The longest charset name read in a word (`charset*language` included); longer is not a word.
    private static let maxCharsetLength = 64

    /// One word starting at b[i] == "=?".
    private static func word(_ b: [UInt8], _ i: Int) -> Scan {
        var j = i + 2
        let csStart = j
        while j < b.count, b[j] != 0x3F, b[j] > 0x20, b[j] < 0x7F, j - csStart <= maxCharsetLength { j += 1 }
        guard j > csStart, j + 2 < b.count, b[j] == 0x3F, b[j + 2] == 0x3F else { return .notAWord }
        let enc = b[j + 1] | 0x20
        guard enc == 0x62 || enc == 0x71 else { return .notAWord }
        let charset = String(decoding: b[csStart..<j], as: UTF8.self)
        let textStart = j + 3
        var k = textStart
        // The text ends at "?="; a space or the end of the value first means no word starts before there.
        while k < b.count, b[k] != 0x20, b[k] != 0x09 {
            if b[k] == 0x3F, k + 1 < b.count, b[k + 1] == 0x3D { break }
            k += 1
        }
        guard k + 1 < b.count, b[k] == 0x3F, b[k + 1] == 0x3D else { return .noEndBefore(k) }
        let payload = b[textStart..<k]
        let bytes = enc == 0x62 ? Base64Text.decode(payload) : qDecode(payload)
        var ignored: [String] = []
        return .word(Charset.decode(bytes, charset: charset, warnings: &ignored, context: "header"), end: k + 2)
    }

    /// The "Q" encoding: `_` is a space, `=XX` a byte; anything else, bad escapes included, is kept as it is.
    private static func qDecode(_ payload: ArraySlice<UInt8>) -> [UInt8] {
        var d: [UInt8] = []
        d.reserveCapacity(payload.count)
        var p = payload.startIndex
        while p < payload.endIndex {
            let c = payload[p]
            if c == 0x5F {
                d.append(0x20); p += 1
            } else if c == 0x3D, p + 2 < payload.endIndex, let h = Hex.value(payload[p + 1]),
                let l = Hex.value(payload[p + 2])
            {
                d.append(h << 4 | l); p += 3
            } else {
                d.append(c); p += 1
            }
        }
        return d
    }
}

enum Hex {
    static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}

/// Lenient base64 for encoded-words and parameter values: skips anything outside the alphabet, and '='
/// padding ends a quantum (data may follow). Bodies use the faster `Base64Body`.
enum Base64Text {
    static func decode<C: Collection>(_ input: C) -> [UInt8] where C.Element == UInt8 {
        Array(input).withUnsafeBytes { Base64Body.decode($0) }
    }
}
