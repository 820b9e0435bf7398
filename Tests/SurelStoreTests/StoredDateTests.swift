// StoredDate writes the same text as GRDB's DateFormatter, to the byte: the store compares dates as strings.
import Foundation
import GRDB
import XCTest
@testable import SurelStore

final class StoredDateTests: XCTestCase {
    func testSameTextAsGRDBForEveryKindOfInstant() {
        var rng = SystemRandomNumberGenerator()
        var dates: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.0005), Date(timeIntervalSince1970: -1),
            Date(timeIntervalSince1970: 1_738_540_799.9995), Date(timeIntervalSince1970: 1_738_540_799.999_999_9),
            Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
            Date(timeIntervalSince1970: 4_107_542_400),  // 2100-03-01
            Date(timeIntervalSince1970: -2_208_988_800.25),  // 1900-01-01, before 1970
            Date(timeIntervalSinceReferenceDate: 0.001), Date(),
            // Half milliseconds round upward, also before 1970 (found by the random dates below).
            Date(timeIntervalSince1970: -1_104_452_042.2465), Date(timeIntervalSince1970: -2_070_224_815.5435),
        ]
        for _ in 0..<50_000 {
            // 1901-2099, with sub-millisecond parts.
            dates.append(Date(timeIntervalSince1970: Double.random(in: -2_177_452_800...4_102_444_800, using: &rng)))
        }
        for d in dates {
            XCTAssertEqual(StoredDate.value(d), d.databaseValue, "\(d.timeIntervalSince1970)")
        }
        XCTAssertEqual(StoredDate.value(nil as Date?), .null)
        XCTAssertEqual(
            StoredDate.value(Date(timeIntervalSince1970: 1_738_540_800.25)), "2025-02-03 00:00:00.250".databaseValue)
    }
}
