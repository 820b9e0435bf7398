// Outgoing mail as bytes on the wire (RFC 5322 / MIME): our own Message-ID domain, a Date, UTF-8 text in
// quoted-printable, RFC 2047 subjects and display names, attachments in base64 with RFC 2231 file names, CRLF line
// ends and no line over 78 characters, so that any client threads and shows it right.
import Foundation

public struct OutgoingAttachment: Sendable {
    public var filename: String
    public var contentType: String
    public var data: Data
    public init(filename: String, contentType: String, data: Data) {
        self.filename = filename; self.contentType = contentType; self.data = data
    }
}

public struct OutgoingMail: Sendable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var cc: [MailAddress] = []
    public var replyTo: MailAddress?
    public var subject: String
    public var text: String
    /// An HTML version of `text`, sent beside it as multipart/alternative.
    public var html: String?
    /// Message-IDs without angle brackets.
    public var inReplyTo: String?
    public var references: [String] = []
    public var attachments: [OutgoingAttachment] = []
    /// Sent by the system, not by a person (acknowledgements, reminders): `Auto-Submitted: auto-replied`.
    public var automatic = false
    /// More header fields, as given (ASCII values; e.g. `Precedence: bulk`, `List-Unsubscribe`).
    public var extraHeaders: [(name: String, value: String)] = []
    public init(from: MailAddress, to: [MailAddress], subject: String, text: String) {
        self.from = from; self.to = to; self.subject = subject; self.text = text
    }
}

public enum MailComposer {
    /// The message and its Message-ID (without brackets), made with `domain` and `date`.
    public static func compose(_ m: OutgoingMail, messageIDDomain domain: String, date: Date = Date())
        -> (messageID: String, raw: Data)
    {
        let id = "\(Int(date.timeIntervalSince1970)).\(UUID().uuidString.lowercased().prefix(18))@\(domain)"
        var h: [String] = []
        h.append("Date: " + rfc5322Date(date))
        h.append("From: " + address(m.from))
        h.append("To: " + m.to.map(address).joined(separator: ", "))
        if !m.cc.isEmpty { h.append("Cc: " + m.cc.map(address).joined(separator: ", ")) }
        if let r = m.replyTo { h.append("Reply-To: " + address(r)) }
        h.append("Subject: " + encodedWords(m.subject))
        h.append("Message-ID: <\(id)>")
        if let r = m.inReplyTo { h.append("In-Reply-To: <\(r)>") }
        if !m.references.isEmpty { h.append("References: " + m.references.map { "<\($0)>" }.joined(separator: " ")) }
        if m.automatic { h.append("Auto-Submitted: auto-replied") }
        for (name, value) in m.extraHeaders { h.append("\(name): \(value)") }
        h.append("MIME-Version: 1.0")
        // The text, or text and HTML as alternatives; then attachments beside it in multipart/mixed.
        var content = part(
            ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"],
            quotedPrintable(m.text))
        if let html = m.html {
            let htmlPart = part(
                ["Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"],
                quotedPrintable(html))
            content = multipart("alternative", [content, htmlPart])
        }
        if !m.attachments.isEmpty {
            let files = m.attachments.map { a in
                part(
                    [
                        "Content-Type: \(a.contentType)", "Content-Transfer-Encoding: base64",
                        "Content-Disposition: attachment;" + filenameParameters(a.filename),
                    ],
                    a.data.base64EncodedString(options: [
                        .lineLength76Characters, .endLineWithCarriageReturn,
                        .endLineWithLineFeed,
                    ]))
            }
            content = multipart("mixed", [content] + files)
        }
        h += content.headers
        let body = content.body
        let head = h.map(fold).joined(separator: "\r\n")
        return (id, Data((head + "\r\n\r\n" + body + "\r\n").utf8))
    }

    typealias Part = (headers: [String], body: String)
    static func part(_ headers: [String], _ body: String) -> Part { (headers, body) }

    static func multipart(_ subtype: String, _ parts: [Part]) -> Part {
        let boundary = "=_surel_" + UUID().uuidString.lowercased()
        var body = "This is a multi-part message in MIME format."
        for p in parts {
            body += "\r\n--\(boundary)\r\n" + p.headers.map(fold).joined(separator: "\r\n") + "\r\n\r\n" + p.body
        }
        body += "\r\n--\(boundary)--"
        return (["Content-Type: multipart/\(subtype); boundary=\"\(boundary)\""], body)
    }

