// A cheap test before a rule's regular expression runs: which literal strings every match of the pattern contains.
// Most mail contains none of a rule's words ("verifikasi", "togel", "bersama ini"), and ICU's matcher trying the
// pattern at every position of an 8,000-character body was most of the rules' cost at ingest.
//
// Derived from the pattern itself, conservatively, as alternatives of conjunctions: a branch of a top-level
// alternation requires each of its parts (a run of plain characters is one literal; a group requires one of its
// branches' literals), so `\b(verifikasi|login|masuk)\b.{0,60}\b(akun|password)\b` needs a word of each list, not
// merely a common word like "masuk". Anything this reader does not know for sure (classes, `.`, escapes like \s,
// optional parts, lookarounds, inline flags other than a non-capturing group) requires nothing. `nil` means: no
// test, always run the expression.
import Foundation

enum RequiredLiterals {
    /// What a match needs: one of `branches`, a branch being sets of literals of which the text must contain one each.
    struct Requirement: Equatable {
        var branches: [[[String]]]
        /// The same as UTF-8, for `isMet`.
        fileprivate var bytes: [[[[UInt8]]]] { branches.map { $0.map { $0.map { Array($0.utf8) } } } }
    }

    /// The requirement of a lowercased pattern (see LowercasedFields.lowercasedPattern), or nil.
    static func requirement(_ pattern: String) -> Requirement? {
        // Modes this reader does not follow.
        guard !pattern.contains("(?x"), !pattern.contains("\\Q") else { return nil }
        var p = Parser(Array(pattern.unicodeScalars))
        guard let r = p.alternation(), p.atEnd, let branches = r, !branches.isEmpty else { return nil }
        return Requirement(branches: branches.map { $0.map { Array(Set($0)).sorted() } })
    }

    /// One set of literals of which every match contains one: each branch's most selective set (the longest
    /// shortest literal), together.
    static func of(_ pattern: String) -> [String]? {
        requirement(pattern).map { r in Array(Set(r.branches.flatMap(Parser.mostSelective))).sorted() }
    }

    /// A Requirement ready to test texts against.
    struct Test {
        private let branches: [[[[UInt8]]]]
        init(_ r: Requirement) { branches = r.bytes }
        /// Whether `text` (UTF-8) meets it: some branch has each of its sets occurring.
        func isMet(by text: [UInt8]) -> Bool {
            branches.contains { sets in sets.allSatisfy { RequiredLiterals.anyOccurs($0, in: text) } }
        }
    }

    /// Whether `text` contains at least one of `literals` (UTF-8 byte search).
    static func anyOccurs(_ literals: [[UInt8]], in text: [UInt8]) -> Bool {
        text.withUnsafeBytes { hay in
            literals.contains { needle in needle.withUnsafeBytes { find($0, in: hay) } }
        }
    }

    /// memchr for the first byte, memcmp for the rest (Glibc's memmem is not visible to Swift here).
    private static func find(_ needle: UnsafeRawBufferPointer, in hay: UnsafeRawBufferPointer) -> Bool {
        guard let n = needle.baseAddress, let h = hay.baseAddress, needle.count > 0 else { return needle.count == 0 }
        let first = Int32(needle[0])
        var at = 0
        while hay.count - at >= needle.count {
            guard let p = memchr(h + at, first, hay.count - at - needle.count + 1) else { return false }
            if memcmp(p, n, needle.count) == 0 { return true }
            at = UnsafeRawPointer(p) - h + 1
        }
        return false
    }

