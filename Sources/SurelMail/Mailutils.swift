// The one place SurelMail calls GNU Mailutils (libmailutils 3.15). Small Swift types over the C API; nothing here
// escapes SurelMail, and no C pointer outlives the call that produced it except inside `MUMessage`.
//
// Quirks and ownership rules (measured against 3.15 here; keep this list current):
// - `mu_stream_to_message` rejects CRLF line endings (MU_ERR_INVALID_EMAIL, "Malformed email address"), and IMAP
//   delivers CRLF: `MUMessage.parse` rewrites CRLF to LF while copying the bytes in.
// - `mu_static_memory_stream_create` does not copy: the buffer must outlive every message built on it, so
//   `MUMessage` owns the buffer and frees it after destroying the message.
// - Streams are created with one reference; `mu_stream_to_message` takes its own, so ours is dropped with
//   `mu_stream_unref` right after. `mu_body_get_streamref` / `mu_filter_create` also hand back one reference each.
// - A message from `mu_stream_to_message` is owned by its internal stream: destroy it with
//   `mu_message_destroy(&m, mu_message_get_owner(m))`.
// - Its header ends at the first empty line or at a line of dashes only (`mu_mh_delim`, MH drafts); the body is
//   the rest, and `mu_body_size` gives its length without reading it: that is how `bodyRange` finds the body.
// - `sget` functions return borrowed pointers (valid while the object is unchanged); `aget` ones and
//   `mu_rfc2047_decode` return malloc'd memory the caller frees.
// - `mu_mime_header_parse` (RFC 2045/2231 parameters) fails as a whole when one RFC 2047 word or RFC 2231 value
//   names a charset iconv does not know; the caller then falls back to a plain parameter split. Worse, for RFC 2231
//   values in a charset other than "UTF-8" it leaks an iconv filter per call and, for a continued value in a
//   charset iconv lacks, double-frees (abort): see `continuationCharsetsAreSafe`.
// - `mu_stream_to_message` leaks ~64 bytes each time it rejects a message (rare; only for broken header blocks).
// - `mu_rfc2047_decode` fails as a whole on one unknown charset, and leaves raw 8-bit text alone.
// - Splitting a multipart body (`mu_message_get_num_parts`/`get_part`) scans it a byte at a time through several
//   stream layers: about 22 MB/s here, 36% of ingest CPU on mail with attachments; buffering did not help. It is
//   also lax and buggy (mime.c in 3.15): any line merely starting with the boundary (`--boundaryX`, any case,
//   even without the leading dashes) is a delimiter; lines after a delimiter are header up to the next empty
//   line, even across delimiters; and without a close delimiter the last part gets a stale length (its text or
//   attachment came out empty or truncated: 26 SpamAssassin messages). So it is not used: MultipartSplitter
//   finds the parts in Swift and only each part's header block goes to `mu_header_create`.
// - Body streams (`mu_body_get_streamref`) and the base64 filter also read a few bytes per call (~20 MB/s):
//   bodies are sliced from the message's own bytes; base64 is decoded in Swift, quoted-printable by Mailutils'
//   filter over a static memory stream of just that body.
// - Header field indices are 1-based; so are part numbers and address indices.
// - The library is not documented as thread-safe (global debug and fallback-mode state): every entry point of
//   MIMEParser holds `Mailutils.lock`.
import CMailutils
import Foundation

enum Mailutils {
    static let lock = NSLock()

    /// Copies a malloc'd C string into Swift bytes and frees it.
    static func takeBytes(_ p: UnsafeMutablePointer<CChar>?) -> [UInt8]? {
        guard let p else { return nil }
        defer { free(p) }
        return borrowBytes(UnsafePointer(p))
    }

    /// Copies a borrowed C string (not freed).
    static func borrowBytes(_ p: UnsafePointer<CChar>?) -> [UInt8]? {
        guard let p else { return nil }
        let n = strlen(p)
        return p.withMemoryRebound(to: UInt8.self, capacity: n) { Array(UnsafeBufferPointer(start: $0, count: n)) }
    }

    /// RFC 2047 decoding of a header value into UTF-8. Nil when Mailutils fails (e.g. unknown charset).
    static func rfc2047Decode(_ s: String) -> String? {
        var out: UnsafeMutablePointer<CChar>?
        let rc = mu_rfc2047_decode("UTF-8", s, &out)
        let bytes = takeBytes(out)
        guard rc == 0, let bytes else { return nil }
        return Charset.validUTF8(bytes)
    }

