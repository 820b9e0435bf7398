import Foundation
import XCTest
import SurelCore
@testable import SurelStore

final class AttachmentDirectoryTests: XCTestCase {
    func testContentAddressedOnceAndNeverByName() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("surel-att-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = try AttachmentDirectory(path: root.path)
        let data = Data("%PDF-1.4 surat nomor 900.1.2/123/BPKAD/2025".utf8)
        let hash = try dir.save(data)
        XCTAssertEqual(hash, SHA256.hex(data))
        XCTAssertEqual(dir.location(sha256: hash), "\(root.path)/\(hash.prefix(2))/\(hash)")
        XCTAssertEqual(FileManager.default.contents(atPath: dir.location(sha256: hash)), data)
        // Saving the same content again writes nothing new.
        XCTAssertEqual(try dir.save(data), hash)
        let files = try FileManager.default.subpathsOfDirectory(atPath: root.path).filter { !$0.hasPrefix("tmp") }
        XCTAssertEqual(files.sorted(), [String(hash.prefix(2)), "\(hash.prefix(2))/\(hash)"])
    }
}