    /// `Name <addr>`: the name as a quoted string when ASCII, as RFC 2047 words otherwise.
    static func address(_ a: MailAddress) -> String {
        guard let name = a.name, !name.isEmpty else { return a.email }
        if name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 }) {
            let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(quoted)\" <\(a.email)>"
        }
        return encodedWords(name) + " <\(a.email)>"
    }

    /// RFC 2047 B-encoded words (each at most 75 characters, whole UTF-8 characters) when `s` is not plain ASCII.
    static func encodedWords(_ s: String) -> String {
        if s.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 }) { return s }
        var words: [String] = []
        var chunk = Data()
        for ch in s {
            let bytes = Data(String(ch).utf8)
            // "=?utf-8?b?" + base64 + "?=" <= 75: at most 45 bytes of text per word.
            if chunk.count + bytes.count > 45 {
                words.append("=?utf-8?b?" + chunk.base64EncodedString() + "?=")
                chunk = Data()
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?b?" + chunk.base64EncodedString() + "?=") }
        return words.joined(separator: " ")
    }

    /// ` filename="name"` for a short printable ASCII name; otherwise only RFC 2231 `filename*0*=utf-8''...`
    /// continuations (a plain `filename` next to them is what some parsers, Mailutils among them, would prefer).
    static func filenameParameters(_ name: String) -> String {
        let plain = name.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 32 && $0 != "\"" && $0 != "\\" }
        if plain && name.count <= 60 { return "\r\n filename=\"\(name)\"" }
        // Pieces of at most 48 characters (each line stays under 78), cut only between characters: never inside
        // a %XX escape (invalid), nor inside a character's UTF-8 bytes (legal, but readers that decode each piece
        // on its own, as ours once did, then show mojibake).
        var pieces: [String] = []
        var current = ""
        for scalar in name.unicodeScalars {
            var encoded = ""
            for b in String(scalar).utf8 {
                let c = Character(Unicode.Scalar(b))
                if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                    || "-._~".contains(c)
                {
                    encoded.append(c)
                } else {
                    encoded += String(format: "%%%02X", b)
                }
            }
            if current.count + encoded.count > 48 { pieces.append(current); current = "" }
            current += encoded
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces.enumerated().map { n, p in
            "\r\n filename*\(n)*=" + (n == 0 ? "utf-8''" : "") + p + (n == pieces.count - 1 ? "" : ";")
        }.joined()
    }

    /// Quoted-printable (RFC 2045) with CRLF line ends and soft breaks before 76 characters.
    static func quotedPrintable(_ text: String) -> String {
        // Built as bytes: the encoded text is ASCII, and counting a String's characters per byte was the blast
        // sender's main cost.
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        var column = 0
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 13, i + 1 < bytes.count, bytes[i + 1] == 10 { i += 1; continue }  // CRLF counts as one break
            if b == 10 {
                out += [13, 10]; column = 0; i += 1; continue
            }
            let endOfLine =
                i + 1 == bytes.count || bytes[i + 1] == 10
                || (bytes[i + 1] == 13 && i + 2 < bytes.count && bytes[i + 2] == 10)
            let literal = (b >= 33 && b <= 126 && b != 61) || ((b == 32 || b == 9) && !endOfLine)
            let width = literal ? 1 : 3
            if column + width > 75 {
                out += [61, 13, 10]; column = 0
            }
            if literal { out.append(b) } else { out += [61, hex[Int(b >> 4)], hex[Int(b & 15)]] }
            column += width
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Folds a header line longer than 78 characters at spaces.
    static func fold(_ line: String) -> String {
        // A field already folded by its maker (RFC 2231 continuations) is folded line by line.
        if line.contains("\r\n") { return line.components(separatedBy: "\r\n").map(fold).joined(separator: "\r\n") }
        guard line.count > 78 else { return line }
        var out = "", current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty && current.count + 1 + word.count > 76 {
                out += current + "\r\n"
                current = " " + word
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        return out + current
    }

    /// `Tue, 03 Feb 2025 07:00:00 +0700`: Jakarta time, which has had no daylight saving since 1964. Done by hand
    /// because building a DateFormatter for every mail was a fifth of a blast's CPU time.
    static func rfc5322Date(_ d: Date) -> String {
        let offset = 7 * 3600
        var t = time_t(Int(d.timeIntervalSince1970.rounded(.down)) + offset)
        var tm = tm()
        gmtime_r(&t, &tm)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(tm.tm_wday)]), \(two(tm.tm_mday)) \(months[Int(tm.tm_mon)]) \(tm.tm_year + 1900) "
            + "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) +0700"
    }
}

extension MailAddress {
    /// `Name <addr>` or `addr`, as written in a config file; nil unless it holds exactly one valid address.
    public static func parse(_ s: String) -> MailAddress? {
        let list = AddressList.parse(Array(s.utf8))
        guard list.addresses.count == 1, list.invalid == 0 else { return nil }
        return list.addresses[0]
    }
}
