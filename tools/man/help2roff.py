#!/usr/bin/env python3
"""help2roff.py BCE CMD OUTPUT COMMANDS -- write the man page of `bce CMD`
(CMD '-' for `bce` itself) from its help text, in roff (man(7) macros).

BCE is the built `bce` tool; COMMANDS the comma-separated subcommands that
have pages (for SEE ALSO).  The page is made of what the tool prints:
  NAME         bce-CMD and the command's line in `bce --help`'s command list
               (for `bce`: the help's one-line summary)
  SYNOPSIS     the "usage:" lines of `bce CMD --help`
  DESCRIPTION  the rest of it: a paragraph per blank-line-separated block,
               unindented lines filled, indented lines (options, examples)
               kept as printed, a lone short line ending in ':' before
               indented lines as a subsection heading
  VERSION      `bce --version`
  SEE ALSO     bce(1) and the other pages
Run by tools/man/meson.build at build time (native builds only); the pages
are installed into <mandir>/man1.  SOURCE_DATE_EPOCH, if set, dates them.
"""
import datetime
import os
import re
import subprocess
import sys


def run(bce, *args):
    return subprocess.run([bce, *args], check=True, stdout=subprocess.PIPE,
                          universal_newlines=True).stdout


def esc(s):
    """Text for roff: backslash, hyphens, quotes; no leading control char."""
    s = s.replace("\\", "\\e").replace("-", "\\-")
    s = s.replace("'", "\\(aq").replace("`", "\\(ga")
    if s.startswith(".") or s.startswith("\\(aq"):
        s = "\\&" + s
    return s


def command_summaries(main_help):
    """{command: summary} from the 'commands:' list of `bce --help`."""
    out, cur = {}, None
    for line in main_help.splitlines():
        m = re.match(r"^  ([a-z][a-z0-9-]*)(?: [A-Z]+)?\s+(\S.*)$", line)
        if m:
            cur = m.group(1)
            out[cur] = m.group(2).strip()
        elif cur and re.match(r"^\s{6,}\S", line):
            sep = "" if out[cur].endswith("-") else " "   # "Hessian-\n vector"
            out[cur] += sep + line.strip()
        else:
            cur = None
    return out


def split_usage(text):
    """(usage lines without 'usage: ', the rest) of a help text."""
    lines = text.splitlines()
    usage, i = [], 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and lines[i].lower().startswith("usage:"):
        first = lines[i]
        width = len(first) - len(first[6:].lstrip())
        usage.append(first[width:])
        i += 1
        while i < len(lines) and lines[i].strip():
            usage.append(lines[i][width:] if lines[i][:width].strip() == ""
                         else lines[i].strip())
            i += 1
    return usage, lines[i:]


def synopsis(usage):
    out = [".SH SYNOPSIS", ".nf"]
    for u in usage:
        m = re.match(r"^(bce(?: [a-z][a-z0-9-]*)?)(\s.*|)$", u)
        if m:
            out.append("\\fB" + esc(m.group(1)) + "\\fR" + esc(m.group(2)))
        else:
            out.append(esc(u))
    out.append(".fi")
    return out


def description(lines):
    blocks, cur = [], []
    for line in lines + [""]:
        if line.strip():
            cur.append(line.rstrip())
        elif cur:
            blocks.append(cur)
            cur = []
    out = [".SH DESCRIPTION"]
    for block in blocks:
        runs = []                       # [(indented?, [lines])]
        for line in block:
            ind = line[0] == " "
            if runs and runs[-1][0] == ind:
                runs[-1][1].append(line)
            else:
                runs.append((ind, [line]))
        out.append(".PP")
        for k, (ind, rl) in enumerate(runs):
            nxt_ind = k + 1 < len(runs) and runs[k + 1][0]
            if (not ind and len(rl) == 1 and rl[0].endswith(":")
                    and len(rl[0]) <= 40 and nxt_ind):
                out.append('.SS "' + esc(rl[0][:-1]).replace('"', "") + '"')
            elif not ind:
                out += [esc(l.strip()) for l in rl]
            else:
                cut = min(len(l) - len(l.lstrip()) for l in rl)
                cut = min(cut, 2)
                out += [".nf"] + [esc(l[cut:]) for l in rl] + [".fi"]
    return out


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    bce, cmd, output, commands = sys.argv[1:]
    commands = [c for c in commands.split(",") if c]
    main_help = run(bce, "--help")
    version = run(bce, "--version").splitlines()[0].strip()
    if cmd == "-":
        name, text = "bce", main_help
        usage, rest = split_usage(text)
        summ = next((l.split(":", 1)[1].strip() if l.startswith("libbce:") else l.strip()
                     for l in rest if l.strip()), "the libbce command-line tool")
        see = ["bce-%s" % c for c in commands]
    else:
        name, text = "bce-" + cmd, run(bce, cmd, "--help")
        usage, rest = split_usage(text)
        summ = command_summaries(main_help).get(cmd)
        if not summ:                    # first sentence of the description
            para = " ".join(l.strip() for l in rest if l.strip())
            summ = para.split(". ")[0].rstrip(".") or "bce " + cmd
        see = ["bce"] + ["bce-%s" % c for c in commands if c != cmd]
    summ = summ.rstrip(".")
    date = ""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        date = datetime.datetime.utcfromtimestamp(
            int(os.environ["SOURCE_DATE_EPOCH"])).strftime("%Y-%m-%d")
    out = ['.\\" Generated by tools/man/help2roff.py from `%s --help`; do not edit.'
           % ("bce" if cmd == "-" else "bce " + cmd),
           '.TH "%s" 1 "%s" "%s" "User Commands"' % (esc(name.upper()), date, esc(version)),
           ".ad l",                      # no justification, no hyphenation:
           ".nh",                        # option names stay whole
           ".SH NAME",
           "%s \\- %s" % (esc(name), esc(summ))]
    if usage:
        out += synopsis(usage)
    out += description(rest)
    out += [".SH VERSION", esc(version) + "."]
    out += ['.SH "SEE ALSO"', ",\n".join("\\fB%s\\fR(1)" % esc(s) for s in see)]
    with open(output, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
