"""Split the seed report into its numbered paragraphs ¶1–508 and put displaced citations back.

The seed is Kazakhstan's initial CRPD report, extracted from a PDF. Two extraction defects shape
this module:

* Hyperlinked spans (mostly legal pinpoints such as ``14-бабының``, ``2-тармағы``,
  ``1) тармақшасы``, sometimes an act name such as ``Заңы``) were cut out of their line and pasted
  at its end, joined by single spaces. The cut leaves a *hole*: a double space, ``( )``, a space
  before ``)`` or ``,``, a leading space on a continuation line. Repair works on one raw line at a
  time: find where the trailing run of displaced spans starts, find the holes in the rest of the
  line, and put the spans back in the order of the holes. A line is only changed when the number
  of spans equals the number of holes; anything else is left as printed and flagged.
* Page breaks leave runs of blank lines inside paragraphs; they carry no meaning and are dropped.

Standard library only: the Django management command ``extract_crpd`` wraps :func:`extract`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

FIRST_PARAGRAPH = 1
LAST_PARAGRAPH = 508
# ¶1–72 (introduction and Section I) precede the first article section.
FIRST_ARTICLE_PARAGRAPH = 73

PARAGRAPH_RE = re.compile(r"^ {6}(\d{1,3})\. (.*)$")
# Articles 18 and 30 are headed "18-бап." / "30-бап." instead of "Конвенцияның N-бабы.".
ARTICLE_HEADING_RE = re.compile(r"^(?:Конвенцияның (\d{1,2})-бабы|(\d{1,2})-бап)\.\s")
PART_HEADING_RE = re.compile(r"^[IV]+ БӨЛІМ\b")
# Continuation lines indented like a paragraph start are sub-items ("- ...", "1) ...") or new
# unnumbered paragraphs of the same numbered paragraph; they keep their own line in the text.
INDENTED_RE = re.compile(r"^ {5,}\S")

# Holes a cut-out span leaves behind, and how a span is put back into each.
_HOLE_RE = re.compile(
    r"(?P<paren>\( (?=[),]))"  # "( )" / "( , )": span right after the parenthesis
    r"|(?P<double>(?<=\S) {2}(?=\S|$))"  # "заңның  сәйкес": span between the two spaces
    r"|(?P<before>(?<=[^\s(]) (?=[),.;]))"  # "бабының )." / ", , ,": span before the punctuation
    r"|(?P<dash>(?<=\S) -(?=[^\s\-]|$))"  # "заңның -32": span before a range hyphen
)
_FILL = {
    "paren": "({}",
    "double": " {} ",
    "before": " {}",
    "dash": " {}-",
    "lead": "{} ",
    "start": "{}",
    "end": "{}",
}

# One displaced span. Pinpoints start with a digit ("14-бабының", "17-1-тармағы", "29-", "1");
# the words are the act names and pinpoint nouns that were hyperlinked in the source PDF.
_NUMBER_SPAN_RE = re.compile(r"\d[\w./-]*")
_WORD_SPAN_RE = re.compile(
    r"(?:Заң|заң|Кодекс|кодекс|Бұйрығ|бұйрығ|Қаулы|қаулы|Жарлығ|жарлығ|Конституц|бап|баб|"
    r"тармақ|тармағ|тарау|норма|Ереже|ереже|Қағида|қағида)\w*"
)
_URL_SPAN_RE = re.compile(r"(?:https?://|www\.)\S+")
# Two-word spans: "7) тармақшасы", "b) тармағы", "Конституциялық заң".
_SPAN_HEADS = (
    (re.compile(r"(?:\d{1,2}|[a-zа-я])\)"), re.compile(r"тармақ\w*|тармағ\w*")),
    (re.compile(r"Конституциялық"), re.compile(r"заң\w*")),
)
_PINPOINT_NOUN_RE = re.compile(r"(?:бап|баб|тармақ|тармағ)\w*")
# Characters a span may be glued to when the line it was cut from had no trailing space.
_GLUE_BEFORE = set('.,;:)("')
# Longest run of displaced spans looked for at a line end (the longest in the seed is ~40).
_MAX_TAIL = 90

# Convention articles, as opposed to national law: "Конвенцияның 9-бабы", "Конвенцияның 8 және
# 9-баптарына", "...еңбек ету құқығын тану туралы конвенцияның 27-бабының" (¶397 paraphrases the
# CRPD's article 27 title in lower case). The report cites articles of no other convention, so
# any "конвенцияның N-бабы" is the CRPD; "(бұдан әрі – Конвенция)" may sit between (¶2).
_CONVENTION_REF_RE = re.compile(
    r"[Кк]онвенция(?:ның|сының)\s+(?:\(бұдан әрі\s*–\s*Конвенция\)\s+)?"
    r"((?:\d{1,2}(?:\s*,\s*|\s+және\s+))*\d{1,2})\s*-\s*ба[бп]"
)


class ExtractionError(ValueError):
    """The seed does not have the shape this extractor relies on."""


@dataclass
class RawParagraph:
    """One numbered paragraph as cut from the seed, before repair."""

    number: int
    article: int | None
    section_kk: str
    first_line: int  # 1-based line number in the seed, for messages
    lines: list[str] = field(default_factory=list)


@dataclass
class Repair:
    """The outcome of putting a paragraph's displaced spans back."""

    text_printed: str
    text_kk: str
    status: str  # "none" | "repaired" | "unrepaired"
    problems: list[str] = field(default_factory=list)


