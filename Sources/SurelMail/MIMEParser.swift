// MIMEParser: raw RFC 5322 bytes -> ParsedMessage, in Swift.
// In charge of: header decoding (RFC 2047, unfolding), addresses, dates, message-id lists; walking the MIME tree
// (RFC 2045/2046) to pick the readable text (text/plain preferred in multipart/alternative, else HTML made text),
// attachments with RFC 2231/2047 names, forwarded message/rfc822 parts, and delivery status notifications
// (RFC 3464). Malformed input yields a best-effort message with `warnings`; nothing throws.
// Every incoming mail may be hostile: each step is linear in its input (HeaderBlock, MIMEParameters, AddressList,
// EncodedWords, MultipartSplitter, HTMLText) and none reaches C code that trusts the mail. GNU Mailutils, which
// parsed headers, parameters, addresses and encoded words before, crashed on malformed RFC 2231 parameters and
// walked fields and addresses by index (quadratic); it is now asked only to scan dates (see Mailutils.swift).
import Foundation

public enum MIMEParser {
    /// Nesting beyond this (multipart in message/rfc822 in multipart ...) is kept as opaque attachments.
    static let maxDepth = 16
    /// Parts beyond this in one message are not walked (kept in the raw bytes, with a warning).
    static let maxParts = 2_000

    /// Parses one raw RFC 5322 message (CRLF or LF line endings, possibly starting with an mbox "From " line).
    public static func parse(_ raw: Data) throws -> ParsedMessage {
        let bytes = raw.withUnsafeBytes { HeaderBlock.normalized($0) }
        var walk = Walk()
        var parsed = bytes.withUnsafeBytes { message($0, depth: 0, walk: &walk) }
        parsed.warnings = walk.warnings + parsed.warnings
        return parsed
    }

    /// Headers only (for messages over the size limit): fills messageID, subject, from, to, date, inReplyTo,
    /// references, headers (and contentType); no bodies. Only the bytes up to the first empty line are read.
    public static func parseHeaders(_ raw: Data) throws -> ParsedMessage {
        let head = raw.withUnsafeBytes { buf in
            HeaderBlock.normalized(UnsafeRawBufferPointer(rebasing: buf[0..<headerEnd(buf)]))
        }
        var p = ParsedMessage()
        var warnings: [String] = []
        head.withUnsafeBytes { fillHeaders(&p, from: HeaderBlock.parse($0, 0..<$0.count).fields, warnings: &warnings) }
        p.warnings = warnings
        return p
    }

    /// Where the header block of a raw message ends (its empty line, or the end): what follows is the content
    /// two copies of one mail share when relays only changed the trace fields.
    public static func headerBlockEnd(_ raw: Data) -> Int {
        raw.withUnsafeBytes { headerEnd($0) }
    }

    /// Offset of the empty line ending the header block (LF or CRLF), or the whole length.
    static func headerEnd(_ buf: UnsafeRawBufferPointer) -> Int {
        let n = buf.count
        guard let base = buf.baseAddress else { return 0 }
        var i = 0
        while i < n, let nl = memchr(base + i, 0x0A, n - i) {
            let at = base.distance(to: UnsafeRawPointer(nl))
            if at + 1 < n, buf[at + 1] == 0x0A { return at }
            if at + 2 < n, buf[at + 1] == 0x0D, buf[at + 2] == 0x0A { return at }
            i = at + 1
        }
        return n
    }

    // MARK: - One message (the top level or an embedded message/rfc822)

    /// What the walk over one message's parts collects.
    struct Walk {
        var pieces: [String] = []  // readable text, in document order
        var hasPlain = false  // some piece came from a text/plain part
        var html: String?
        var attachments: [ParsedAttachment] = []
        var deliveryStatuses: [DeliveryStatus] = []
        var embeddedHeaders: [(name: String, value: String)] = []
        var warnings: [String] = []
        var inReport = false
        /// How many more parts the whole message may have walked (see `maxParts`).
        var partsLeft = MIMEParser.maxParts
    }

