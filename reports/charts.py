"""Charts as SVG made on the server: they need no JavaScript, print, and go into the PDF reports
(WeasyPrint draws inline SVG) as they are into the pages.

Why here, at the reports layer: the pages (web/) may import reports, and reports/presentation.py
and reports/pdf.py use the same functions, so a chart looks the same on screen, in an e-mail and
in a PDF. Each function takes plain numbers and labels (already translated) and returns markup;
none reads the database.

Accessibility: every chart is `role="img"` with a <title> and a <desc> (aria-labelledby), and the
caller passes the id of the text summary beside it (aria-describedby). Colours are presentation
attributes, not `style=""`, so the Content-Security-Policy needs no exception; every colour meets
3:1 against white (WCAG 1.4.11) and no meaning rests on colour alone (markers differ in shape and
every value is in the table beside the chart).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal
Point = tuple[int, Number]

# Status colours, shared with the reports' bar charts (each ≥ 3:1 against white).
COLOURS = {
    "achieved": "#1b7837",
    "on_track": "#3d7f3f",
    "off_track": "#b2182b",
    "no_data": "#767676",
    "planned": "#2b6cb0",
    "in_progress": "#1f4e8c",
    "implemented": "#1b7837",
    "delayed": "#b2182b",
    "discontinued": "#767676",
}
OBSERVED = "#1f4e8c"
TARGET = "#a04000"
AXIS = "#555555"
GRID = "#d0d0d0"
FONT = "DejaVu Sans, system-ui, sans-serif"
# A sequential blue scale, light to dark; the text on the three darkest is white.
SCALE = ("#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b")


def _svg(parts: Sequence[str]) -> SafeString:
    """The markup, marked safe: every text put into it went through escape() and every number
    through a format spec, so nothing a user typed reaches it unescaped."""
    return mark_safe("".join(parts))  # noqa: S308


def _f(value: Number) -> float:
    return float(value)


def _open(
    width: int, height: int, title: str, desc: str, chart_id: str, described_by: str = ""
) -> list[str]:
    aria = f' aria-describedby="{escape(described_by)}"' if described_by else ""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc"{aria} font-family="{FONT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis values covering [low, high]: steps of 1, 2 or 5 times a power of ten."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < high:  # the last tick at or above the highest value: nothing overflows
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _tick_label(value: float, fmt) -> str:
    return fmt(Decimal(str(value)).normalize()) if fmt else f"{value:g}"


@dataclass
class LineChart:
    """Observed values against the target path over the years."""

    title: str
    desc: str
    chart_id: str
    observed: Sequence[Point]
    path: Sequence[Point] = ()
    targets: Sequence[Point] = ()
    described_by: str = ""
    observed_label: str = ""
    target_label: str = ""
    width: int = 640
    height: int = 300
    fmt: object = None

    def render(self) -> SafeString:
        points = [*self.observed, *self.path, *self.targets]
        if not points:
            return _svg([])
        left, right, top, bottom = 70, 20, 36, 36
        years = [p[0] for p in points]
        y0, y1 = min(years), max(years)
        values = [_f(p[1]) for p in points]
        low = min(0.0, min(values))
        ticks = nice_ticks(low, max(values) or 1)
        v0, v1 = ticks[0], ticks[-1]
        plot_w, plot_h = self.width - left - right, self.height - top - bottom

        def x(year: int) -> float:
            return left + (plot_w * (year - y0) / (y1 - y0) if y1 > y0 else plot_w / 2)

        def y(value: Number) -> float:
            return top + plot_h - plot_h * (_f(value) - v0) / ((v1 - v0) or 1)

        out = _open(
            self.width, self.height, self.title, self.desc, self.chart_id, self.described_by
        )
        for tick in ticks:
            out.append(
                f'<line x1="{left}" x2="{self.width - right}" y1="{y(tick):.1f}" '
                f'y2="{y(tick):.1f}" stroke="{GRID}" stroke-width="1"/>'
                f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="12" text-anchor="end" '
                f'fill="{AXIS}">{escape(_tick_label(tick, self.fmt))}</text>'
            )
        step = max(1, math.ceil((y1 - y0 + 1) / 10))
        for year in range(y0, y1 + 1, step):
            out.append(
                f'<text x="{x(year):.1f}" y="{self.height - bottom + 18}" font-size="12" '
                f'text-anchor="middle" fill="{AXIS}">{year}</text>'
            )
        out.append(
            f'<line x1="{left}" x2="{self.width - right}" y1="{top + plot_h}" '
            f'y2="{top + plot_h}" stroke="{AXIS}" stroke-width="1"/>'
        )
        out += self._series(x, y)
        out += self._legend()
        out.append("</svg>")
        return _svg(out)

    def _series(self, x, y) -> list[str]:
        out = []
        if len(self.path) > 1:
            coords = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in self.path)
            out.append(
                f'<polyline points="{coords}" fill="none" stroke="{TARGET}" '
                'stroke-width="2" stroke-dasharray="6 4"/>'
            )
        for year, value in self.targets:
            cx, cy = x(year), y(value)
            out.append(
                f'<path d="M{cx:.1f} {cy - 7:.1f} L{cx + 7:.1f} {cy:.1f} L{cx:.1f} {cy + 7:.1f} '
                f'L{cx - 7:.1f} {cy:.1f} Z" fill="#ffffff" stroke="{TARGET}" stroke-width="2"/>'
            )
        if len(self.observed) > 1:
            coords = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in self.observed)
            out.append(
                f'<polyline points="{coords}" fill="none" stroke="{OBSERVED}" stroke-width="3"/>'
            )
        for year, value in self.observed:
            out.append(f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="4" fill="{OBSERVED}"/>')
        return out

    def _legend(self) -> list[str]:
        out = []
        if self.observed_label:
            out.append(
                f'<circle cx="80" cy="14" r="4" fill="{OBSERVED}"/>'
                f'<line x1="70" x2="90" y1="14" y2="14" stroke="{OBSERVED}" stroke-width="3"/>'
                f'<text x="96" y="18" font-size="12" fill="#1b1b1b">'
                f"{escape(self.observed_label)}</text>"
            )
        if self.target_label and (self.targets or self.path):
            out.append(
                f'<line x1="330" x2="350" y1="14" y2="14" stroke="{TARGET}" stroke-width="2" '
                'stroke-dasharray="6 4"/>'
                f'<path d="M340 7 L347 14 L340 21 L333 14 Z" fill="#ffffff" stroke="{TARGET}" '
                'stroke-width="2"/>'
                f'<text x="356" y="18" font-size="12" fill="#1b1b1b">'
                f"{escape(self.target_label)}</text>"
            )
        return out


def sparkline(
    points: Sequence[Point], *, label: str, width: int = 96, height: int = 24
) -> SafeString:
    """A word-sized trend line (no axes) with its text alternative; empty without two points."""
    if len(points) < 2:
        return _svg([])
    years = [p[0] for p in points]
    values = [_f(p[1]) for p in points]
    y0, y1, v0, v1 = min(years), max(years), min(values), max(values)

    def x(year: int) -> float:
        return 2 + (width - 4) * (year - y0) / ((y1 - y0) or 1)

    def y(value: float) -> float:
        return height - 3 - (height - 6) * (value - v0) / ((v1 - v0) or 1)

    coords = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in zip(years, values, strict=True))
    last = f'<circle cx="{x(years[-1]):.1f}" cy="{y(values[-1]):.1f}" r="2.5" fill="{OBSERVED}"/>'
    return _svg(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(label)}"><polyline points="{coords}" fill="none" '
            f'stroke="{OBSERVED}" stroke-width="2"/>{last}</svg>'
        ]
    )


def stacked_bar(
    parts: Sequence[tuple[str, str, int]], *, label: str, width: int = 160
) -> SafeString:
    """One bar split by (key, label, count), keys coloured as COLOURS; `label` says it in words."""
    total = sum(n for _k, _l, n in parts)
    if not total:
        return _svg([])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar" width="{width}" height="16" '
        f'viewBox="0 0 {width} 16" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(label)}">'
    ]
    x = 0.0
    for key, _label, n in parts:
        if not n:
            continue
        w = width * n / total
        out.append(
            f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="16" '
            f'fill="{COLOURS.get(key, OBSERVED)}" stroke="#ffffff" stroke-width="1"/>'
        )
        x += w
    out.append("</svg>")
    return _svg(out)


# Kazakhstan's 16 regions of the report's years (before the 2018 and 2022 changes) as tiles on a
# 6 × 4 grid, each near its place on the map: west to east, north to south.
REGION_TILES: dict[str, tuple[int, int]] = {
    "west-kazakhstan": (0, 0),
    "kostanay": (2, 0),
    "north-kazakhstan": (3, 0),
    "pavlodar": (4, 0),
    "atyrau": (0, 1),
    "aktobe": (1, 1),
    "akmola": (2, 1),
    "astana-city": (3, 1),
    "east-kazakhstan": (5, 1),
    "mangystau": (0, 2),
    "kyzylorda": (1, 2),
    "karaganda": (2, 2),
    "almaty-oblast": (4, 2),
    "south-kazakhstan": (2, 3),
    "zhambyl": (3, 3),
    "almaty-city": (4, 3),
}


def _wrap(text: str, limit: int = 13, lines: int = 2) -> list[str]:
    words, out, line = text.replace("-", "- ").split(), [], ""
    for word in words:
        candidate = f"{line} {word}".replace("- ", "-").strip() if line else word
        if len(candidate) <= limit or not line:
            line = candidate
        else:
            out.append(line)
            line = word
    out.append(line)
    if len(out) > lines:
        out = [*out[: lines - 1], out[lines - 1][: limit - 1] + "…"]
    return out


@dataclass
class Tile:
    code: str
    name: str
    value: Number | None
    shown: str  # the value as the page prints it, in the page's language
    lang: str = ""  # the name's language when it is not the page's (a fallback to Kazakh)


def scale_class(value: Number | None, low: float, high: float) -> int | None:
    """The class (0–4) of `value` on an equal-interval scale over [low, high]."""
    if value is None:
        return None
    if high <= low:
        return 2
    return min(4, int((_f(value) - low) / (high - low) * 5))


def tile_map(
    tiles: Sequence[Tile],
    *,
    title: str,
    desc: str,
    chart_id: str,
    described_by: str = "",
    no_data: str = "—",
) -> SafeString:
    """The regions as a tile-grid map: one square per region, shaded by value (five classes)."""
    size, gap, cols, rows = 104, 4, 6, 4
    width, height = cols * (size + gap), rows * (size + gap)
    numbers = [_f(t.value) for t in tiles if t.value is not None]
    low, high = (min(numbers), max(numbers)) if numbers else (0.0, 0.0)
    out = _open(width, height, title, desc, chart_id, described_by)
    for tile in tiles:
        place = REGION_TILES.get(tile.code)
        if place is None:
            continue
        col, row = place
        x, y = col * (size + gap), row * (size + gap)
        cls = scale_class(tile.value, low, high)
        fill = SCALE[cls] if cls is not None else "#ffffff"
        ink = "#ffffff" if cls is not None and cls >= 2 else "#1b1b1b"
        out.append(
            f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="4" fill="{fill}" '
            f'stroke="{AXIS}" stroke-width="1"/>'
        )
        lang = f' lang="{escape(tile.lang)}"' if tile.lang else ""
        for i, line in enumerate(_wrap(tile.name, limit=15, lines=3)):
            out.append(
                f'<text x="{x + 5}" y="{y + 17 + i * 14}" font-size="11" fill="{ink}"{lang}>'
                f"{escape(line)}</text>"
            )
        out.append(
            f'<text x="{x + 6}" y="{y + size - 12}" font-size="16" font-weight="bold" '
            f'fill="{ink}">{escape(tile.shown if tile.value is not None else no_data)}</text>'
        )
    out.append("</svg>")
    return _svg(out)


def bar_chart(title: str, rows: Sequence[tuple[str, str, int]]) -> SafeString:
    """Horizontal bars (label, colour key, value per bar), with a title and a text alternative
    for screen readers and PDF tags: the status reports' charts."""
    width, bar_h, gap, label_w = 460, 18, 6, 150
    total = max((v for _l, _k, v in rows), default=0) or 1
    height = len(rows) * (bar_h + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'font-family="Report Sans, DejaVu Sans, sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, key, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = round((width - label_w - 50) * value / total)
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="11">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" '
            f'fill="{COLOURS.get(key, "#4393c3")}"/>'
            f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="11">{value}</text>'
        )
    parts.append("</svg>")
    return _svg(parts)