@dataclass
class _Hole:
    start: int
    end: int
    kind: str

    def fill(self, text: str, span: str) -> str:
        return text[: self.start] + _FILL[self.kind].format(span) + text[self.end :]


@dataclass
class _Line:
    """A raw line split into what stayed in place and the spans pasted at its end."""

    text: str  # without indentation
    indented: bool
    repaired: str | None = None  # None: the holes could not be matched with spans
    spans: list[str] = field(default_factory=list)


# --- splitting -----------------------------------------------------------------------------


def _is_blank(line: str) -> bool:
    return not line.strip()


def _next_nonblank(lines: Sequence[str], i: int) -> int | None:
    for j in range(i, len(lines)):
        if not _is_blank(lines[j]):
            return j
    return None


def _is_structural(line: str) -> bool:
    stripped = line.strip()
    return bool(
        PARAGRAPH_RE.match(line)
        or ARTICLE_HEADING_RE.match(stripped)
        or PART_HEADING_RE.match(stripped)
    )


def _looks_like_subheading(line: str) -> bool:
    """Indented, short, capitalised, no closing punctuation: "Аумағы және халқы", "Саясат"."""
    stripped = line.strip()
    return (
        line.startswith(" ")
        and not PARAGRAPH_RE.match(line)
        and 0 < len(stripped) <= 100
        and stripped[0].isupper()
        and stripped[-1] not in ".;:,"
    )


def _read_heading(lines: Sequence[str], i: int) -> tuple[str, int | None, str, int] | None:
    """Return (kind, article number, heading text, index after it) if a heading starts at i."""
    line = lines[i]
    stripped = line.strip()
    article_match = ARTICLE_HEADING_RE.match(stripped)
    if article_match or PART_HEADING_RE.match(stripped):
        text, after = stripped, i + 1
        # A long heading wraps onto one unindented line that is neither a paragraph nor a heading.
        j = _next_nonblank(lines, i + 1)
        if (
            line.endswith(" ")
            and j is not None
            and not lines[j].startswith(" ")
            and not _is_structural(lines[j])
        ):
            text, after = f"{stripped} {lines[j].strip()}", j + 1
        if article_match:
            number = int(article_match.group(1) or article_match.group(2))
            return "article", number, text, after
        return "part", None, text, after
    if _looks_like_subheading(line):
        j = _next_nonblank(lines, i + 1)
        # A sub-heading is followed by a paragraph or by another heading, never by running text.
        if j is not None and (_is_structural(lines[j]) or _looks_like_subheading(lines[j])):
            follower = _read_heading(lines, j) if not PARAGRAPH_RE.match(lines[j]) else None
            if PARAGRAPH_RE.match(lines[j]) or follower is not None:
                return "sub", None, stripped, i + 1
    return None


def split_paragraphs(lines: Sequence[str]) -> list[RawParagraph]:
    """Cut the seed's lines into numbered paragraphs, each tagged with its section."""
    paragraphs: list[RawParagraph] = []
    current: RawParagraph | None = None
    article: int | None = None
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_blank(line):  # page breaks
            i += 1
            continue
        match = PARAGRAPH_RE.match(line)
        if match:
            current = RawParagraph(int(match.group(1)), article, section, i + 1, [match.group(2)])
            paragraphs.append(current)
        else:
            heading = _read_heading(lines, i)
            if heading is not None:
                kind, number, text, after = heading
                if kind == "article":
                    article, section = number, text
                elif kind == "part":
                    article, section = None, text
                elif article is None:
                    # Inside an article the article heading stays the section; sub-headings
                    # ("Саясат", "Мүгедек балалар") only matter for Section I.
                    section = text
                current = None
                i = after
                continue
            if current is None:
                raise ExtractionError(
                    f"seed line {i + 1}: text outside any numbered paragraph: {line.strip()!r}"
                )
            current.lines.append(line)
        # The annex 1 table follows ¶508 with no heading: the paragraph ends with its sentence.
        if current is not None and current.number == LAST_PARAGRAPH and line.rstrip()[-1:] == ".":
            break
        i += 1
    check_numbering(paragraphs)
    return paragraphs