    /// A structured MIME header (Content-Type, Content-Disposition) split into its value and parameters, with
    /// RFC 2231 continuations joined and RFC 2231/2047 values decoded to UTF-8. Parameter names lowercased.
    static func parseMIMEHeader(_ s: String) -> (value: String, params: [String: String])? {
        guard continuationCharsetsAreSafe(s) else { return nil }
        var value: UnsafeMutablePointer<CChar>?
        var assoc: mu_assoc_t?
        let rc = mu_mime_header_parse(s, "UTF-8", &value, &assoc)
        defer { mu_assoc_destroy(&assoc) }
        let valueBytes = takeBytes(value)
        guard rc == 0, let valueBytes, let assoc else { return nil }
        var params: [String: String] = [:]
        var itr: mu_iterator_t?
        guard mu_assoc_get_iterator(assoc, &itr) == 0, let itr else { return nil }
        defer { var i: mu_iterator_t? = itr; mu_iterator_destroy(&i) }
        mu_iterator_first(itr)
        while mu_iterator_is_done(itr) == 0 {
            var key: UnsafeRawPointer?
            var item: UnsafeMutableRawPointer?
            if mu_iterator_current_kv(itr, &key, &item) == 0, let key, let item {
                let name = String(cString: key.assumingMemoryBound(to: CChar.self)).lowercased()
                let param = item.assumingMemoryBound(to: mu_mime_param.self).pointee
                if let v = borrowBytes(param.value) {
                    params[name] = Charset.utf8OrWindows1252(v)
                }
            }
            mu_iterator_next(itr)
        }
        return (Charset.utf8OrWindows1252(valueBytes), params)
    }

    /// Whether `mu_mime_header_parse(_, "UTF-8", ...)` can be trusted with this header. Mailutils 3.15 recodes
    /// RFC 2231 values (`name*=cs'lang'...`, `name*0*=cs'lang'...`) whose charset is not literally "UTF-8"
    /// through `_recode_string`, which leaks its iconv filter (about 2 KB a call), and when such a continued
    /// value names a charset iconv cannot open, `flush_param` frees the value twice (heap corruption, abort).
    /// Headers with any non-UTF-8 RFC 2231 charset go to the Swift parameter parser instead. A "UTF-8" value is
    /// not recoded: its continued segments are joined as bytes, so a character split between two comes out whole.
    static func continuationCharsetsAreSafe(_ s: String) -> Bool {
        var rest = Substring(s)
        while let r = rest.range(of: "*=") {
            // Only `name*=` and `name*0*=` carry a charset; `name*1*=%80...` and later are bare bytes.
            let name = rest[..<r.lowerBound]
            let digits = name.reversed().prefix { $0.isASCII && $0.isNumber }
            if name.dropLast(digits.count).last == "*", digits.contains(where: { $0 != "0" }) {
                rest = rest[r.upperBound...]
                continue
            }
            let value = rest[r.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\"" }
            guard let q = value.firstIndex(of: "'") else { return false }
            if value[..<q].lowercased() != "utf-8" { return false }
            rest = value[q...]
        }
        return true
    }

    /// RFC 5322 address list -> (display name as written, possibly RFC 2047-encoded; addr-spec). Nil on parse error.
    static func parseAddresses(_ s: String) -> [(name: String?, email: String)]? {
        var addr: mu_address_t?
        guard mu_address_create(&addr, s) == 0, let a = addr else { return nil }
        defer { mu_address_destroy(&addr) }
        var count = 0
        guard mu_address_get_count(a, &count) == 0 else { return nil }
        var out: [(String?, String)] = []
        if count == 0 { return out }
        for i in 1...count {
            var email: UnsafePointer<CChar>?
            guard mu_address_sget_email(a, i, &email) == 0, let e = borrowBytes(email), !e.isEmpty else { continue }
            var personal: UnsafePointer<CChar>?
            var name: String?
            if mu_address_sget_personal(a, i, &personal) == 0, let p = borrowBytes(personal), !p.isEmpty {
                name = Charset.utf8OrWindows1252(p)
            }
            out.append((name, Charset.utf8OrWindows1252(e)))
        }
        return out
    }

