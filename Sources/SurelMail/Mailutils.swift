// The one place SurelMail calls GNU Mailutils (libmailutils 3.15): scanning RFC 5322 dates. Everything else a
// mail holds is parsed in Swift (see MIMEParser.swift): Mailutils' header parameter parser crashed on malformed
// RFC 2231 input, its header and address objects are walked by index (quadratic in the number of fields or
// addresses), its quoted-printable filter stopped at the first bad escape, and its message reader refused CRLF.
// The date scanners are fed only what they are known to take safely: at most `maxDateLength` bytes of printable
// ASCII (the fuzz target in Fuzz/ runs them under AddressSanitizer with everything else).
// The library is not documented as thread-safe (global state): every call holds `Mailutils.lock`.
import CMailutils
import Foundation

enum Mailutils {
    static let lock = NSLock()
    static let maxDateLength = 200

    /// RFC 5322 date ("[Day, ]DD Mon YYYY HH:MM[:SS] +ZZZZ"); nil when it does not scan.
    static func parseDate(_ text: String) -> Date? {
        let s = String(decoding: text.utf8.prefix(maxDateLength).filter { $0 >= 0x20 && $0 < 0x7F }, as: UTF8.self)
        guard !s.isEmpty else { return nil }
        lock.lock()
        defer { lock.unlock() }
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