    /// One message (LF-normalized bytes valid for the call): its headers, then the walk over its body.
    static func message(_ bytes: UnsafeRawBufferPointer, depth: Int, walk: inout Walk) -> ParsedMessage {
        var p = ParsedMessage()
        var warnings: [String] = []
        let (fields, body) = HeaderBlock.parse(bytes, 0..<bytes.count)
        fillHeaders(&p, from: fields, warnings: &warnings)
        walk.warnings += warnings
        var inner = Walk()
        inner.partsLeft = walk.partsLeft
        entity(Entity(fields: fields, bytes: bytes, body: body), defaultType: "text/plain", depth: depth, walk: &inner)
        walk.partsLeft = inner.partsLeft
        p.text = inner.pieces.joined(separator: "\n\n")
        p.html = inner.html
        p.attachments = inner.attachments
        p.deliveryStatuses = inner.deliveryStatuses
        p.embeddedHeaders = inner.embeddedHeaders
        walk.warnings += inner.warnings
        return p
    }

    static func fillHeaders(_ p: inout ParsedMessage, from fields: [HeaderField], warnings: inout [String]) {
        p.headers.reserveCapacity(fields.count)
        var seen = Set<String>()
        for f in fields {
            let name = String(decoding: f.name, as: UTF8.self)
            let key = name.lowercased()
            let raw = HeaderBlock.unfolded(f.value)
            // Trace and signature fields are kept as written; every other value has its encoded-words decoded.
            let value =
                key == "received" || key == "dkim-signature" ? Charset.utf8OrWindows1252(raw) : EncodedWords.decode(raw)
            p.headers.append((name, value))
            let first = seen.insert(key).inserted
            guard first else {
                // Several To/Cc fields: join them; other duplicates keep the first.
                if key == "to" { p.to += AddressList.parse(raw).addresses }
                if key == "cc" { p.cc += AddressList.parse(raw).addresses }
                continue
            }
            switch key {
            case "subject": p.subject = value
            case "from":
                let list = AddressList.parse(raw)
                p.from = list.addresses.first
                if list.addresses.count + list.invalid > 1 {
                    p.addressProblems.append("From berisi \(list.addresses.count + list.invalid) entri alamat")
                }
            case "reply-to":
                let list = AddressList.parse(raw)
                p.replyTo = list.addresses
                if list.addresses.count != 1 || list.invalid > 0 {
                    p.addressProblems.append(
                        list.addresses.isEmpty
                            ? "Reply-To tanpa alamat yang sah"
                            : "Reply-To berisi \(list.addresses.count + list.invalid) entri alamat")
                }
            case "to": p.to = AddressList.parse(raw).addresses
            case "cc": p.cc = AddressList.parse(raw).addresses
            case "message-id": p.messageID = messageIDs(value, single: true).first
            case "in-reply-to": p.inReplyTo = messageIDs(value, single: false)
            case "references": p.references = messageIDs(value, single: false)
            case "date":
                p.date = Mailutils.parseDate(value)
                if p.date == nil, !value.isEmpty { warnings.append("unparseable Date: \(value.prefix(80))") }
            case "content-type":
                let ct = MIMEParameters.parse(raw)
                p.contentType = ct.value.isEmpty ? "text/plain" : ct.value
                p.contentTypeParameters = ct.params
            default: break
            }
        }
    }

    // MARK: - The MIME tree

    /// One MIME entity: its header fields and its body as a byte range of the LF-normalized bytes of the message
    /// it is in. `bytes` stays valid for the whole walk of that message (see `message`).
    struct Entity {
        let fields: [HeaderField]
        let bytes: UnsafeRawBufferPointer
        let body: Range<Int>

        /// The unfolded raw value of the first field with this name.
        func headerValue(_ name: String) -> [UInt8]? {
            fields.first { $0.isNamed(name) }.map { HeaderBlock.unfolded($0.value) }
        }

