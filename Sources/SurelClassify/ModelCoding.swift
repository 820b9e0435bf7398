// The models' large tables (per-feature counts, weights, names) as compact little-endian bytes inside their
// Codable form: as JSON numbers and strings they made the stored model 3 MB and its decoding a visible part of
// the daemon's start. The few scalars stay readable JSON fields.
import Foundation

struct BinaryWriter {
    private(set) var data = Data()

    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
    mutating func string(_ s: String) {
        u32(UInt32(s.utf8.count))
        data.append(contentsOf: s.utf8)
    }
}

struct BinaryReader {
    struct Malformed: Error, CustomStringConvertible {
        var description: String { "stored model data is malformed (truncated or inconsistent)" }
    }
    private let bytes: [UInt8]
    private var offset = 0
    init(_ data: Data) { bytes = [UInt8](data) }

    var isAtEnd: Bool { offset == bytes.count }

    private mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, bytes.count - offset >= n else { throw Malformed() }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    private mutating func little<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let n = MemoryLayout<T>.size
        guard bytes.count - offset >= n else { throw Malformed() }
        var v: T = 0
        for i in 0..<n { v |= T(bytes[offset + i]) << (8 * i) }
        offset += n
        return v
    }

    mutating func u64() throws -> UInt64 { try little(UInt64.self) }
    mutating func u32() throws -> UInt32 { try little(UInt32.self) }
    mutating func i32() throws -> Int32 { Int32(bitPattern: try u32()) }
    mutating func f32() throws -> Float { Float(bitPattern: try u32()) }
    mutating func string() throws -> String {
        let n = Int(try u32())
        return String(decoding: try take(n), as: UTF8.self)
    }
}

/// Feature names as stored with a model: hash, then name.
enum VocabularyCoding {
    static func encode(_ names: [UInt64: String]) -> Data {
        var w = BinaryWriter()
        for (h, n) in names { w.u64(h); w.string(n) }
        return w.data
    }

    static func decode(_ data: Data) throws -> [UInt64: String] {
        var r = BinaryReader(data)
        var names: [UInt64: String] = [:]
        while !r.isAtEnd { names[try r.u64()] = try r.string() }
        return names
    }
}