def _ranges(numbers: Sequence[int]) -> str:
    """Compact "2–5, 9" form, so that a badly broken seed still gives a readable error."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def check_numbering(paragraphs: Sequence[RawParagraph]) -> None:
    """Raise unless the paragraphs are numbered FIRST..LAST exactly once each, in order."""
    numbers = [p.number for p in paragraphs]
    expected = list(range(FIRST_PARAGRAPH, LAST_PARAGRAPH + 1))
    if numbers == expected:
        return
    counts = Counter(numbers)
    problems = []
    duplicates = sorted(n for n, c in counts.items() if c > 1)
    if duplicates:
        problems.append(f"duplicated: {_ranges(duplicates)}")
    missing = sorted(set(expected) - set(numbers))
    if missing:
        problems.append(f"missing: {_ranges(missing)}")
    unexpected = sorted(set(numbers) - set(expected))
    if unexpected:
        problems.append(f"out of range: {_ranges(unexpected)}")
    for previous, following in itertools.pairwise(paragraphs):
        if following.number <= previous.number:
            problems.append(
                f"out of order: ¶{following.number} (seed line {following.first_line}) "
                f"after ¶{previous.number}"
            )
            break
    raise ExtractionError(
        f"expected paragraphs {FIRST_PARAGRAPH}–{LAST_PARAGRAPH} once each in order; "
        + "; ".join(problems)
    )


# --- repairing displaced spans ---------------------------------------------------------------


def _parse_spans(tail: str) -> list[str] | None:
    """Split a line's tail into displaced spans, or None if it is not made of spans only."""
    tokens = tail.split(" ")
    if not tail or "" in tokens:
        return None
    spans: list[str] = []
    k = 0
    while k < len(tokens):
        token = tokens[k]
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        pair = next(
            (
                f"{token} {nxt}"
                for head, tail_re in _SPAN_HEADS
                if nxt is not None and head.fullmatch(token) and tail_re.fullmatch(nxt)
            ),
            None,
        )
        if pair is not None:
            spans.append(pair)
            k += 2
            continue
        if not (
            _NUMBER_SPAN_RE.fullmatch(token)
            or _WORD_SPAN_RE.fullmatch(token)
            or _URL_SPAN_RE.fullmatch(token)
        ):
            return None
        spans.append(token)
        k += 1
    return spans


def _split_points(text: str, *, continuing: bool) -> list[int]:
    """Where a tail of displaced spans may start, most likely first; the empty tail comes last.

    A glue point ("бабының ).1-тармағы", "тегiне,Конституциялық заң") is the stronger sign: the
    source line ended without a space and the spans were pasted straight onto it. The empty tail
    (nothing displaced) is tried last so that a possible hole at the line start is filled when
    the line does end in a span.
    """
    low = max(1, len(text) - _MAX_TAIL)
    glued, spaced = [], []
    for i in range(len(text) - 1, low - 1, -1):
        before, char = text[i - 1], text[i]
        if char == " ":
            continue
        if before == " ":
            spaced.append(i)
        elif (
            (before in _GLUE_BEFORE and char.isalnum())
            or (before.islower() and (char.isupper() or char.isdigit()))
            or (before == "-" and char.isdigit() and text[i - 2 : i - 1] == " ")
            # The second half of a pinpoint wrapped at its hyphen ("29-" / "...алуғабаптары").
            or (continuing and before.isalpha() and _PINPOINT_NOUN_RE.fullmatch(text[i:]))
        ):
            glued.append(i)
    return [*glued, *spaced, len(text)]


def _holes(prefix: str, *, continuation: bool, prev_end: str) -> tuple[list[_Hole], bool]:
    """The holes in what stayed in place, and whether the first one is only possible (weak)."""
    holes: list[_Hole] = []
    weak = False
    if continuation and prefix.startswith(" ") and not prefix.startswith("  "):
        holes.append(_Hole(0, 1, "lead"))
    elif continuation and prefix[:1] in {",", ")", ".", ";"}:
        # A line may legitimately start with "," or ")" (the PDF wraps them); after a line
        # ending in "29-", "13," or "(" the start is certainly a hole, otherwise only possibly.
        holes.append(_Hole(0, 0, "start"))
        weak = prev_end not in {"-", ",", "("}
    for match in _HOLE_RE.finditer(prefix):
        if match.start() == 0 and holes and holes[0].kind == "lead":
            continue
        kind = match.lastgroup or ""
        holes.append(_Hole(match.start(), match.end(), kind))
    return holes, weak