        var bodyBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[body]) }

        /// The parts of this multipart entity, split on `boundary`; nil when no delimiter line is found.
        func parts(boundary: String) -> (parts: [Entity], closed: Bool)? {
            guard let split = MultipartSplitter.split(bytes, body, boundary: Array(boundary.utf8)) else { return nil }
            let parts = split.parts.map { range -> Entity in
                let (fields, body) = HeaderBlock.parse(bytes, range)
                return Entity(fields: fields, bytes: bytes, body: body)
            }
            return (parts, split.closed)
        }
    }

    static func entity(_ msg: Entity, defaultType: String, depth: Int, walk: inout Walk) {
        var ctype = defaultType
        var cparams: [String: String] = [:]
        var badType: String?
        if let raw = msg.headerValue("Content-Type") {
            let ct = MIMEParameters.parse(raw)
            if ct.value.contains("/") {
                ctype = ct.value; cparams = ct.params
            } else if !ct.value.isEmpty {
                badType = ct.value; cparams["name"] = ct.params["name"]
            }
        }
        var disposition = ""
        var dparams: [String: String] = [:]
        if let raw = msg.headerValue("Content-Disposition") {
            let cd = MIMEParameters.parse(raw)
            disposition = cd.value
            dparams = cd.params
        }
        let cte = msg.headerValue("Content-Transfer-Encoding").map {
            Charset.utf8OrWindows1252($0).lowercased()
        }
        let filename = (dparams["filename"] ?? cparams["name"]).map(\.trimmedWS).flatMap { $0.isEmpty ? nil : $0 }
        if let badType {
            // `Content-Type: application-x-gzip; name="a.gz"`: a file whose type the sender got wrong is still a file.
            if filename != nil { ctype = "application/octet-stream" }
            walk.warnings.append("bad Content-Type \"\(badType.prefix(60))\", read as \(ctype)")
        }

        if ctype.hasPrefix("multipart/") {
            guard depth < maxDepth else {
                walk.warnings.append("MIME nesting deeper than \(maxDepth): kept as attachment")
                attach(msg, ctype: ctype, cte: cte, filename: filename, inline: false, walk: &walk)
                return
            }
            guard let boundary = cparams["boundary"], !boundary.isEmpty,
                let (allParts, closed) = msg.parts(boundary: boundary), !allParts.isEmpty
            else {
                walk.warnings.append("\(ctype) without usable parts (boundary missing?): read as text")
                leafText(msg, ctype: "text/plain", params: cparams, cte: cte, walk: &walk)
                return
            }
            if !closed { walk.warnings.append("\(ctype) without closing delimiter: last part taken to the end") }
            var parts = allParts
            if parts.count > walk.partsLeft {
                walk.warnings.append("more than \(maxParts) MIME parts: the rest is kept in the raw message only")
                parts = Array(parts.prefix(max(walk.partsLeft, 0)))
            }
            walk.partsLeft -= parts.count
            let sub = ctype.dropFirst("multipart/".count)
            if sub == "alternative" {
                alternative(parts, depth: depth, walk: &walk)
                return
            }
            let wasReport = walk.inReport
            if sub == "report" { walk.inReport = true }
            let childDefault = sub == "digest" ? "message/rfc822" : "text/plain"
            for part in parts { entity(part, defaultType: childDefault, depth: depth + 1, walk: &walk) }
            walk.inReport = wasReport
            return
        }

        switch ctype {
        case "message/rfc822", "message/global":
            embedded(msg, ctype: ctype, cte: cte, filename: filename, depth: depth, walk: &walk)
        case "message/delivery-status", "message/global-delivery-status":
            var (bytes, _) = decodedBody(msg, cte: cte, walk: &walk)
            walk.deliveryStatuses += deliveryStatuses(bytes)
            // Shown too (as mail readers show it): the status and diagnostic are what an agent looks for.
            stripCR(&bytes)
            walk.pieces.append(Charset.utf8OrWindows1252(bytes).trimmedNewlines)
        case "text/rfc822-headers", "text/global-headers":
            let (bytes, _) = decodedBody(msg, cte: cte, walk: &walk)
            if walk.embeddedHeaders.isEmpty { walk.embeddedHeaders = headerBlock(bytes) }
        case "text/plain", "text/html":
            if disposition == "attachment" || (filename != nil && disposition != "inline") {
                attach(msg, ctype: ctype, cte: cte, filename: filename, inline: false, walk: &walk)
            } else {
                leafText(msg, ctype: ctype, params: cparams, cte: cte, walk: &walk)
                // An inline text with a file name is a file the sender attached too: shown, and kept as a file.
                if filename != nil {
                    attach(msg, ctype: ctype, cte: cte, filename: filename, inline: true, walk: &walk)
                }
            }
        case "application/ms-tnef", "application/vnd.ms-tnef":
            tnef(msg, ctype: ctype, cte: cte, filename: filename, walk: &walk)
        default:
            if filename?.lowercased() == "winmail.dat" {
                tnef(msg, ctype: ctype, cte: cte, filename: filename, walk: &walk)
            } else {
                attach(msg, ctype: ctype, cte: cte, filename: filename, inline: disposition == "inline", walk: &walk)
            }
        }
    }

    /// Outlook's winmail.dat: kept as it came, and the files inside it listed after it. Its body text is the
    /// mail's text only when no other part gave one (Outlook also sends the text as text/plain).
    static func tnef(_ msg: Entity, ctype: String, cte: String?, filename: String?, walk: inout Walk) {
        let data = decodedData(msg, cte: cte, walk: &walk)
        walk.attachments.append(ParsedAttachment(filename: filename, contentType: ctype, data: data, isInline: false))
        guard let content = TNEF.read([UInt8](data)) else {
            walk.warnings.append("winmail.dat is not TNEF: kept as a file")
            return
        }
        // Its files count against the message's part limit like MIME parts (many winmail.dat parts must not add up
        // to millions of files).
        let taken = content.attachments.prefix(max(0, walk.partsLeft))
        walk.partsLeft -= taken.count
        if taken.count < content.attachments.count {
            walk.warnings.append("more than \(maxParts) MIME parts and files: the rest is kept in the raw message only")
        }
        walk.attachments += taken
        walk.warnings += content.warnings
        if let text = content.text, !text.isEmpty, !walk.pieces.contains(where: { !$0.isEmpty }) {
            walk.pieces.append(text)
        }
    }

    /// multipart/alternative: every child is walked (so attachments and HTML inside are kept), but only one
    /// child's text is used: the first with text/plain, else the last that has any text.
    static func alternative(_ parts: [Entity], depth: Int, walk: inout Walk) {
        var chosen: Walk?
        for part in parts {
            var sub = Walk()
            sub.inReport = walk.inReport
            sub.partsLeft = walk.partsLeft
            entity(part, defaultType: "text/plain", depth: depth + 1, walk: &sub)
            walk.partsLeft = sub.partsLeft
            walk.attachments += sub.attachments
            walk.deliveryStatuses += sub.deliveryStatuses
            walk.warnings += sub.warnings
            if walk.embeddedHeaders.isEmpty { walk.embeddedHeaders = sub.embeddedHeaders }
            if walk.html == nil { walk.html = sub.html }
            let text = sub.pieces.contains { !$0.isEmpty }
            if chosen?.hasPlain == true { continue }
            if sub.hasPlain && text { chosen = sub } else if text { chosen = sub }
        }
        if let chosen {
            walk.pieces += chosen.pieces
            walk.hasPlain = walk.hasPlain || chosen.hasPlain
        }
    }

    static func leafText(_ msg: Entity, ctype: String, params: [String: String], cte: String?, walk: inout Walk) {
        var (bytes, _) = decodedBody(msg, cte: cte, walk: &walk)
        stripCR(&bytes)
        var charset = params["charset"]
        if charset == nil, ctype == "text/html" { charset = metaCharset(bytes) }
        var text = Charset.decode(bytes, charset: charset, warnings: &walk.warnings, context: ctype)
        // A NUL would end the text for C-string readers down the line: it becomes U+FFFD like any bad byte.
        if bytes.contains(0) { text = text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") }
        if ctype == "text/html" {
            if walk.html == nil { walk.html = text }
            walk.pieces.append(HTMLText.text(from: text))
        } else {
            if params["format"]?.lowercased() == "flowed" {
                text = unflowed(text, deleteSpace: params["delsp"]?.lowercased() == "yes")
            }
            walk.pieces.append(text.trimmedNewlines)
            walk.hasPlain = true
        }
    }

    /// format=flowed text (RFC 3676) as the sender wrote it: a line ending in a space goes on in the next line of
    /// the same quote depth (without that space with delsp=yes); space-stuffing is undone. In-place appends keep a
    /// paragraph of a million soft breaks linear.
    static func unflowed(_ text: String, deleteSpace: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var open = false  // the last line was flowed: the next one of its depth continues it
        var openDepth = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var l = line[...]
            var depth = 0
            while l.first == ">" { depth += 1; l = l.dropFirst() }
            if l.first == " " { l = l.dropFirst() }
            let flowed = l.last == " " && l != "-- "
            if flowed && deleteSpace { l = l.dropLast() }
            if !(open && depth == openDepth) {
                if !out.isEmpty { out.append("\n") }
                if depth > 0 { out.append(String(repeating: ">", count: depth) + " ") }
            }
            out.append(contentsOf: l)
            open = flowed
            openDepth = depth
        }
        return out
    }

    static func attach(_ msg: Entity, ctype: String, cte: String?, filename: String?, inline: Bool, walk: inout Walk) {
        let data = decodedData(msg, cte: cte, walk: &walk)
        walk.attachments.append(ParsedAttachment(filename: filename, contentType: ctype, data: data, isInline: inline))
    }

    /// message/rfc822: parsed as a message of its own. In a report (bounce) it is the returned message: its
    /// headers go to `embeddedHeaders` and its bytes stay an attachment. Elsewhere it is a forward: its text is
    /// appended under a separator and its attachments join ours.
    static func embedded(_ msg: Entity, ctype: String, cte: String?, filename: String?, depth: Int, walk: inout Walk) {
        let (bytes, _) = decodedBody(msg, cte: cte, walk: &walk)
        guard depth < maxDepth, !bytes.isEmpty else {
            walk.attachments.append(
                ParsedAttachment(filename: filename, contentType: ctype, data: Data(bytes), isInline: false))
            return
        }
        var sub = Walk()
        sub.partsLeft = walk.partsLeft
        let p = bytes.withUnsafeBytes { HeaderBlock.normalized($0) }.withUnsafeBytes {
            message($0, depth: depth + 1, walk: &sub)
        }
        walk.partsLeft = sub.partsLeft
        walk.warnings += sub.warnings
        if walk.inReport {
            walk.embeddedHeaders = p.headers
            walk.attachments.append(
                ParsedAttachment(filename: filename, contentType: ctype, data: Data(bytes), isInline: false))
            return
        }
        if walk.embeddedHeaders.isEmpty { walk.embeddedHeaders = p.headers }
        // A forwarded mail the sender named is a file too (its text is shown below as well).
        if let filename {
            walk.attachments.append(
                ParsedAttachment(filename: filename, contentType: ctype, data: Data(bytes), isInline: false))
        }
        var block = "---------- Forwarded message ----------\n"
        if let from = p.header("From") { block += "From: \(from)\n" }
        if let date = p.header("Date") { block += "Date: \(date)\n" }
        if !p.subject.isEmpty { block += "Subject: \(p.subject)\n" }
        if let to = p.header("To") { block += "To: \(to)\n" }
        block += "\n" + p.text
        walk.pieces.append(block)
        walk.attachments += p.attachments
        walk.deliveryStatuses += p.deliveryStatuses
        if walk.html == nil { walk.html = p.html }
    }

    /// The entity's body, transfer-decoded: base64 in Swift, quoted-printable through Mailutils' filter, anything
    /// else as it is. The error (also added to the warnings) tells a decoding failure.
    static func decodedBody(_ msg: Entity, cte: String?, walk: inout Walk) -> ([UInt8], String?) {
        let enc = transferEncoding(cte, walk: &walk)
        if enc == "base64" { return (Base64Body.decode(msg.bodyBytes), nil) }
        return decodedOther(msg, encoding: enc, walk: &walk)
    }

    /// `decodedBody` as Data, for attachments: base64 decodes straight into the Data's storage (no second copy of
    /// what is most of the bytes in mail).
    static func decodedData(_ msg: Entity, cte: String?, walk: inout Walk) -> Data {
        let enc = transferEncoding(cte, walk: &walk)
        if enc == "base64" { return Base64Body.decodeData(msg.bodyBytes) }
        return Data(decodedOther(msg, encoding: enc, walk: &walk).0)
    }

    /// The Content-Transfer-Encoding to apply; unknown ones are read as they are, with a warning.
    static func transferEncoding(_ cte: String?, walk: inout Walk) -> String? {
        guard let e = cte, e != "base64", e != "quoted-printable", e != "7bit", e != "8bit", e != "binary", !e.isEmpty
        else { return cte }
        if e.contains("base64") { return "base64" }
        if e.contains("quoted") { return "quoted-printable" }
        walk.warnings.append("unknown Content-Transfer-Encoding \"\(e.prefix(40))\": body kept as is")
        return e
    }

    private static func decodedOther(_ msg: Entity, encoding: String?, walk: inout Walk) -> ([UInt8], String?) {
        guard encoding == "quoted-printable" else { return (Array(msg.bodyBytes), nil) }
        return (QuotedPrintable.decode(msg.bodyBytes), nil)
    }

    // MARK: - Header helpers

    /// Message-IDs without angle brackets. `<a@b> <c@d>` -> [a@b, c@d]; a bare id is taken as it is.
    static func messageIDs(_ raw: String, single: Bool) -> [String] {
        var ids: [String] = []
        var rest = Substring(raw)
        while let open = rest.firstIndex(of: "<") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: ">") else { break }
            let id = rest[after..<close].trimmedWS
            if !id.isEmpty, !id.contains(" ") { ids.append(id) }
            rest = rest[rest.index(after: close)...]
            if single, !ids.isEmpty { break }
        }
        if ids.isEmpty {
            let tokens = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
            ids = single ? Array(tokens.prefix(1)) : tokens.filter { $0.contains("@") }
        }
        return ids
    }

    // MARK: - Bodies

    static func stripCR(_ bytes: inout [UInt8]) {
        guard bytes.contains(0x0D) else { return }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x0D, i + 1 < n, bytes[i + 1] == 0x0A { i += 1; continue }
            out.append(b == 0x0D ? 0x0A : b)
            i += 1
        }
        bytes = out
    }

    /// `<meta charset=...>` or `content="text/html; charset=..."` in the first 2 KB of an HTML body.
    static func metaCharset(_ bytes: [UInt8]) -> String? {
        let head = String(decoding: bytes.prefix(2048), as: UTF8.self).lowercased()
        guard let r = head.range(of: "charset=") else { return nil }
        let cs = head[r.upperBound...].drop { $0 == "\"" || $0 == "'" || $0 == " " }
            .prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ":" }
        return cs.isEmpty ? nil : String(cs)
    }

    /// A header block (text/rfc822-headers body) -> decoded fields.
    static func headerBlock(_ bytes: [UInt8]) -> [(name: String, value: String)] {
        var b = bytes
        stripCR(&b)
        if let start = b.firstIndex(where: { $0 != 0x0A }) { b.removeFirst(start) } else { b = [] }
        b.append(contentsOf: [0x0A, 0x0A])
        return HeaderBlock.fields(b).map {
            (String(decoding: $0.name, as: UTF8.self), EncodedWords.decode(HeaderBlock.unfolded($0.value)))
        }
    }

    /// message/delivery-status body (RFC 3464): groups of fields separated by empty lines; the first is about the
    /// message, each later one about a recipient.
    static func deliveryStatuses(_ bytes: [UInt8]) -> [DeliveryStatus] {
        var b = bytes
        stripCR(&b)
        var groups: [[UInt8]] = []
        var current: [UInt8] = []
        var lineStart = 0
        for i in 0...b.count {
            if i == b.count || b[i] == 0x0A {
                let line = b[lineStart..<i]
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    if !current.isEmpty { groups.append(current); current = [] }
                } else {
                    current.append(contentsOf: line); current.append(0x0A)
                }
                lineStart = i + 1
            }
        }
        if !current.isEmpty { groups.append(current) }
        var out: [DeliveryStatus] = []
        for g in groups {
            let fields = headerBlock(g)
            func field(_ n: String) -> String? {
                fields.first { $0.name.caseInsensitiveCompare(n) == .orderedSame }?.value
            }
            guard field("Final-Recipient") != nil || field("Original-Recipient") != nil || field("Action") != nil
            else { continue }
            let recipient = (field("Final-Recipient") ?? field("Original-Recipient")).map { v -> String in
                var addr = Substring(v)
                if let semi = addr.firstIndex(of: ";") { addr = addr[addr.index(after: semi)...] }
                return addr.trimmingCharacters(in: CharacterSet(charactersIn: " \t<>")).lowercased()
            }
            let status = field("Status").flatMap { $0.split(separator: " ").first.map(String.init) }
            let diagnostic = field("Diagnostic-Code").map { v -> String in
                if let semi = v.firstIndex(of: ";"), v[..<semi].allSatisfy({ $0.isLetter || $0 == "-" }) {
                    return v[v.index(after: semi)...].trimmedWS
                }
                return v
            }
            out.append(
                DeliveryStatus(
                    finalRecipient: recipient, action: field("Action")?.lowercased(),
                    status: status, diagnostic: diagnostic))
        }
        return out
    }
}
