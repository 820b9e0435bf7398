// MIMEParser: raw RFC 5322 bytes -> ParsedMessage, on GNU Mailutils (see Mailutils.swift for the C side).
// In charge of: header decoding (RFC 2047, unfolding), addresses, dates, message-id lists; walking the MIME tree
// (RFC 2045/2046) to pick the readable text (text/plain preferred in multipart/alternative, else HTML made text),
// attachments with RFC 2231/2047 names, forwarded message/rfc822 parts, and delivery status notifications
// (RFC 3464). Malformed input yields a best-effort message with `warnings`; only bytes Mailutils cannot make a
// message of at all throw `MIMEParseError.unparseable`.
// Mailutils parses headers (the message's, and each part's header block); multipart bodies are split in Swift
// (MultipartSplitter) and bodies are sliced from the message's bytes and decoded here: Mailutils' own splitter
// and body streams run at ~20 MB/s and mis-split some mail (see Mailutils.swift).
import Foundation

public enum MIMEParser {
    /// Nesting beyond this (multipart in message/rfc822 in multipart ...) is kept as opaque attachments.
    static let maxDepth = 16

    /// Parses one raw RFC 5322 message (CRLF or LF line endings, possibly starting with an mbox "From " line).
    public static func parse(_ raw: Data) throws -> ParsedMessage {
        Mailutils.lock.lock()
        defer { Mailutils.lock.unlock() }
        var walk = Walk()
        let msg = try load(raw, warnings: &walk.warnings)
        var parsed = message(msg, depth: 0, walk: &walk)
        parsed.warnings = walk.warnings + parsed.warnings
        return parsed
    }

    /// Headers only (for messages over the size limit): fills messageID, subject, from, to, date, inReplyTo,
    /// references, headers (and contentType); no bodies. Only the bytes up to the first empty line are read.
    public static func parseHeaders(_ raw: Data) throws -> ParsedMessage {
        Mailutils.lock.lock()
        defer { Mailutils.lock.unlock() }
        var warnings: [String] = []
        let msg: MUMessage = try raw.withUnsafeBytes { buf in
            let end = headerEnd(buf)
            var head = Array(buf[0..<end])
            while head.first == 0x0A || head.first == 0x0D { head.removeFirst() }
            head.append(contentsOf: [0x0A, 0x0A])
            return head
        }.withUnsafeBytes { try load($0, warnings: &warnings) }
        var p = ParsedMessage()
        fillHeaders(&p, from: msg, warnings: &warnings)
        p.warnings = warnings
        return p
    }

    /// Placeholder field put in front of a message that has no header at all (Mailutils refuses those).
    static let placeholderField = "X-Surel-No-Header"

    /// Mailutils' message from bytes; when it refuses them, once more from a repaired copy (see `repairHeader`).
    static func load<D: ContiguousBytes>(_ raw: D, warnings: inout [String]) throws -> MUMessage {
        do {
            return try raw.withUnsafeBytes { try MUMessage.parse($0) }
        } catch {
            let repaired = raw.withUnsafeBytes { repairHeader($0) }
            guard let msg = try? repaired.withUnsafeBytes({ try MUMessage.parse($0) }) else { throw error }
            warnings.append("malformed header block (\(error)); parsed after ending the header at the first non-field line")
            return msg
        }
    }

    /// Ends the header block at the first line that is neither a field ("Name: value") nor a continuation, by
    /// inserting an empty line there; a message with no field at all gets a placeholder field (dropped later).
    static func repairHeader(_ buf: UnsafeRawBufferPointer) -> [UInt8] {
        var bytes = Array(buf)
        if bytes.starts(with: Array("From ".utf8)), let nl = bytes.firstIndex(of: 0x0A) { bytes.removeSubrange(0...nl) }
        var i = 0
        var fields = 0
        while i < bytes.count {
            let end = bytes[i...].firstIndex(of: 0x0A) ?? bytes.count
            var line = bytes[i..<end]
            if line.last == 0x0D { line = line.dropLast() }
            if line.isEmpty { break }                       // a proper end of header
            let isContinuation = (line.first == 0x20 || line.first == 0x09) && fields > 0
            var isField = false
            if let colon = line.firstIndex(of: 0x3A), colon > line.startIndex {
                isField = line[line.startIndex..<colon].allSatisfy { $0 > 0x20 && $0 < 0x7F }
            }
            if !isField && !isContinuation {
                bytes.insert(0x0A, at: i)
                break
            }
            if isField { fields += 1 }
            i = end + 1
        }
        if fields == 0 {
            let prefix = Array("\(placeholderField): 1\n".utf8) + (bytes.first == 0x0A || bytes.starts(with: [0x0D, 0x0A]) ? [] : [0x0A])
            bytes = prefix + bytes
        }
        return bytes
    }

