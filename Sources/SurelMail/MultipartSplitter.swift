// Multipart bodies split in Swift (RFC 2046 §5.1.1), over the LF-normalized bytes of the message.
// Mailutils' splitter reads a byte at a time through stream layers (~22 MB/s) and matches delimiters loosely
// (see Mailutils.swift); here a delimiter line is found with memchr line hops and compared exactly, and parts
// are byte ranges into the same buffer: nothing is copied until a part's body is decoded.
import Foundation

enum MultipartSplitter {
    /// The body parts (header + body, as byte ranges into `buf`) of the multipart body `range`, or nil when no
    /// delimiter line is there at all. A delimiter is `--boundary` at a line start, then optional `--` (close),
    /// then only spaces/tabs (transport padding) up to LF or the end; the LF before it belongs to it, so a
    /// part ends before that LF. The boundary is compared exactly (case-sensitive, RFC 2046), so `--boundaryX`
    /// is content. The preamble and everything after the close delimiter (epilogue) are dropped;
    /// without a close delimiter the last part runs to the end of `range`. `closed` tells which.
    static func split(_ buf: UnsafeRawBufferPointer, _ range: Range<Int>, boundary: [UInt8]) -> (
        parts: [Range<Int>], closed: Bool
    )? {
        guard let base = buf.baseAddress, !boundary.isEmpty else { return nil }
        let end = range.upperBound
        let blen = boundary.count
        var parts: [Range<Int>] = []
        var partStart: Int?
        var line = range.lowerBound
        let dash = UInt8(ascii: "-")
        return boundary.withUnsafeBytes { bnd -> (parts: [Range<Int>], closed: Bool)? in
            while line < end {
                if buf[line] == dash, line + 2 + blen <= end, buf[line + 1] == dash,
                    memcmp(base + line + 2, bnd.baseAddress!, blen) == 0
                {
                    var p = line + 2 + blen
                    var closing = false
                    if p + 2 <= end, buf[p] == dash, buf[p + 1] == dash { closing = true; p += 2 }
                    while p < end, buf[p] == 0x20 || buf[p] == 0x09 || buf[p] == 0x0D { p += 1 }
                    // A close delimiter with junk after it (`--b--</BODY></HTML>`, seen in spam) still closes.
                    if p == end || buf[p] == 0x0A || closing {
                        // Empty parts (two delimiters in a row) are dropped, as Python's email package does.
                        if let s = partStart, line - 1 > s { parts.append(s..<(line - 1)) }
                        if closing { return (parts, true) }
                        guard let nl = memchr(base + p, 0x0A, end - p) else { partStart = end; break }
                        let next = base.distance(to: UnsafeRawPointer(nl)) + 1
                        partStart = next
                        line = next
                        continue
                    }
                    // `--boundaryX` and the like: an ordinary line (base64 and nested boundaries look like this).
                }
                guard let nl = memchr(base + line, 0x0A, end - line) else { break }
                line = base.distance(to: UnsafeRawPointer(nl)) + 1
            }
            guard let s = partStart else { return nil }
            if end > s { parts.append(s..<end) }
            return (parts, false)
        }
    }
}

/// Base64 bodies, decoded leniently (bytes outside the alphabet skipped, '='
/// ends a quantum, URL-safe letters accepted) but four characters at a time when they are all in the alphabet:
/// attachments are most of the bytes in mail, so this loop is on the hot path.
enum Base64Body {
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = UInt8(i)
        }
        t[Int(UInt8(ascii: "-"))] = 62; t[Int(UInt8(ascii: "_"))] = 63
        t[Int(UInt8(ascii: "="))] = 0xFE
        return t
    }()

    static func decode(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: capacity(input.count)) { out, count in
            count = decode(input, into: out.baseAddress!)
        }
    }

    /// The same into Data that owns the decoded bytes (no copy from an array).
    static func decodeData(_ input: UnsafeRawBufferPointer) -> Data {
        let out = malloc(capacity(input.count))!.assumingMemoryBound(to: UInt8.self)
        let n = decode(input, into: out)
        return Data(bytesNoCopy: out, count: n, deallocator: .free)
    }

    private static func capacity(_ n: Int) -> Int { n / 4 * 3 + 3 }

    /// Decodes into `out` (at least `capacity(input.count)` bytes); returns the number of bytes written.
    private static func decode(_ input: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let n = input.count
        guard n > 0, let src = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        var o = 0
        var acc: UInt32 = 0
        var bits: UInt32 = 0
        var i = 0
        table.withUnsafeBufferPointer { t in
            while i < n {
                if bits == 0, i + 4 <= n {
                    let a = t[Int(src[i])], b = t[Int(src[i + 1])], c = t[Int(src[i + 2])], d = t[Int(src[i + 3])]
                    if (a | b | c | d) < 64 {  // 0xFE ('=') and 0xFF (junk) have the high bits set
                        let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                        out[o] = UInt8(truncatingIfNeeded: v >> 16)
                        out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                        out[o + 2] = UInt8(truncatingIfNeeded: v)
                        o += 3
                        i += 4
                        continue
                    }
                }
                let v = t[Int(src[i])]
                i += 1
                if v == 0xFF { continue }
                if v == 0xFE { acc = 0; bits = 0; continue }
                acc = (acc << 6) | UInt32(v)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out[o] = UInt8(truncatingIfNeeded: acc >> bits)
                    o += 1
                    acc &= (1 << bits) - 1
                }
            }
        }
        return o
    }
}