    /// Recursive descent over the pattern; each level returns `[String]?` (nil: nothing known to be required).
    private struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        init(_ s: [Unicode.Scalar]) { self.s = s }
        var atEnd: Bool { i >= s.count }
        func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < s.count ? s[i + k] : nil }

        /// branch ('|' branch)*, each branch the sets it requires; `.some(nil)`: parsed, but some branch requires
        /// nothing; nil: could not parse.
        mutating func alternation() -> [[[String]]]?? {
            var branches: [[[String]]] = []
            var unknown = false
            while true {
                guard let b = sequence() else { return nil }
                if b.isEmpty { unknown = true } else { branches.append(b) }
                if peek() == "|" { i += 1; continue }
                return .some(unknown ? nil : branches)
            }
        }

        /// The set with the longest shortest literal (the rarest, likely), the first of equals.
        static func mostSelective(_ sets: [[String]]) -> [String] {
            var best = sets[0]
            for s in sets.dropFirst() where s.map(\.count).min()! > best.map(\.count).min()! { best = s }
            return best
        }

        /// Every requirement of a sequence's parts, each a set of literals of which a match contains one (empty:
        /// nothing known to be required); nil when it cannot be read.
        mutating func sequence() -> [[String]]? {
            var sets: [[String]] = []
            var run = ""
            func require(_ r: [String]) {
                guard let shortest = r.map(\.count).min(), shortest > 0 else { return }
                sets.append(r)
            }
            func endRun() { if !run.isEmpty { require([run]); run = "" } }
            while let c = peek(), c != "|", c != ")" {
                enum Atom { case literal(Character), group([[[String]]]?), other, zeroWidth }
                let atom: Atom
                switch c {
                case "(":
                    i += 1
                    var lookaround = false
                    if peek() == "?" {
                        if peek(1) == ":" {
                            i += 2
                        } else if peek(1) == "=" || peek(1) == "!" {
                            lookaround = true; i += 2
                        } else if peek(1) == "<", peek(2) == "=" || peek(2) == "!" {
                            lookaround = true; i += 3
                        } else {
                            return nil
                        }  // inline flags, named groups ...: not followed here
                    }
                    guard let inner = alternation(), peek() == ")" else { return nil }
                    i += 1
                    atom = lookaround ? .zeroWidth : .group(inner)
                case "[":
                    guard skipClass() else { return nil }
                    atom = .other
                case "\\":
                    guard let e = peek(1) else { return nil }
                    i += 2
                    switch e {
                    case "b", "B", "A", "z", "Z", "G": atom = .zeroWidth
                    case "n": atom = .literal("\n")
                    case "t": atom = .literal("\t")
                    case "r": atom = .literal("\r")
                    case "p", "P":
                        if peek() == "{" { while let x = peek(), x != "}" { i += 1 }; i += 1 }
                        atom = .other
                    default:
                        let isWordChar = e.properties.isAlphabetic || ("0"..."9").contains(e)
                        atom = isWordChar ? .other : .literal(Character(e))
                    }
                case ".": i += 1; atom = .other
                case "^", "$": i += 1; atom = .zeroWidth
                case "*", "+", "?", "{": return nil  // a quantifier with nothing before it
                default: i += 1; atom = .literal(Character(c))
                }
                let minimum = quantifierMinimum()
                guard let minimum else { return nil }
                switch atom {
                case .literal(let ch):
                    if minimum == 1 && !quantified {
                        run.append(ch)
                    } else {
                        if minimum >= 1 { run.append(ch) }  // at least once, right after the run
                        endRun()
                    }
                case .group(let r):
                    endRun()
                    // One branch: all it requires; several: one of each branch's most selective literals.
                    if minimum >= 1, let r {
                        if r.count == 1 { r[0].forEach(require) } else { require(r.flatMap(Self.mostSelective)) }
                    }
                case .other:
                    endRun()
                case .zeroWidth:
                    endRun()
                }
            }
            endRun()
            return sets
        }

        /// Set by quantifierMinimum: whether the last atom had a quantifier.
        var quantified = false

        /// The minimum count of a quantifier after an atom (1 without one); nil when it cannot be read.
        mutating func quantifierMinimum() -> Int? {
            quantified = true
            var minimum: Int
            switch peek() {
            case "?": i += 1; minimum = 0
            case "*": i += 1; minimum = 0
            case "+": i += 1; minimum = 1
            case "{":
                var j = i + 1, digits = ""
                while j < s.count, ("0"..."9").contains(s[j]) { digits.unicodeScalars.append(s[j]); j += 1 }
                guard let m = Int(digits), j < s.count, s[j] == "," || s[j] == "}" else { return nil }
                while j < s.count, s[j] != "}" { j += 1 }
                guard j < s.count else { return nil }
                i = j + 1
                minimum = m
            default:
                quantified = false
                return 1
            }
            if peek() == "?" || peek() == "+" { i += 1 }  // lazy or possessive
            return minimum
        }

        /// Skips a character class `[...]` (nested sets, escapes, a leading `]` or `^`); false when unterminated.
        mutating func skipClass() -> Bool {
            var depth = 0
            var first = true
            while i < s.count {
                let c = s[i]
                if c == "\\" { i += 2; first = false; continue }
                if c == "[" { depth += 1; i += 1; if peek() == "^" { i += 1 }; first = true; continue }
                if c == "]" && !first { depth -= 1; i += 1; if depth == 0 { return true }; continue }
                first = false
                i += 1
            }
            return false
        }
    }
}
