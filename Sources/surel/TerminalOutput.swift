// Everything the CLI prints goes through here: this `print` shadows the standard library's in this module, so no
// command can write raw control characters or bidi overrides from a mail to the terminal (see TerminalText).
// Line breaks the command itself puts between lines stay; fields that must stay on one line (subjects, names,
// file names in lists) are passed through `oneLine` as well.
import Foundation
import SurelCore

func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator)
    Swift.print(TerminalText.escaped(text, keepNewlines: true), terminator: terminator)
}

/// A field from mail shown inside one line of output: its line breaks escaped too.
func oneLine(_ s: String) -> String { TerminalText.escaped(s) }

/// The same for optional fields.
func oneLine(_ s: String?) -> String? { s.map { TerminalText.escaped($0) } }