def _solve_line(text: str, *, continuation: bool, prev_end: str) -> tuple[str, list[str]]:
    """Return the line with its spans put back (and the spans), or raise ValueError.

    prev_end is the last non-blank character of the previous line of the paragraph ("" if none).
    """
    for point in _split_points(text, continuing=prev_end == "-"):
        prefix, tail = text[:point], text[point:]
        spans = _parse_spans(tail) if tail else []
        if spans is None:
            continue
        if point < len(text) and prefix.endswith(" ") and not prefix.endswith("  "):
            last = prefix.split(" ")[-2] if prefix.count(" ") else ""
            # "ақпарат 7) тармақшасына": the tail cannot start inside a two-word span.
            if any(head.fullmatch(last) for head, _ in _SPAN_HEADS):
                continue
        holes, weak = _holes(prefix, continuation=continuation, prev_end=prev_end)
        strong = holes[1:] if weak else holes
        # A span ending in a hyphen ("29-") continues on the next line: it is the line's end.
        end = 1 if spans and spans[-1].endswith("-") else 0
        if len(spans) == len(strong) + end:
            chosen = strong
        elif weak and spans and len(spans) == len(holes) + end:
            chosen = holes
        else:
            continue
        if end:
            chosen = [*chosen, _Hole(len(prefix), len(prefix), "end")]
        repaired = prefix
        for hole, span in sorted(zip(chosen, spans, strict=True), key=lambda hs: -hs[0].start):
            repaired = hole.fill(repaired, span)
        return repaired, spans
    raise ValueError("holes and displaced spans do not match")


def _join(lines: Sequence[_Line], *, repaired: bool) -> str:
    """Join a paragraph's lines into one text; indented lines keep their own line."""
    out = ""
    for number, line in enumerate(lines):
        text = line.repaired if repaired and line.repaired is not None else line.text
        if number == 0:
            out = text
            continue
        if line.indented:
            out = out.rstrip() + "\n" + text.lstrip()
            continue
        if out.endswith(" ") or text.startswith(" "):
            out = out.rstrip() + " " + text.lstrip()
        elif re.search(r"[\d%]-$", out) and text[:1].isalpha():
            out += text  # "14-" + "бабының": a pinpoint wrapped at its hyphen
        elif re.search(r"\d$", out) and text.startswith("-"):
            out += text  # "400" + "-ден"
        elif out.endswith(("(", "/", ' "')) or text[:1] in {",", ".", ";", ":", ")"}:
            out += text
        else:
            out += " " + text
    return out.strip()


def repair_paragraph(lines: Sequence[str], *, first_line: int = 0) -> Repair:
    """Put each line's displaced spans back; leave the paragraph as printed if any line fails."""
    parsed: list[_Line] = []
    problems: list[str] = []
    prev_end = ""
    for offset, raw in enumerate(lines):
        raw = raw.rstrip("\n")
        if _is_blank(raw):
            continue
        indented = offset > 0 and bool(INDENTED_RE.match(raw))
        text = raw.lstrip() if indented else raw
        line = _Line(text=text, indented=indented)
        try:
            line.repaired, line.spans = _solve_line(
                text, continuation=offset > 0 and not indented, prev_end=prev_end
            )
        except ValueError:
            where = f"seed line {first_line + offset}" if first_line else f"line {offset + 1}"
            problems.append(f"{where}: holes and displaced spans do not match: {text.strip()!r}")
        parsed.append(line)
        prev_end = (line.repaired or text).rstrip()[-1:]
    printed = _join(parsed, repaired=False)
    if problems:
        return Repair(printed, printed, "unrepaired", problems)
    text_kk = _join(parsed, repaired=True)
    return Repair(printed, text_kk, "none" if text_kk == printed else "repaired")


def convention_articles(text: str) -> list[int]:
    """Articles of the Convention itself that a paragraph mentions (not national law)."""
    found: set[int] = set()
    for match in _CONVENTION_REF_RE.finditer(text):
        found.update(int(n) for n in re.findall(r"\d+", match.group(1)))
    return sorted(n for n in found if 1 <= n <= 50)


# --- assembling the fixture -------------------------------------------------------------------


# An emptied quoted title, `, " " 2003 жылғы`: a law's name was cut out of its quotes. (A closing
# and an opening quote side by side, `бұзылулар" "организм`, have a letter before them.)
_EMPTY_TITLE_RE = re.compile(r'(?<=\s)" "(?=\s)')

