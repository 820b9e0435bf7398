// RFC 5322 address lists (§3.4) read in Swift from the raw header bytes, in one pass: mailboxes with display
// names, angle addresses, groups, comments, quoted strings, obsolete routes. Only a single valid addr-spec
// becomes an address: surel mails these addresses, so `<a@x,b@y>` or a quoted local part with a comma must never
// turn into several recipients or a broken RCPT. Entries that are not a valid address are counted, not guessed.
import Foundation

enum AddressList {
    struct Result {
        var addresses: [MailAddress] = []
        /// Entries (between commas) that held something but no valid address.
        var invalid = 0
    }

    static func parse(_ raw: [UInt8]) -> Result {
        var result = Result()
        var entry = Entry()
        var i = 0
        let n = raw.count
        func finish() {
            if let a = entry.address() { result.addresses.append(a) } else if entry.hasContent { result.invalid += 1 }
            entry = Entry()
        }
        while i < n {
            let c = raw[i]
            switch c {
            case 0x22:  // quoted string
                var j = i + 1
                var text: [UInt8] = []
                while j < n, raw[j] != 0x22 {
                    if raw[j] == 0x5C, j + 1 < n { j += 1 }
                    text.append(raw[j]); j += 1
                }
                entry.phrase.append(0x22); entry.phrase += text; entry.phrase.append(0x22)
                entry.outside += [0x22] + text + [0x22]
                i = j + 1
            case 0x28:  // comment
                let end = MIMEParameters.skipComment(raw, i)
                let inner = raw[(i + 1)..<max(i + 1, end - 1)]
                if entry.comment == nil { entry.comment = Array(inner) }
                entry.hasContent = true
                i = end
            case 0x3C:  // angle address
                var j = i + 1
                var spec: [UInt8] = []
                while j < n, raw[j] != 0x3E {
                    if raw[j] == 0x28 { j = MIMEParameters.skipComment(raw, j); continue }
                    if raw[j] == 0x22 {  // quoted local part, kept with its quotes
                        spec.append(raw[j]); j += 1
                        while j < n, raw[j] != 0x22 {
                            if raw[j] == 0x5C, j + 1 < n { spec.append(raw[j]); j += 1 }
                            spec.append(raw[j]); j += 1
                        }
                        if j < n { spec.append(raw[j]); j += 1 }
                        continue
                    }
                    spec.append(raw[j]); j += 1
                }
                if entry.angle == nil { entry.angle = spec } else { entry.angleCount += 1 }
                entry.hasContent = true
                i = j + 1
            case 0x2C:  // next entry
                finish(); i += 1
            case 0x3A where entry.angle == nil:  // a group: its name is no address
                entry = Entry(); i += 1
            case 0x3B:  // end of a group
                finish(); i += 1
            default:
                entry.phrase.append(c)
                entry.outside.append(c)
                if c != 0x20, c != 0x09 { entry.hasContent = true }
                i += 1
            }
        }
        finish()
        return result
    }

    /// What one entry between commas collected.
    private struct Entry {
        var phrase: [UInt8] = []  // display name as written (quotes kept), outside angle brackets
        var outside: [UInt8] = []  // the same, for a bare addr-spec
        var angle: [UInt8]?
        var angleCount = 0
        var comment: [UInt8]?
        var hasContent = false

        func address() -> MailAddress? {
            if let angle {
                guard angleCount == 0, let email = AddressList.addrSpec(angle) else { return nil }
                let name = AddressList.displayName(phrase) ?? comment.flatMap { AddressList.displayName($0) }
                return MailAddress(name: name, email: email)
            }
            // `user@example.org (Name)` or a bare `user@example.org`.
            guard let email = AddressList.addrSpec(outside) else { return nil }
            return MailAddress(name: comment.flatMap { AddressList.displayName($0) }, email: email)
        }
    }

    /// A display name as written -> text: RFC 2047 words decoded, surrounding quotes dropped.
    static func displayName(_ raw: [UInt8]) -> String? {
        var n = EncodedWords.decode(HeaderBlock.unfolded(raw)).trimmedWS
        if n.count >= 2, n.hasPrefix("\""), n.hasSuffix("\"") { n = String(n.dropFirst().dropLast()) }
        if n.count >= 2, n.hasPrefix("'"), n.hasSuffix("'") { n = String(n.dropFirst().dropLast()) }
        n = n.replacingOccurrences(of: "\"", with: "").trimmedWS
        return n.isEmpty ? nil : n
    }

    /// One addr-spec (`local@domain`, an obsolete route `@a,@b:` before it dropped), lowercased, or nil when it
    /// is not exactly one valid address: local part a dot-atom (or a quoted string holding only what a dot-atom
    /// may hold), domain a dot-atom of letters, digits, hyphens and underscores or an address literal. UTF-8
    /// letters are allowed in both (RFC 6532 internationalized addresses) when the whole address is valid UTF-8.
    static func addrSpec(_ raw: [UInt8]) -> String? {
        var s = raw.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }[...]
        if s.first == 0x40, let colon = s.lastIndex(of: 0x3A) { s = s[(colon + 1)...] }  // obs-route
        guard let at = s.lastIndex(of: 0x40), s.count <= 254 else { return nil }
        var local = s[..<at]
        let domain = s[(at + 1)...]
        if local.count >= 2, local.first == 0x22, local.last == 0x22 { local = local.dropFirst().dropLast() }
        guard !local.isEmpty, local.count <= 64, isDotAtom(local, atext: isLocalChar),
            isDomain(domain), s.allSatisfy({ $0 < 0x80 }) || String(validating: s, as: UTF8.self) != nil
        else { return nil }
        return String(decoding: s[s.startIndex..<at], as: UTF8.self).lowercased().replacingOccurrences(
            of: "\"", with: "")
            + "@" + String(decoding: domain, as: UTF8.self).lowercased()
    }

    private static func isLocalChar(_ c: UInt8) -> Bool {
        // RFC 5322 atext, and RFC 6532's UTF-8 (checked to be valid UTF-8 by the caller).
        c >= 0x80 || (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
            || "!#$%&'*+-/=?^_`{|}~".utf8.contains(c)
    }

    private static func isDomainChar(_ c: UInt8) -> Bool {
        c >= 0x80 || (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x2D
            || c == 0x5F
    }

    private static func isDotAtom(_ s: ArraySlice<UInt8>, atext: (UInt8) -> Bool) -> Bool {
        guard s.first != 0x2E, s.last != 0x2E else { return false }
        var previousDot = false
        for c in s {
            if c == 0x2E {
                if previousDot { return false }
                previousDot = true
            } else {
                guard atext(c) else { return false }
                previousDot = false
            }
        }
        return true
    }

    private static func isDomain(_ d: ArraySlice<UInt8>) -> Bool {
        guard !d.isEmpty, d.count <= 253 else { return false }
        if d.first == 0x5B {  // [192.0.2.1] or [IPv6:...]
            guard d.last == 0x5D, d.count > 2 else { return false }
            return d.dropFirst().dropLast().allSatisfy { $0 < 0x80 && (isDomainChar($0) || $0 == 0x2E || $0 == 0x3A) }
        }
        return isDotAtom(d, atext: isDomainChar)
    }
}
