// Dates written exactly as GRDB writes them ("yyyy-MM-dd HH:mm:ss.SSS", UTC, rounded to milliseconds), but by
// arithmetic: GRDB formats every Date through a DateFormatter (ICU), which cost ~0.2 CPU-s per 10,000 ingested
// mails on the thread that commits them. The text must be byte for byte GRDB's, because stored dates are compared
// as strings in SQL (threading's subject window, the SLA queries) with dates GRDB writes elsewhere
// (StoredDateTests checks the two against each other).
import Foundation
import GRDB
import SurelCore

enum StoredDate {
    static func value(_ date: Date) -> DatabaseValue {
        // Foundation hands ICU (seconds since 2001 + 978307200) * 1000, rounded to whole milliseconds.
        let udate = (date.timeIntervalSinceReferenceDate + 978_307_200) * 1000
        guard udate.isFinite, abs(udate) < 2.5e14 else { return date.databaseValue }  // outside years 1000-9999
        let ms = Int64((udate + 0.5).rounded(.down))  // halves upward, as ICU does
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let inDay = Int(ms - days * 86_400_000)
        let (y, m, d) = CivilDate.of(daysSince1970: Int(days))
        guard (1000...9999).contains(y) else { return date.databaseValue }
        var bytes = [UInt8](repeating: 0, count: 23)
        func put(_ v: Int, _ at: Int, _ width: Int) {
            var v = v
            for i in stride(from: at + width - 1, through: at, by: -1) { bytes[i] = UInt8(48 + v % 10); v /= 10 }
        }
        put(y, 0, 4); bytes[4] = 0x2D; put(m, 5, 2); bytes[7] = 0x2D; put(d, 8, 2); bytes[10] = 0x20
        put(inDay / 3_600_000, 11, 2); bytes[13] = 0x3A; put(inDay / 60_000 % 60, 14, 2); bytes[16] = 0x3A
        put(inDay / 1000 % 60, 17, 2); bytes[19] = 0x2E; put(inDay % 1000, 20, 3)
        return String(decoding: bytes, as: UTF8.self).databaseValue
    }

    static func value(_ date: Date?) -> DatabaseValue { date.map { value($0) } ?? .null }
}
