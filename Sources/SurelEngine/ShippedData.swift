// Where the project's own training data (classify/examples, classify/keywords.tsv) is at run time: installed by
// `make install` under /usr/share/surel, or in the source tree the binary was built in.
import Foundation

public enum ShippedData {
    /// The folder holding `examples/` and `keywords.tsv`, or nil when none is found.
    /// Looked for in `$SUREL_DATA_DIR/classify`, `/usr/share/surel/classify`, `<bin>/../share/surel/classify`,
    /// then in `classify/` of each folder above the running binary (a build in the source tree).
    public static func classifyFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        folder("classify", containing: "examples/labels.tsv", environment: environment)
    }

    /// The shipped labelled examples (`classify/examples`), or nil when none is found.
    public static func examplesFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        classifyFolder(environment: environment).map { $0 + "/examples" }
    }

    /// The shipped `mail-templates/` (same places as `classify/`).
    public static func templatesFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        folder("mail-templates", containing: "acknowledgement.mustache", environment: environment)
    }

    static func folder(_ name: String, containing marker: String, environment: [String: String]) -> String? {
        var candidates: [String] = []
        if let d = environment["SUREL_DATA_DIR"] { candidates.append(d + "/" + name) }
        candidates.append("/usr/share/surel/" + name)
        let exe = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0]
        ).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        candidates.append(dir.appendingPathComponent("../share/surel/" + name).standardized.path)
        for _ in 0..<6 {
            dir = dir.deletingLastPathComponent()
            candidates.append(dir.appendingPathComponent(name).path)
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/" + marker) }
    }
}
