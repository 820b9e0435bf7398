import Foundation
import XCTest
@testable import SurelCore

final class SHA256Tests: XCTestCase {
    // Expected values computed with coreutils `sha256sum`.

    func testEmpty() {
        XCTAssertEqual(
            SHA256.hex(Data()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testABC() {
        XCTAssertEqual(
            SHA256.hex(Data("abc".utf8)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256.hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testNIST448Bit() {
        let m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        XCTAssertEqual(
            SHA256.hex(Data(m.utf8)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testNIST896Bit() {
        let m =
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
            + "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
        XCTAssertEqual(
            SHA256.hex(Data(m.utf8)),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    func testOneMillionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        XCTAssertEqual(SHA256.hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000)), expected)
        // Streamed 1000 x 1000 bytes.
        var h = SHA256()
        let chunk = Data(repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { h.update(chunk) }
        XCTAssertEqual(SHA256.hexString(h.finalize()), expected)
    }

    /// Lengths around the padding boundaries (55/56 bytes, one and two blocks).
    func testPaddingBoundaries() {
        let expected: [Int: String] = [
            55: "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072",
            56: "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e",
            63: "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2",
            64: "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c",
            65: "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9",
            119: "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c",
            120: "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98",
            127: "70156a14adbabf98cff3a71c7084b417abf057a8efd27329ca36b7202c87d81f",
            128: "24da1b81d0b16df6428eee73c69fcb2a93c76bc6df706f0c6670fe6bfe800464",
        ]
        for (length, hex) in expected {
            XCTAssertEqual(
                SHA256.hex(Data(repeating: UInt8(ascii: "x"), count: length)), hex,
                "length \(length)")
        }
    }

    /// 1 MiB of deterministic pseudo-random bytes (xorshift64*), hashed one-shot and in
    /// odd-sized chunks. The expected value is `sha256sum` of the same bytes.
    func testRandomMegabyteInOddChunks() {
        let data = Self.pseudoRandomBytes(count: 1 << 20)
        XCTAssertEqual(Array(data.prefix(8)), [0x7a, 0x48, 0x21, 0x9a, 0xe2, 0xb3, 0x83, 0x0d])
        let expected = "07e6be4717e722132dac92ae5d06eec90301cf7aa4aaf1759d00071b1694e1df"
        XCTAssertEqual(SHA256.hex(data), expected)

        for sizes in [[7, 13, 63, 64, 65, 1000, 3], [4097], [63], [65, 1], [1, 2, 3, 5, 8, 13, 21]] {
            var h = SHA256()
            var offset = 0
            var i = 0
            while offset < data.count {
                let n = min(sizes[i % sizes.count], data.count - offset)
                h.update(data.subdata(in: offset..<(offset + n)))
                offset += n
                i += 1
            }
            XCTAssertEqual(SHA256.hexString(h.finalize()), expected, "chunk sizes \(sizes)")
        }

        // The raw-pointer entry point, with an empty update in between.
        var h = SHA256()
        data.withUnsafeBytes { raw in
            h.update(UnsafeRawBufferPointer(rebasing: raw[0..<333_333]))
            h.update(UnsafeRawBufferPointer(rebasing: raw[333_333..<333_333]))
            h.update(UnsafeRawBufferPointer(rebasing: raw[333_333...]))
        }
        XCTAssertEqual(SHA256.hexString(h.finalize()), expected)
    }

    func testFinalizeIsIdempotent() {
        var h = SHA256()
        h.update(Data("abc".utf8))
        let first = h.finalize()
        XCTAssertEqual(first.count, 32)
        XCTAssertEqual(h.finalize(), first)
    }

    func testHexString() {
        XCTAssertEqual(SHA256.hexString([0x00, 0x0f, 0xa0, 0xff]), "000fa0ff")
        XCTAssertEqual(SHA256.hexString([UInt8]()), "")
    }

    /// Rough throughput figure (meaningful only in release builds: `swift test -c release`).
    func testThroughputSmoke() {
        let data = Data(repeating: 0x5a, count: 8 << 20)
        let start = Date()
        _ = SHA256.hash(data)
        let seconds = Date().timeIntervalSince(start)
        print("SHA256 throughput: \(String(format: "%.1f", 8 / max(seconds, 1e-9))) MiB/s")
    }

    static func pseudoRandomBytes(count: Int) -> Data {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        var out = Data(capacity: count + 8)
        while out.count < count {
            x ^= x >> 12
            x ^= x << 25
            x ^= x >> 27
            var v = (x &* 0x2545_F491_4F6C_DD1D).littleEndian
            withUnsafeBytes(of: &v) { out.append(contentsOf: $0) }
        }
        return out.prefix(count)
    }

    /// RFC 4231 test cases 1, 2 and 6 (a key longer than the block is hashed first).
    func testHMACAgainstRFC4231() {
        XCTAssertEqual(
            SHA256.hexString(
                HMACSHA256.mac(key: [UInt8](repeating: 0x0B, count: 20), message: Array("Hi There".utf8))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        XCTAssertEqual(
            SHA256.hexString(
                HMACSHA256.mac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertEqual(
            SHA256.hexString(
                HMACSHA256.mac(
                    key: [UInt8](repeating: 0xAA, count: 131),
                    message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }
}