    /// Offset of the empty line ending the header block (LF or CRLF), or the whole length.
    static func headerEnd(_ buf: UnsafeRawBufferPointer) -> Int {
        let n = buf.count
        var i = 0
        while i < n {
            if buf[i] == 0x0A {
                if i + 1 < n, buf[i + 1] == 0x0A { return i }
                if i + 2 < n, buf[i + 1] == 0x0D, buf[i + 2] == 0x0A { return i }
            }
            i += 1
        }
        return n
    }

    // MARK: - One message (the top level or an embedded message/rfc822)

    /// What the walk over one message's parts collects.
    struct Walk {
        var pieces: [String] = []       // readable text, in document order
        var hasPlain = false            // some piece came from a text/plain part
        var html: String?
        var attachments: [ParsedAttachment] = []
        var deliveryStatuses: [DeliveryStatus] = []
        var embeddedHeaders: [(name: String, value: String)] = []
        var warnings: [String] = []
        var inReport = false
    }

    static func message(_ msg: MUMessage, depth: Int, walk: inout Walk) -> ParsedMessage {
        var p = ParsedMessage()
        var warnings: [String] = []
        fillHeaders(&p, from: msg, warnings: &warnings)
        walk.warnings += warnings
        var inner = Walk()
        withExtendedLifetime(msg) {
            let root = Entity(header: .message(msg), bytes: msg.bytes, body: msg.bodyRange)
            entity(root, defaultType: "text/plain", depth: depth, walk: &inner)
        }
        p.text = inner.pieces.joined(separator: "\n\n")
        p.html = inner.html
        p.attachments = inner.attachments
        p.deliveryStatuses = inner.deliveryStatuses
        p.embeddedHeaders = inner.embeddedHeaders
        walk.warnings += inner.warnings
        return p
    }

    static func fillHeaders(_ p: inout ParsedMessage, from msg: MUMessage, warnings: inout [String]) {
        let fields = msg.headerFields()
        p.headers.reserveCapacity(fields.count)
        var seen = Set<String>()
        for f in fields {
            let name = Charset.utf8OrWindows1252(f.name).trimmedWS
            let rawValue = unfold(f.value)
            let key = name.lowercased()
            if key == placeholderField.lowercased() { continue }
            let first = seen.insert(key).inserted
            switch key {
            case "from", "to", "cc", "reply-to", "sender", "bcc", "resent-from", "resent-to", "resent-cc",
                 "message-id", "in-reply-to", "references", "date", "content-type", "content-disposition",
                 "received", "content-transfer-encoding", "return-path", "dkim-signature":
                p.headers.append((name, rawValue.mayHaveEncodedWord && key != "dkim-signature" && key != "received"
                                  ? decodeWords(rawValue) : rawValue))
            default:
                p.headers.append((name, decodeWords(rawValue)))
            }
            guard first else {
                // Several To/Cc fields: join them; other duplicates keep the first.
                if key == "to" { p.to += addresses(rawValue) }
                if key == "cc" { p.cc += addresses(rawValue) }
                continue
            }
            switch key {
            case "subject": p.subject = p.headers.last!.value
            case "from": p.from = addresses(rawValue).first
            case "to": p.to = addresses(rawValue)
            case "cc": p.cc = addresses(rawValue)
            case "reply-to": p.replyTo = addresses(rawValue)
            case "message-id": p.messageID = messageIDs(rawValue, single: true).first
            case "in-reply-to": p.inReplyTo = messageIDs(rawValue, single: false)
            case "references": p.references = messageIDs(rawValue, single: false)
            case "date":
                p.date = Mailutils.parseDate(rawValue)
                if p.date == nil, !rawValue.isEmpty { warnings.append("unparseable Date: \(rawValue.prefix(80))") }
            case "content-type":
                let ct = mimeHeader(rawValue, warnings: &warnings)
                p.contentType = ct.value.isEmpty ? "text/plain" : ct.value
                p.contentTypeParameters = ct.params
            default: break
            }
        }
    }

    // MARK: - The MIME tree

    /// One MIME entity: its header (Mailutils' parse of the message or of the part's header block) and its body as
    /// a byte range of the LF-normalized bytes of the message it is in. `bytes` stays valid while that
    /// MUMessage lives, which `message` guarantees for the whole walk.
    struct Entity {
        enum Header {
            case message(MUMessage)
            case part(MUHeader)
            case none
        }
        let header: Header
        let bytes: UnsafeRawBufferPointer
        let body: Range<Int>

