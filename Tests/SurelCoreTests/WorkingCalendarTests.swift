// The SLA clock: working days skip weekends, national holidays and collective leave; counting starts at the next
// opening when mail arrives outside service hours (whatever the sender's time zone); an uncovered year is an error.
import Foundation
import XCTest
@testable import SurelCore

final class WorkingCalendarTests: XCTestCase {
    let cal = WorkingCalendar.indonesia

    func date(_ s: String) -> Date {
        let f = ISO8601DateFormatter()
        return f.date(from: s)!
    }

    func testAcrossAWeekend() throws {
        // Friday 7 Feb 2025, 16:00 WIB: one hour left that day, eight more on Monday.
        XCTAssertEqual(
            try cal.deadline(received: date("2025-02-07T16:00:00+07:00"), workingDays: 1),
            date("2025-02-10T16:00:00+07:00"))
        XCTAssertEqual(
            try cal.deadline(received: date("2025-02-07T16:00:00+07:00"), workingDays: 3),
            date("2025-02-12T16:00:00+07:00"))
    }

    func testAcrossLebaranHolidaysAndCollectiveLeave() throws {
        // Thursday 27 Mar 2025: Nyepi leave on the 28th, Idulfitri 31 Mar-1 Apr, leave 2-4 and 7 Apr.
        XCTAssertEqual(
            try cal.deadline(received: date("2025-03-27T10:00:00+07:00"), workingDays: 1),
            date("2025-04-08T10:00:00+07:00"))
        XCTAssertFalse(try cal.isWorkingDay(date("2025-04-07T09:00:00+07:00")))
        XCTAssertTrue(try cal.isWorkingDay(date("2025-04-08T09:00:00+07:00")))
        // A national holiday alone (Isra Mikraj, Monday 27 Jan 2025) and the leave day after it.
        XCTAssertEqual(
            try cal.deadline(received: date("2025-01-24T12:00:00+07:00"), workingDays: 1),
            date("2025-01-30T12:00:00+07:00"))
    }

    func testMailAtNightInWITStartsAtTheNextOpening() throws {
        // 22:30 WIT on Tuesday 4 Feb 2025 is 20:30 WIB: counting starts Wednesday 08:00 WIB.
        XCTAssertEqual(
            try cal.deadline(received: date("2025-02-04T22:30:00+09:00"), workingDays: 1),
            date("2025-02-05T17:00:00+07:00"))
        // 06:00 WIT on Wednesday is 04:00 WIB, still before opening: same deadline.
        XCTAssertEqual(
            try cal.deadline(received: date("2025-02-05T06:00:00+09:00"), workingDays: 1),
            date("2025-02-05T17:00:00+07:00"))
    }

    func testAYearOutsideTheCalendarIsAnError() {
        XCTAssertNoThrow(try cal.requireYear(2026))
        XCTAssertThrowsError(try cal.deadline(received: date("2027-06-01T10:00:00+07:00"), workingDays: 1)) {
            XCTAssertTrue("\($0)".contains("2027"), "\($0)")
        }
        XCTAssertThrowsError(try WorkingCalendar(tsv: "2026-13-01\tlibur\tx\n")) {
            XCTAssertEqual(($0 as? WorkingCalendar.Problem)?.line, 1)
        }
    }

    /// The day arithmetic agrees with Foundation's Calendar on every hour of 2025 and 2026 in all three zones.
    func testDayArithmeticAgreesWithFoundationsCalendar() throws {
        let cal = WorkingCalendar.indonesia
        for zone in ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"] {
            let tz = try XCTUnwrap(TimeZone(identifier: zone))
            var g = Calendar(identifier: .gregorian)
            g.timeZone = tz
            var t = try XCTUnwrap(g.date(from: DateComponents(year: 2025, month: 1, day: 1)))
            let end = try XCTUnwrap(g.date(from: DateComponents(year: 2027, month: 1, day: 1)))
            while t < end {
                let d = g.dateComponents([.year, .month, .day, .weekday], from: t)
                let key = String(format: "%04d-%02d-%02d", d.year!, d.month!, d.day!)
                let expected = d.weekday != 1 && d.weekday != 7 && cal.daysOff[key] == nil
                XCTAssertEqual(try cal.isWorkingDay(t, hours: ServiceHours(timeZone: tz)), expected, "\(key) \(zone)")
                t = t.addingTimeInterval(3 * 3600 + 17 * 60)
            }
        }
    }

    func testTheYearTurnsAtMidnightInJakarta() {
        let iso = ISO8601DateFormatter()
        XCTAssertEqual(iso.date(from: "2025-12-31T16:59:59Z")!.yearInJakarta, 2025)
        XCTAssertEqual(iso.date(from: "2025-12-31T17:00:00Z")!.yearInJakarta, 2026)
        XCTAssertEqual(iso.date(from: "2024-02-29T12:00:00Z")!.yearInJakarta, 2024)
    }
}
