// Working days and service hours for the SLA: Monday to Friday, minus national holidays and collective leave days
// from a calendar file (Defaults/holidays-id.tsv, compiled in; a deployment can name its own), within service hours
// (08:00-17:00 WIB by default). A deadline of N working days is N full service days of service time counted from
// receipt; mail that arrives outside service hours starts counting at the next opening. A date in a year the
// calendar does not cover is an error, never a guess.
import Foundation

public struct ServiceHours: Sendable, Equatable {
    /// Opening and closing, minutes after midnight in `timeZone`.
    public var opens: Int
    public var closes: Int
    public var timeZone: TimeZone
    public init(opens: Int = 8 * 60, closes: Int = 17 * 60, timeZone: TimeZone = TimeZone(identifier: "Asia/Jakarta")!)
    {
        self.opens = opens; self.closes = closes; self.timeZone = timeZone
    }
    var length: TimeInterval { TimeInterval((closes - opens) * 60) }
}

public struct WorkingCalendar: Sendable {
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var line: Int?
        public var message: String
        public var description: String { line.map { "line \($0): \(message)" } ?? message }
    }

    /// Days off by "yyyy-MM-dd", with their names.
    public let daysOff: [String: String]
    public let years: Set<Int>

    public init(tsv: String) throws {
        var off: [String: String] = [:]
        var years = Set<Int>()
        for (i, raw) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let parts = c[0].split(separator: "-").compactMap { Int($0) }
            guard c.count >= 3, parts.count == 3, parts[1] >= 1, parts[1] <= 12, parts[2] >= 1, parts[2] <= 31,
                ["libur", "cuti"].contains(c[1])
            else {
                throw Problem(line: i + 1, message: "expected yyyy-mm-dd <TAB> libur|cuti <TAB> name")
            }
            off[c[0]] = c[2]
            years.insert(parts[0])
        }
        daysOff = off
        self.years = years
    }

    /// Indonesia's calendar as shipped (2025 and 2026).
    public static let indonesia: WorkingCalendar =
        try! WorkingCalendar(tsv: String(decoding: PackageResources.holidays_id_tsv, as: UTF8.self))

    /// Throws unless the calendar covers `year`.
    public func requireYear(_ year: Int) throws {
        guard years.contains(year) else {
            throw Problem(
                line: nil,
                message: "the holiday calendar has no entries for \(year) (it covers "
                    + years.sorted().map(String.init).joined(separator: ", ") + "): add that year's SKB dates")
        }
    }

    /// Days are counted in the service hours' zone by arithmetic on its UTC offset: Indonesia's zones (WIB, WITA,
    /// WIT) have had no daylight saving since 1964. (Foundation's Calendar made the SLA check after a poll of
    /// 9,000 new tickets cost half a second.)
    struct LocalDay {
        /// Days since 1970-01-01 in the zone.
        var index: Int
        var offset: Int
        init(_ date: Date, offset: Int) {
            self.offset = offset
            index = Int(((date.timeIntervalSince1970 + Double(offset)) / 86_400).rounded(.down))
        }
        init(index: Int, offset: Int) { self.index = index; self.offset = offset }
        var start: Date { Date(timeIntervalSince1970: Double(index * 86_400 - offset)) }
        /// 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday).
        var weekday: Int { ((index % 7) + 7 + 4) % 7 }
        /// (year, month, day): the civil date of this day.
        var civil: (year: Int, month: Int, day: Int) { CivilDate.of(daysSince1970: index) }
    }

    func isWorkingDay(_ day: LocalDay) throws -> Bool {
        let c = day.civil
        try requireYear(c.year)
        if day.weekday == 0 || day.weekday == 6 { return false }  // Sunday, Saturday
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return daysOff["\(c.year)-\(two(c.month))-\(two(c.day))"] == nil
    }

    public func isWorkingDay(_ date: Date, hours: ServiceHours = ServiceHours()) throws -> Bool {
        try isWorkingDay(LocalDay(date, offset: hours.timeZone.secondsFromGMT(for: date)))
    }

    /// Working days after the day of `from` up to and including the day of `to`, in the service hours' zone
    /// (0 when both fall on the same day).
    public func workingDays(from: Date, to: Date, hours: ServiceHours = ServiceHours()) throws -> Int {
        let offset = hours.timeZone.secondsFromGMT(for: from)
        let end = LocalDay(to, offset: offset).index
        var day = LocalDay(from, offset: offset)
        var n = 0
        while day.index < end {
            day = LocalDay(index: day.index + 1, offset: offset)
            if try isWorkingDay(day) { n += 1 }
        }
        return n
    }

    public func deadline(received: Date, workingDays: Int, hours: ServiceHours = ServiceHours()) throws -> Date {
        var remaining = TimeInterval(workingDays) * hours.length
        var day = LocalDay(received, offset: hours.timeZone.secondsFromGMT(for: received))
        var cursor = received
        for _ in 0..<800 {
            let open = day.start.addingTimeInterval(TimeInterval(hours.opens * 60))
            let close = day.start.addingTimeInterval(TimeInterval(hours.closes * 60))
            if try isWorkingDay(day) {
                let from = max(cursor, open)
                if from < close {
                    if from.addingTimeInterval(remaining) <= close { return from.addingTimeInterval(remaining) }
                    remaining -= close.timeIntervalSince(from)
                }
            }
            day = LocalDay(index: day.index + 1, offset: day.offset)
            cursor = day.start
        }
        throw Problem(line: nil, message: "no deadline within 800 days of \(received)")
    }
}

extension Calendar {
    /// The Gregorian calendar in WIB (UTC+7, no daylight saving): the contact center's days and months.
    public static var wib: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        return c
    }
}

extension Date {
    /// The year in Jakarta (WIB, UTC+7, no daylight saving): ticket numbers count per year there.
    public var yearInJakarta: Int { WorkingCalendar.LocalDay(self, offset: 7 * 3600).civil.year }
}

/// Calendar dates by arithmetic, for the hot paths where Foundation's Calendar and DateFormatter cost too much.
public enum CivilDate {
    /// The proleptic Gregorian (year, month, day) of a day count from 1970-01-01 (Howard Hinnant's
    /// days-to-civil algorithm).
    public static func of(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