        func headerValue(_ name: String) -> [UInt8]? {
            switch header {
            case .message(let m): return m.headerValue(name)
            case .part(let h): return h.value(name)
            case .none: return nil
            }
        }

        var bodyBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[body]) }

        /// The parts of this multipart entity, split on `boundary`; nil when no delimiter line is found.
        func parts(boundary: String) -> (parts: [Entity], closed: Bool)? {
            guard let split = MultipartSplitter.split(bytes, body, boundary: Array(boundary.utf8)) else { return nil }
            let parts = split.parts.map { range -> Entity in
                let (head, body) = MultipartSplitter.headerAndBody(bytes, range)
                // An empty header block needs no Mailutils object; a refused one reads as no header (defaults).
                let header: Header = head.isEmpty ? .none
                    : MUHeader(UnsafeRawBufferPointer(rebasing: bytes[head])).map { .part($0) } ?? .none
                return Entity(header: header, bytes: bytes, body: body)
            }
            return (parts, split.closed)
        }
    }

    static func entity(_ msg: Entity, defaultType: String, depth: Int, walk: inout Walk) {
        var ctype = defaultType
        var cparams: [String: String] = [:]
        if let raw = msg.headerValue("Content-Type") {
            let ct = mimeHeader(unfold(raw), warnings: &walk.warnings)
            if ct.value.contains("/") { ctype = ct.value; cparams = ct.params }
            else if !ct.value.isEmpty { walk.warnings.append("bad Content-Type \"\(ct.value.prefix(60))\", read as \(defaultType)") }
        }
        var disposition = ""
        var dparams: [String: String] = [:]
        if let raw = msg.headerValue("Content-Disposition") {
            let cd = mimeHeader(unfold(raw), warnings: &walk.warnings)
            disposition = cd.value
            dparams = cd.params
        }
        let cte = msg.headerValue("Content-Transfer-Encoding").map {
            Charset.utf8OrWindows1252($0).trimmedWS.lowercased()
        }
        let filename = (dparams["filename"] ?? cparams["name"]).map { name -> String in
            let n = name.mayHaveEncodedWord ? decodeWords(name) : name
            return n.trimmedWS
        }.flatMap { $0.isEmpty ? nil : $0 }

        if ctype.hasPrefix("multipart/") {
            guard depth < maxDepth else {
                walk.warnings.append("MIME nesting deeper than \(maxDepth): kept as attachment")
                attach(msg, ctype: ctype, cte: cte, filename: filename, inline: false, walk: &walk)
                return
            }
            guard let boundary = cparams["boundary"], !boundary.isEmpty,
                  let (parts, closed) = msg.parts(boundary: boundary), !parts.isEmpty else {
                walk.warnings.append("\(ctype) without usable parts (boundary missing?): read as text")
                leafText(msg, ctype: "text/plain", params: cparams, cte: cte, walk: &walk)
                return
            }
            if !closed { walk.warnings.append("\(ctype) without closing delimiter: last part taken to the end") }
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
            let (bytes, _) = decodedBody(msg, cte: cte, walk: &walk)
            walk.deliveryStatuses += deliveryStatuses(bytes)
        case "text/rfc822-headers", "text/global-headers":
            let (bytes, _) = decodedBody(msg, cte: cte, walk: &walk)
            if walk.embeddedHeaders.isEmpty { walk.embeddedHeaders = headerBlock(bytes) }
        case "text/plain", "text/html":
            if disposition == "attachment" || (filename != nil && disposition != "inline") {
                attach(msg, ctype: ctype, cte: cte, filename: filename, inline: false, walk: &walk)
            } else {
                leafText(msg, ctype: ctype, params: cparams, cte: cte, walk: &walk)
            }
        default:
            attach(msg, ctype: ctype, cte: cte, filename: filename, inline: disposition == "inline", walk: &walk)
        }
    }

    /// multipart/alternative: every child is walked (so attachments and HTML inside are kept), but only one
    /// child's text is used: the first with text/plain, else the last that has any text.
    static func alternative(_ parts: [Entity], depth: Int, walk: inout Walk) {
        var chosen: Walk?
        for part in parts {
            var sub = Walk()
            sub.inReport = walk.inReport
            entity(part, defaultType: "text/plain", depth: depth + 1, walk: &sub)
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
        let text = Charset.decode(bytes, charset: charset, warnings: &walk.warnings, context: ctype)
        if ctype == "text/html" {
            if walk.html == nil { walk.html = text }
            walk.pieces.append(HTMLText.text(from: text))
        } else {
            walk.pieces.append(text.trimmedNewlines)
            walk.hasPlain = true
        }
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
            walk.attachments.append(ParsedAttachment(filename: filename, contentType: ctype, data: Data(bytes), isInline: false))
            return
        }
        let inner: MUMessage
        do {
            inner = try bytes.withUnsafeBytes { try MUMessage.parse($0) }
        } catch {
            walk.warnings.append("embedded message could not be parsed (\(error)): kept as attachment")
            walk.attachments.append(ParsedAttachment(filename: filename, contentType: ctype, data: Data(bytes), isInline: false))
            return
        }
        var sub = Walk()
        let p = message(inner, depth: depth + 1, walk: &sub)
        walk.warnings += sub.warnings
        if walk.inReport {
            walk.embeddedHeaders = p.headers
            walk.attachments.append(ParsedAttachment(filename: filename, contentType: ctype, data: Data(bytes), isInline: false))
            return
        }
        if walk.embeddedHeaders.isEmpty { walk.embeddedHeaders = p.headers }
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
        let (bytes, error) = Mailutils.decodeQuotedPrintable(msg.bodyBytes)
        if let error { walk.warnings.append(error) }
        return (bytes, error)
    }

    // MARK: - Header helpers

    /// RFC 5322 unfolding: line breaks inside a field value go, the whitespace after them stays; then trimmed.
    static func unfold(_ raw: [UInt8]) -> String {
        var bytes = raw
        if bytes.contains(0x0A) || bytes.contains(0x0D) { bytes.removeAll { $0 == 0x0A || $0 == 0x0D } }
        return Charset.utf8OrWindows1252(bytes).trimmedWS
    }

    /// RFC 2047 encoded-words -> UTF-8: Mailutils first, a Swift decoder when it refuses (unknown charset,
    /// broken word), so one bad word never loses the whole value.
    static func decodeWords(_ s: String) -> String {
        guard s.mayHaveEncodedWord else { return s }
        if let d = Mailutils.rfc2047Decode(s), !d.mayHaveEncodedWord || !looksEncoded(d) { return d }
        return RFC2047.decode(s)
    }

    private static func looksEncoded(_ s: String) -> Bool {
        s.range(of: #"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?="#, options: .regularExpression) != nil
    }

    /// A Content-Type/Disposition value (lowercased) and its parameters, decoded. Mailutils first, then a plain split.
    static func mimeHeader(_ s: String, warnings: inout [String]) -> (value: String, params: [String: String]) {
        if let r = Mailutils.parseMIMEHeader(s) {
            return (r.value.trimmedWS.lowercased(), r.params)
        }
        let r = MIMEParams.parse(s)
        return (r.value.lowercased(), r.params)
    }

    static func addresses(_ raw: String) -> [MailAddress] {
        if raw.isEmpty { return [] }
        if let list = Mailutils.parseAddresses(raw), !list.isEmpty {
            return list.compactMap { a in
                let email = a.email.trimmedWS.lowercased()
                guard let at = email.firstIndex(of: "@"), at != email.startIndex, email.index(after: at) != email.endIndex
                else { return nil }
                return MailAddress(name: displayName(a.name), email: email)
            }
        }
        return AddressFallback.parse(raw).map { MailAddress(name: displayName($0.name), email: $0.email.lowercased()) }
    }

    static func displayName(_ raw: String?) -> String? {
        guard var n = raw?.trimmedWS, !n.isEmpty else { return nil }
        n = decodeWords(n)
        if n.count >= 2, n.hasPrefix("\""), n.hasSuffix("\"") { n = String(n.dropFirst().dropLast()) }
        if n.count >= 2, n.hasPrefix("'"), n.hasSuffix("'") { n = String(n.dropFirst().dropLast()) }
        n = n.trimmedWS
        return n.isEmpty ? nil : n
    }

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
        while b.first == 0x0A { b.removeFirst() }
        b.append(contentsOf: [0x0A, 0x0A])
        guard let fields = MUHeaderBlock.fields(b) else { return [] }
        return fields.map { (Charset.utf8OrWindows1252($0.name), decodeWords(unfold($0.value))) }
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
            out.append(DeliveryStatus(finalRecipient: recipient, action: field("Action")?.lowercased(),
                                      status: status, diagnostic: diagnostic))
        }
        return out
    }
}