    /// RFC 5322 date ("[Day, ]DD Mon YYYY HH:MM[:SS] +ZZZZ"); nil when it does not scan.
    static func parseDate(_ s: String) -> Date? {
        var tm = tm()
        var tz = mu_timezone()
        var end: UnsafeMutablePointer<CChar>?
        if mu_scan_datetime(s, surel_mu_rfc822_datetime_format(), &tm, &tz, &end) == 0 {
            let t = mu_datetime_to_utc(&tm, &tz)
            if t != -1 { return Date(timeIntervalSince1970: TimeInterval(t)) }
        }
        // Zone missing or not RFC 5322 ("Eastern Daylight Time", "GMT+1"): read the rest, take it as UTC.
        tm = CMailutils.tm()
        if mu_scan_datetime(s, "%[%a, %]%e %b %Y %H:%M%[:%S%]", &tm, nil, &end) == 0, tm.tm_year >= 70 {
            return Date(timeIntervalSince1970: TimeInterval(surel_timegm(&tm)))
        }
        // Lenient fallback (obsolete zones like "EST", missing day names, extra junk): getdate-style parser.
        // Anchor "now" at a fixed time so nothing relative ("tomorrow") depends on the clock.
        var now = time_t(0)
        var result = time_t(0)
        if mu_parse_date(s, &result, &now) == 0, result > 0 {
            return Date(timeIntervalSince1970: TimeInterval(result))
        }
        return nil
    }
}

/// One Mailutils message built from bytes (a whole mail or an embedded message/rfc822). It owns its
/// LF-normalized bytes; MIMEParser reads headers through Mailutils and bodies straight from `bytes`.
final class MUMessage {
    let raw: mu_message_t
    private let buffer: UnsafeMutableRawBufferPointer?  // bytes under the static stream
    private let length: Int                             // bytes used in `buffer`

    private init(raw: mu_message_t, buffer: UnsafeMutableRawBufferPointer?, length: Int) {
        self.raw = raw; self.buffer = buffer; self.length = length
    }

    deinit {
        var m: mu_message_t? = raw
        mu_message_destroy(&m, mu_message_get_owner(raw))
        buffer?.deallocate()
    }

    /// Builds a message from raw RFC 5322 bytes: drops a leading mbox "From " line and rewrites CRLF to LF
    /// (Mailutils rejects CRLF) while copying into a buffer the message owns.
    static func parse(_ input: UnsafeRawBufferPointer) throws -> MUMessage {
        var start = 0
        let n = input.count
        if n >= 5, input[0] == 0x46, input[1] == 0x72, input[2] == 0x6F, input[3] == 0x6D, input[4] == 0x20 { // "From "
            start = n
            if let nl = memchr(input.baseAddress! + 0, 0x0A, n) { start = input.baseAddress!.distance(to: UnsafeRawPointer(nl)) + 1 }
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(n - start, 1), alignment: 1)
        var w = 0
        if n > start, let base = input.baseAddress, let dst = buffer.baseAddress {
            var r = start
            while r < n {
                let remaining = n - r
                if let cr = memchr(base + r, 0x0D, remaining) {
                    let crAt = base.distance(to: UnsafeRawPointer(cr))
                    let chunk = crAt - r
                    memcpy(dst + w, base + r, chunk); w += chunk
                    if crAt + 1 < n, input[crAt + 1] == 0x0A {
                        r = crAt + 1           // drop the CR of CRLF
                    } else {
                        dst.storeBytes(of: 0x0D, toByteOffset: w, as: UInt8.self); w += 1  // a bare CR stays
                        r = crAt + 1
                    }
                } else {
                    memcpy(dst + w, base + r, remaining); w += remaining
                    r = n
                }
            }
        }
        var stream: mu_stream_t?
        var rc = mu_static_memory_stream_create(&stream, buffer.baseAddress, w)
        guard rc == 0, stream != nil else {
            buffer.deallocate()
            throw MIMEParseError.unparseable("mu_static_memory_stream_create: \(errorString(rc))")
        }
        var msg: mu_message_t?
        rc = mu_stream_to_message(stream, &msg)
        mu_stream_unref(stream)               // the message holds its own reference
        guard rc == 0, let msg else {
            buffer.deallocate()
            throw MIMEParseError.unparseable("mu_stream_to_message: \(errorString(rc))")
        }
        return MUMessage(raw: msg, buffer: buffer, length: w)
    }

    static func errorString(_ rc: Int32) -> String {
        guard let s = mu_strerror(rc) else { return "error \(rc)" }
        return String(cString: s)
    }

    private var header: mu_header_t? {
        var h: mu_header_t?
        return mu_message_get_header(raw, &h) == 0 ? h : nil
    }

    /// All header fields in order: name and raw (folded, undecoded) value bytes.
    func headerFields() -> [(name: [UInt8], value: [UInt8])] { header.map(Mailutils.fields) ?? [] }

    /// Raw bytes of the first field with this name (case-insensitive), nil if absent.
    func headerValue(_ name: String) -> [UInt8]? { header.flatMap { Mailutils.value(name, in: $0) } }

