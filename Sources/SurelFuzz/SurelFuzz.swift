// SurelFuzz: one input of raw bytes through everything surel does with a mail it has not seen before —
// MIMEParser.parse and parseHeaders (header block, RFC 2047/2231, addresses, dates via Mailutils, MIME tree, QP/base64,
// charsets via iconv, HTMLText, TNEF and RTF, DSNs), triage (bounce, unsubscribe, auto-reply, bulk) and the
// classifier's input:
// rules, spam features, category features, the (untrained) classifier itself.
//
// Two builds of the same file (see scripts/fuzz and Fuzz/README.md; both add -enable-testing -D SUREL_FUZZ_TESTABLE):
// - with `-D SUREL_FUZZ` (and `--sanitize fuzzer --sanitize address`): a libFuzzer target, LLVMFuzzerTestOneInput
//   and no entry point of its own: libFuzzer's `main` takes its usual arguments (corpus folders, -max_total_time=,
//   -minimize_crash=1, files to replay ...). The file is not main.swift, so SwiftPM compiles it as a library.
// - without it (every normal `swift build`): a replay tool, `surel-fuzz FILE|DIR ...`, that runs each file through the
//   same function and prints how long each took; a crash names the file it was on (on standard error, before it).
import Foundation
#if DEBUG || SUREL_FUZZ_TESTABLE
    @testable import SurelMail  // HTMLText is internal: debug builds, and scripts/fuzz's builds with -enable-testing
#else
    import SurelMail
#endif
import SurelCore
import SurelClassify
import SurelEngine

enum FuzzTarget {
    /// The classifier as a deployment without a trained model runs it: standard rules, spam features, features.
    static let classifier = CategoryClassifier(model: NaiveBayesModel())

    static func run(_ data: Data) {
        if let parsed = try? MIMEParser.parse(data) { downstream(parsed) }
        if let head = try? MIMEParser.parseHeaders(data) { downstream(head) }
        #if DEBUG || SUREL_FUZZ_TESTABLE
            // HTML parts reach it through parse; the whole input as HTML reaches more of it for the same bytes.
            _ = HTMLText.text(from: String(decoding: data, as: UTF8.self))
            // Likewise Outlook's winmail.dat, its compressed RTF and the RTF reader, which parse reaches only through
            // a base64 part the fuzzer rarely gets right.
            let bytes = [UInt8](data)
            _ = TNEF.read(bytes)
            _ = TNEF.decompressRTF(bytes)
            _ = RTFText.text(from: bytes)
        #endif
    }

    /// What the ingestor does with a parsed mail before anything is stored.
    static func downstream(_ p: ParsedMessage) {
        _ = Triage.classify(p, fromLayer2Unit: false)
        _ = Triage.classify(p, fromLayer2Unit: true)
        var input = ClassificationInput(p)
        if let sender = p.from?.email {
            input.senderClass = SenderDirectory.profile(forEmail: sender).senderClass
        }
        _ = classifier.classify(input)  // rules, spam features, category features
        _ = Tokenizer.features(input, keepingNames: true)
        _ = Tokenizer.spamFeatures(input, keepingNames: true)
        _ = SubjectNormalizer.normalize(p.subject)
    }
}

#if SUREL_FUZZ

    /// libFuzzer's entry; its `main` (linked by -sanitize=fuzzer) calls it for each input.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        FuzzTarget.run(size == 0 || data == nil ? Data() : Data(bytes: data!, count: size))
        return 0
    }

#else

    @main
    enum SurelFuzzReplay {
        static func main() {
            let args = CommandLine.arguments.dropFirst()
            if args.isEmpty || args.contains("-h") || args.contains("--help") {
                FileHandle.standardError.write(
                    Data(
                        """
                        usage: surel-fuzz FILE|DIR ...
                        Runs each file (each file in a folder, recursively) through the fuzz target once: parse, triage,
                        classification features. Exits non-zero if a file cannot be read; a crash crashes.

                        """.utf8))
                exit(args.isEmpty ? 2 : 0)
            }
            var files: [String] = []
            let fm = FileManager.default
            for a in args {
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: a, isDirectory: &isDir) else {
                    FileHandle.standardError.write(Data("surel-fuzz: no such file: \(a)\n".utf8)); exit(2)
                }
                if isDir.boolValue {
                    let e = fm.enumerator(atPath: a)
                    var inDir: [String] = []
                    while let f = e?.nextObject() as? String {
                        var d: ObjCBool = false
                        let path = (a as NSString).appendingPathComponent(f)
                        if fm.fileExists(atPath: path, isDirectory: &d), !d.boolValue, !f.hasSuffix(".md") {
                            inDir.append(path)
                        }
                    }
                    files += inDir.sorted()
                } else {
                    files.append(a)
                }
            }
            var slowest = (file: "", seconds: 0.0)
            for f in files {
                guard let data = fm.contents(atPath: f) else {
                    FileHandle.standardError.write(Data("surel-fuzz: cannot read \(f)\n".utf8)); exit(2)
                }
                FileHandle.standardError.write(Data("running \(f) (\(data.count) bytes)\n".utf8))
                let start = DispatchTime.now().uptimeNanoseconds
                FuzzTarget.run(data)
                let s = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                if s > slowest.seconds { slowest = (f, s) }
                print(String(format: "ok %.3fs %@", s, f))
            }
            print(String(format: "replayed %d files; slowest %.3fs %@", files.count, slowest.seconds, slowest.file))
        }
    }

#endif