# Paragraphs whose displaced spans no rule places with confidence, repaired by reading them. Each
# entry holds the printed text it applies to, so a different seed never receives it.
CURATED_REPAIRS: dict[int, tuple[str, str]] = {
    # Three law titles were cut out of their quotes and pasted at line ends, one line further on.
    208: (
        'Басқа адамдар сияқты мүгедектердің қорғалуы және қауіпсіздігі "Терроризмге " 1999 жылғы '
        '13 шілдедегі, " " 2003 жылғы қарсы күрес туралы Төтенше жағдай туралы 8 ақпандағы, " " '
        "2014 жылғы 11 сәуірдегі Қазақстан Азаматтық қорғау туралы Республикасы заңдарының "
        "ережелерін іске асыру шеңберінде төтенше гуманитарлық жағдайлар немесе табиғи апаттар "
        "тудырған қатерлі жағдайларда қамтамасыз етіледі.",
        'Басқа адамдар сияқты мүгедектердің қорғалуы және қауіпсіздігі "Терроризмге қарсы күрес '
        'туралы" 1999 жылғы 13 шілдедегі, "Төтенше жағдай туралы" 2003 жылғы 8 ақпандағы, '
        '"Азаматтық қорғау туралы" 2014 жылғы 11 сәуірдегі Қазақстан Республикасы заңдарының '
        "ережелерін іске асыру шеңберінде төтенше гуманитарлық жағдайлар немесе табиғи апаттар "
        "тудырған қатерлі жағдайларда қамтамасыз етіледі.",
    ),
}


def _apply_curated(number: int, repair: Repair) -> tuple[Repair, str]:
    curated = CURATED_REPAIRS.get(number)
    if curated and curated[0] == repair.text_printed:
        return Repair(repair.text_printed, curated[1], "repaired"), "curated"
    if _EMPTY_TITLE_RE.search(repair.text_kk):
        problem = 'an emptied quoted title (" ") has no span placed in it'
        return Repair(
            repair.text_printed, repair.text_printed, "unrepaired", [problem]
        ), "extracted"
    return repair, "extracted"


def extract_lines(lines: Sequence[str]) -> list[dict]:
    """The paragraphs.json records for a seed given as lines."""
    records = []
    for paragraph in split_paragraphs(lines):
        repair = repair_paragraph(paragraph.lines, first_line=paragraph.first_line)
        repair, curation = _apply_curated(paragraph.number, repair)
        flags = []
        if repair.status == "unrepaired":
            flags.append(
                {
                    "code": "garbled",
                    "message": "Displaced citation spans could not be put back with confidence; "
                    "text kept as printed. " + " ".join(repair.problems),
                }
            )
        records.append(
            {
                "number": paragraph.number,
                "article": paragraph.article,
                "section_kk": paragraph.section_kk,
                "text_kk": repair.text_kk,
                "text_printed": repair.text_printed,
                "repair": repair.status,
                "flags": flags,
                "convention_articles": convention_articles(repair.text_kk),
                "curation": curation,
            }
        )
    return records


def extract(seed_path: str | Path) -> list[dict]:
    """The paragraphs.json records for the seed file at seed_path."""
    text = Path(seed_path).read_text(encoding="utf-8")
    return extract_lines(text.split("\n"))


def dumps(records: Sequence[dict]) -> str:
    """Serialise records the way fixtures/paragraphs.json is written (stable for diffs)."""
    return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"


def summary(records: Sequence[dict]) -> str:
    """Human-readable counts: paragraphs, repaired, unrepaired, per article."""
    statuses = Counter(r["repair"] for r in records)
    unrepaired = [r["number"] for r in records if r["repair"] == "unrepaired"]
    per_article = Counter(r["article"] for r in records)
    lines = [
        f"paragraphs: {len(records)}",
        f"repaired: {statuses['repaired']}",
        f"unrepaired: {statuses['unrepaired']} {unrepaired}",
        "per article: "
        + ", ".join(
            f"{'intro' if a is None else a}={per_article[a]}"
            for a in sorted(per_article, key=lambda a: -1 if a is None else a)
        ),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", help="path to the seed text file")
    parser.add_argument("out", help="where to write paragraphs.json")
    args = parser.parse_args(argv)
    try:
        records = extract(args.seed)
    except ExtractionError as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201 - CLI output
        return 1
    Path(args.out).write_text(dumps(records), encoding="utf-8")
    print(summary(records))  # noqa: T201 - CLI output
    return 0


if __name__ == "__main__":
    sys.exit(main())
