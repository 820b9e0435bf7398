// Rules before statistics: regular expressions over a mail's fields that either decide its category or add weight
// to one. Shipped defaults cover what a word model sees badly (letter numbers, upstream spam verdicts, failed sender
// authentication, impersonation of DJPK); a deployment can replace them with its own file, same format:
//   name <TAB> field <TAB> pattern [<TAB> field <TAB> pattern ...] <TAB> action
// A rule fires when every one of its field/pattern conditions matches.
// field: subject | body | from | fromname | attachment | header:NAME (case-insensitive name); pattern: a
// case-insensitive regular expression; action: `decide:SLUG` or `score:SLUG:WEIGHT` (WEIGHT added to the category's
// log score, or to the spam score's log-odds for `spam`; a negative weight is allowed). `from` is the sender
// address, `fromname` the sender's display name, `attachment` each attachment file name.
import Foundation
import SurelCore

public struct Rule: Sendable {
    public enum Field: Sendable, Equatable { case subject, body, from, fromName, attachment, header(String) }
    public enum Action: Sendable, Equatable { case decide(String), score(String, Double) }
    public struct Condition: Sendable {
        public var field: Field
        public var pattern: NSRegularExpression
    }
    public var name: String
    public var conditions: [Condition]
    public var action: Action

    func matches(_ input: ClassificationInput, body: String) -> Bool {
        conditions.allSatisfy { c in
            func hit(_ s: String) -> Bool { c.pattern.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil }
            switch c.field {
            case .subject: return hit(input.subject)
            case .body: return hit(body)
            case .from: return hit(input.senderEmail)
            case .fromName: return hit(input.senderName)
            case .attachment: return input.attachmentNames.contains(where: hit)
            case .header(let name):
                return input.headers.contains { $0.name.caseInsensitiveCompare(name) == .orderedSame && hit($0.value) }
            }
        }
    }
}

extension NSRegularExpression: @retroactive @unchecked Sendable {}

public struct RuleSet: Sendable {
    public let rules: [Rule]

    public typealias Problem = DataFileProblem

    public init(tsv: String) throws {
        var out: [Rule] = []
        for (n, c) in dataFileRecords(tsv) {
            guard c.count >= 4, c.count % 2 == 0 else {
                throw Problem(line: n, message: "expected name, field, pattern [, field, pattern ...], action separated by tabs")
            }
            var conditions: [Rule.Condition] = []
            for i in stride(from: 1, to: c.count - 1, by: 2) {
                let field: Rule.Field
                switch c[i].lowercased() {
                case "subject": field = .subject
                case "body": field = .body
                case "from": field = .from
                case "fromname": field = .fromName
                case "attachment": field = .attachment
                case let h where h.hasPrefix("header:") && h.count > 7: field = .header(String(c[i].dropFirst(7)))
                default:
                    throw Problem(line: n, message: "unknown field \"\(c[i])\" (subject, body, from, fromname, attachment, header:NAME)")
                }
                guard let re = try? NSRegularExpression(pattern: c[i + 1], options: [.caseInsensitive]) else {
                    throw Problem(line: n, message: "not a regular expression: \(c[i + 1])")
                }
                conditions.append(Rule.Condition(field: field, pattern: re))
            }
            let last = c[c.count - 1]
            let a = last.split(separator: ":").map(String.init)
            let action: Rule.Action
            if a.count == 2, a[0] == "decide" {
                action = .decide(a[1])
            } else if a.count == 3, a[0] == "score", let w = Double(a[2]) {
                action = .score(a[1], w)
            } else {
                throw Problem(line: n, message: "action must be decide:SLUG or score:SLUG:WEIGHT (got \"\(last)\")")
            }
            out.append(Rule(name: c[0], conditions: conditions, action: action))
        }
        rules = out
    }

    /// The rules that fire on a mail.
    public func fired(_ input: ClassificationInput) -> [Rule] {
        // Letter numbers, letter phrasing and login prompts sit near the top; the rest of a long thread only costs.
        let body = String(input.text.prefix(8_000))
        return rules.filter { $0.matches(input, body: body) }
    }

    public static let standard: RuleSet = try! RuleSet(tsv: defaultTSV)

    static let defaultTSV = #"""
    # Official letter numbers in the shapes regional governments and ministries use: S-26/PK/PK.5/2025,
    # B-45/Kab.Kdr/II/2025, 900.1.2/123/BPKAD/2025, 970/45/Bapenda, 005/112/Setwan/2025.
    letter-number-prefixed	body	\b[A-Z]{1,4}-\d{1,5}/[A-Za-z0-9.]+(/[A-Za-z0-9.]+)*/(19|20)\d\d\b	score:surat-masuk:2.5
    letter-number-classified	body	\b\d{3}(\.\d{1,2}){0,3}/\d{1,5}/[A-Za-z][A-Za-z0-9.]*(/[A-Za-z0-9.]+)*\b	score:surat-masuk:2.5
    letter-number-in-subject	subject	\b(nomor|no\.?)\s*:?\s*([A-Z]{1,4}-)?\d{1,5}[./][A-Za-z0-9./-]+	score:surat-masuk:2
    letter-attachment	attachment	^(surat|srt|undangan|nota|sk)[ _-]	score:surat-masuk:1.5
    letter-phrasing	body	(bersama ini (kami )?(sampaikan|kirimkan|teruskan)|terlampir (kami sampaikan )?surat|dengan hormat,? (bersama|menindaklanjuti)|perihal\s*:)	score:surat-masuk:1.5
    # Verdicts of the mail system in front of us.
    upstream-spam-flag	header:X-Spam-Flag	^\s*yes	decide:spam
    upstream-spam-status	header:X-Spam-Status	^\s*yes	score:spam:3
    sender-auth-failed	header:Authentication-Results	(spf|dkim|dmarc)=(fail|softfail)	score:spam:2
    # Mail that presents itself as DJPK or Kemenkeu (sender name, or letterhead/signature words in the text) from a
    # domain that is not kemenkeu.go.id; with a request to log in or to use an account it is phishing.
    impersonation-sender	fromname	(djpk|kemenkeu|kementerian keuangan|perimbangan keuangan|ditjen pk|dirjen pk)	from	^(?!.*@([a-z0-9-]+\.)*kemenkeu\.go\.id$)	score:spam:2
    impersonation-login	body	(djpk|kemenkeu|kementerian keuangan|perimbangan keuangan)	body	\b(verifikasi|validasi|aktivasi|perbarui|login|log in|masuk|gunakan|buka)\b.{0,60}\b(akun|password|kata sandi|email dinas)\b|\b(akun|password|kata sandi)\b.{0,40}(kedaluwarsa|dinonaktifkan|diblokir|ditangguhkan)	from	^(?!.*@([a-z0-9-]+\.)*kemenkeu\.go\.id$)	score:spam:2.5
    credential-request	body	\b(verifikasi|validasi|aktivasi|perbarui)\s.{0,40}\b(akun|password|kata sandi)\b.{0,80}(tautan|link|klik|https?://)	score:spam:1
    gambling	body	\b(slot\s*gacor|judi online|togel|maxwin|scatter|depo(sit)?\s*\d+\s*(rb|ribu|k)\b|rtp live)	decide:spam
    """#
}