    /// The LF-normalized bytes this root message was built from (valid while `self` lives).
    var bytes: UnsafeRawBufferPointer {
        guard let buffer else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: buffer[0..<length])
    }

    /// Where the body starts and ends in `bytes`, as Mailutils' message stream decided (after the first empty
    /// or dashes-only line; empty when there is none). Taken from `mu_body_size`, which for a message from
    /// `mu_stream_to_message` is `length - body_start` without reading the body.
    var bodyRange: Range<Int> {
        var body: mu_body_t?
        var size = 0
        guard mu_message_get_body(raw, &body) == 0, let body, mu_body_size(body, &size) == 0 else { return length..<length }
        let n = min(size, length)
        return (length - n)..<length
    }
}

/// A header block parsed by `mu_header_create` (the same call Mailutils' own MIME splitter makes for each part),
/// for the parts our Swift splitter finds.
final class MUHeader {
    private var hdr: mu_header_t?

    /// Nil when Mailutils refuses the block.
    init?(_ block: UnsafeRawBufferPointer) {
        let rc = block.withMemoryRebound(to: CChar.self) { mu_header_create(&hdr, $0.baseAddress, $0.count) }
        guard rc == 0, hdr != nil else { return nil }
    }

    deinit { mu_header_destroy(&hdr) }

    /// All fields in order: name and raw (folded, undecoded) value bytes.
    func fields() -> [(name: [UInt8], value: [UInt8])] { hdr.map(Mailutils.fields) ?? [] }

    /// Raw bytes of the first field with this name (case-insensitive), nil if absent.
    func value(_ name: String) -> [UInt8]? { hdr.flatMap { Mailutils.value(name, in: $0) } }
}

extension Mailutils {
    /// The fields of a header object (indices start at 1; values are borrowed and copied out).
    static func fields(_ h: mu_header_t) -> [(name: [UInt8], value: [UInt8])] {
        var count = 0
        guard mu_header_get_field_count(h, &count) == 0, count > 0 else { return [] }
        var out: [(name: [UInt8], value: [UInt8])] = []
        out.reserveCapacity(count)
        for i in 1...count {
            var name: UnsafePointer<CChar>?
            var value: UnsafePointer<CChar>?
            guard mu_header_sget_field_name(h, i, &name) == 0, let nb = borrowBytes(name) else { continue }
            let vb = mu_header_sget_field_value(h, i, &value) == 0 ? (borrowBytes(value) ?? []) : []
            out.append((nb, vb))
        }
        return out
    }

    /// Raw bytes of the first field with this name (case-insensitive), nil if absent.
    static func value(_ name: String, in h: mu_header_t) -> [UInt8]? {
        var value: UnsafePointer<CChar>?
        guard surel_mu_header_sget_value(h, name, &value) == 0 else { return nil }
        return borrowBytes(value)
    }
}

extension Mailutils {
    /// Quoted-printable body -> bytes through Mailutils' filter, reading from a static memory stream over the
    /// bytes (no copy). `error` tells a decoding failure; `bytes` then holds what was decoded before it.
    static func decodeQuotedPrintable(_ input: UnsafeRawBufferPointer) -> (bytes: [UInt8], error: String?) {
        if input.isEmpty { return ([], nil) }
        var stream: mu_stream_t?
        var rc = mu_static_memory_stream_create(&stream, input.baseAddress, input.count)
        guard rc == 0, stream != nil else { return (Array(input), "no quoted-printable source: \(MUMessage.errorString(rc))") }
        defer { mu_stream_unref(stream) }
        var filter: mu_stream_t?
        rc = mu_filter_create(&filter, stream, "quoted-printable", MU_FILTER_DECODE, MU_STREAM_READ)
        guard rc == 0, filter != nil else {
            return (Array(input), "no quoted-printable filter: \(MUMessage.errorString(rc))")
        }
        defer { mu_stream_unref(filter) }
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            var got = 0
            let rc = chunk.withUnsafeMutableBytes { mu_stream_read(filter, $0.baseAddress, $0.count, &got) }
            if rc != 0 { return (out, "quoted-printable decoding stopped: \(MUMessage.errorString(rc))") }
            if got == 0 { break }
            out.append(contentsOf: chunk[0..<got])
        }
        return (out, nil)
    }
}

/// A header block parsed by Mailutils from bytes (for text/rfc822-headers parts and DSN field groups).
enum MUHeaderBlock {
    static func fields(_ bytes: [UInt8]) -> [(name: [UInt8], value: [UInt8])]? {
        bytes.withUnsafeBytes { MUHeader($0)?.fields() }
    }
}
