#!/usr/bin/env python3
"""Where `surel run --once` spends its CPU, by pipeline stage, from `perf script` output.

Reads `perf script -F comm,tid,ip,sym,dso` of a `perf record --call-graph dwarf` run on stdin (or a file) and
attributes every sample to the innermost stack frame that names a stage (Swift symbols are mangled, but the
identifiers appear in them verbatim). DWARF unwinding is needed: libmailutils has no frame pointers, so with
`-g` its samples lose their callers. Optional second argument: the sampling frequency given to
`perf record -F` (cpu-clock), to turn sample counts into CPU seconds.

Usage: perf script -F comm,tid,ip,sym,dso -i perf.data | perf-phases.py - [HZ]
"""
import collections
import re
import sys

# Innermost match wins, so a SHA-256 inside AttachmentDirectory.save counts as SHA-256.
STAGES = [
    ("MIME: Mailutils multipart split", ("mu_mime_get_num_parts", "mu_message_get_part")),
    ("SHA-256 (Swift, raw + attachments)", ("SHA256",)),
    ("base64 decode (Swift)", ("RFC2047O6base64",)),
    ("MIME: other parsing (headers, charsets)", ("MIMEParser", "MUMessage", "Mailutils")),
    ("attachment files (create, write, rename)", ("AttachmentDirectory",)),
    ("store: isStored pre-check (own read txn)", ("isStored",)),
    ("store: cursor advance", ("DatabaseC7advance",)),
    ("store: ticket threading / opening", ("applyTicketIntent",)),
    ("store: message insert + commit", ("storeIncoming",)),
    ("triage (auto-reply/bounce regexes)", ("Triage",)),
    ("classification input / sender lookup", ("ticketIntent", "SenderDirectory")),
    ("IMAP: fetch + UID STORE (libcurl)", ("CurlIMAPSource", "curl_easy_perform")),
    ("durability barrier (syncfs)", ("DurabilityBarrier",)),
    ("store: server-action bookkeeping (cursor UPDATE)", ("markServerActionsDone",)),
    ("server actions bookkeeping", ("flushServerActions",)),
    ("classification: rules (regular expressions)", ("SurelClassify4Rule", "RuleSet", "LowercasedFields")),
    ("classification: tokenizers", ("SurelClassify9Tokenizer",)),
    ("classification: models (NB, spam)", ("NaiveBayes", "SpamFilter", "CategoryClassifier")),
    ("classification: training at start", ("ClassifierTraining", "ClassifierService7prepare")),
    ("ingest loop glue", ("Ingestor", "runCycle")),
]


def stage_of(frames):
    for f in frames:                      # leaf first
        for label, pats in STAGES:
            if any(p in f for p in pats):
                return label
    return "startup / outside the ingest loop"


def leaf_kind(frame):
    m = re.search(r"\(([^()]*)\)\s*$", frame)
    dso = m.group(1).rsplit("/", 1)[-1] if m else "?"
    if dso == "[kernel.kallsyms]":
        return "kernel"
    return {"inlined": "surel/swift (inlined)"}.get(dso, dso)


def main():
    src = sys.stdin if len(sys.argv) < 2 or sys.argv[1] == "-" else open(sys.argv[1], errors="replace")
    hz = float(sys.argv[2]) if len(sys.argv) > 2 else None
    stages, kinds = collections.Counter(), collections.defaultdict(collections.Counter)
    total, frames = 0, []

    def flush():
        nonlocal total
        if frames:
            total += 1
            s = stage_of(frames)
            stages[s] += 1
            kinds[s][leaf_kind(frames[0])] += 1

    for line in src:
        if line and not line[0].isspace():    # sample header line ("surel  1234")
            flush()
            frames = []
        elif line.strip():
            frames.append(line.strip())
    flush()
    if not total:
        sys.exit("perf-phases: no samples")
    print(f"{total} samples" + (f", ~{total / hz:.1f} CPU seconds" if hz else ""))
    print(f"{'share':>6} {'~CPU s':>7}  stage  [where the samples land]")
    for s, c in stages.most_common():
        secs = f"{c / hz:7.1f}" if hz else "      -"
        where = ", ".join(f"{k} {100 * v / c:.0f}%" for k, v in kinds[s].most_common(3))
        print(f"{100 * c / total:5.1f}% {secs}  {s}  [{where}]")


if __name__ == "__main__":
    main()
