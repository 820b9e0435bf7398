// Quoted-printable bodies (RFC 2045 §6.7) decoded in Swift, leniently and in one pass: `=XX` is a byte (either
// case of hex), `=` at a line end (trailing spaces allowed) is a soft break, and an `=` that is neither is kept as
// written (`price 5=% discount` stays whole; Mailutils' filter stopped there and the rest of the text was lost).
import Foundation

enum QuotedPrintable {
    static func decode(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        let n = input.count
        guard n > 0, let base = input.baseAddress else { return [] }
        return [UInt8](unsafeUninitializedCapacity: n) { out, count in
            var o = 0
            var i = 0
            while i < n {
                // Copy up to the next '=' in one go.
                guard let eq = memchr(base + i, 0x3D, n - i) else {
                    memcpy(out.baseAddress! + o, base + i, n - i); o += n - i
                    break
                }
                let at = base.distance(to: UnsafeRawPointer(eq))
                memcpy(out.baseAddress! + o, base + i, at - i); o += at - i
                i = at + 1
                if i + 1 < n, let h = Hex.value(input[i]), let l = Hex.value(input[i + 1]) {
                    out[o] = h << 4 | l; o += 1
                    i += 2
                    continue
                }
                // A soft line break: '=', optional spaces or tabs, then CR LF, LF, or the end of the body.
                var j = i
                while j < n, input[j] == 0x20 || input[j] == 0x09 { j += 1 }
                if j == n { i = n; continue }
                if input[j] == 0x0A { i = j + 1; continue }
                if input[j] == 0x0D { i = j + 1 < n && input[j + 1] == 0x0A ? j + 2 : j + 1; continue }
                out[o] = 0x3D; o += 1  // not an escape: the '=' stays
            }
            count = o
        }
    }
}
