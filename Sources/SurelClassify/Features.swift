// What the models see of a mail: its features as 64-bit hashes of their names ("s:dana", "dana_desa",
// "c:pemda"). Classifying a mail then builds no strings and hashes no strings twice: the tokenizers hash the bytes
// as they read them. The names are kept only when asked (training, an agent's correction), so that a model can
// still say which words decided (NaiveBayesModel.Scored.strongest, SpamModel.Score.clues).
import Foundation

/// FNV-1a, 64 bits, over the UTF-8 bytes of a feature's name. Incremental: the hash of "s:" + word is the hash
/// of "s:" continued with the word's bytes, so prefixed features and word pairs cost no concatenation.
/// Two of a model's ~10^5 features share a hash with probability ~10^-9: negligible next to the models' error.
public enum FeatureHash {
    public static let basis: UInt64 = 0xCBF2_9CE4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    @inline(__always)
    static func add(_ h: UInt64, _ byte: UInt8) -> UInt64 { (h ^ UInt64(byte)) &* prime }

    @inline(__always)
    static func add(_ h: UInt64, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = h
        for b in bytes { h = (h ^ UInt64(b)) &* prime }
        return h
    }

    static func add(_ h: UInt64, _ s: String) -> UInt64 {
        var h = h
        for b in s.utf8 { h = (h ^ UInt64(b)) &* prime }
        return h
    }

    /// The hash of a feature's name.
    public static func of(_ name: String) -> UInt64 { add(basis, name) }
}

/// The features of one mail, in the order found (duplicates included unless `deduplicate()` was called).
public struct Features: Sendable {
    public private(set) var hashes: [UInt64] = []
    /// Hash -> name, when kept (nil otherwise).
    public private(set) var names: [UInt64: String]?

    public init(keepingNames: Bool = false) {
        if keepingNames { names = [:] }
        hashes.reserveCapacity(256)
    }

    /// Features given by name (tests, keyword lists): names kept.
    public init<S: Sequence>(_ names: S) where S.Element == String {
        self.init(keepingNames: true)
        for n in names { add(name: n) }
    }

    public var keepsNames: Bool { names != nil }

    /// Adds a feature whose hash the caller computed from the bytes of `name`; the name is only built when kept.
    @inline(__always)
    mutating func add(_ hash: UInt64, _ name: @autoclosure () -> String) {
        hashes.append(hash)
        if names != nil { names![hash] = name() }
    }

    /// Adds a feature by its name (for the few features that are built as strings anyway).
    public mutating func add(name: String) { add(FeatureHash.of(name), name) }

    /// Each feature once (the spam model's features are a set: a word repeated is no more evidence).
    mutating func deduplicate() {
        var seen = Set<UInt64>(minimumCapacity: hashes.count)
        hashes.removeAll { !seen.insert($0).inserted }
    }

    public func name(of hash: UInt64) -> String? { names?[hash] }
}
