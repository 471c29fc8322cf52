"""Charts as plain SVG made on the server: no script, nothing to load, readable by screen readers.

Every chart has a <title> and <desc>, and the page prints the same numbers in a table beside
it, so nobody needs to read the picture. Colours are the NHS palette's blue and a dark grey
(distinguishable without colour too: period A is solid, period B is hatched).
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

COLOURS = ("#005eb8", "#425563")
BAR = 14
GAP = 10
LABEL_WIDTH = 230
PLOT_WIDTH = 300


def _number(value: float | int | None) -> str:
    if value is None:
        return "suppressed"
    return f"{value:g}" if isinstance(value, float) else str(value)


def bars(chart_id: str, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | int | None]]]
         ) -> Markup:
    """Horizontal bars, one group per label, one bar per period (A solid, B hatched)."""
    top = max([v or 0 for _, values in series for v in values] + [1])
    group = BAR * len(series) + GAP
    height = 24 + group * max(1, len(labels))
    width = LABEL_WIDTH + PLOT_WIDTH + 70
    desc = "; ".join(
        f"{label}: " + ", ".join(f"{name} {_number(values[k])}" for name, values in series)
        for k, label in enumerate(labels)) or "No data in this period."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="insights-chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>',
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{COLOURS[1]}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>',
    ]
    for k, label in enumerate(labels):
        y = 12 + k * group
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR * len(series) / 2 + 4:.0f}" text-anchor="end" '
                     f'font-size="12" fill="#212b32">{escape(_short(label))}</text>')
        for s, (_, values) in enumerate(series):
            value = values[k]
            length = 0 if not value else max(1.0, PLOT_WIDTH * value / top)
            fill = COLOURS[0] if s == 0 else f"url(#{chart_id}-hatch)"
            by = y + s * BAR
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{by}" width="{length:.1f}" height="{BAR - 2}" fill="{fill}"/>')
            parts.append(f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{by + BAR - 4}" font-size="11" '
                         f'fill="#212b32">{escape(_number(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(chart_id: str, title: str, labels: Sequence[str], values: Sequence[int]) -> Markup:
    """Vertical columns over time (introductions per week), with the count above each."""
    top = max(list(values) + [1])
    step = 28
    height, base = 190, 150
    width = 40 + step * max(1, len(labels))
    desc = "; ".join(f"{label}: {value}" for label, value in zip(labels, values, strict=True)) or "No data."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="insights-chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>',
        f'<line x1="20" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#768692"/>',
    ]
    for k, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = 24 + k * step
        h = 120 * value / top
        parts.append(f'<rect x="{x}" y="{base - h:.1f}" width="{step - 8}" height="{h:.1f}" fill="{COLOURS[0]}"/>')
        parts.append(f'<text x="{x + (step - 8) / 2}" y="{base - h - 4:.1f}" font-size="10" text-anchor="middle" '
                     f'fill="#212b32">{value}</text>')
        parts.append(f'<text x="{x + (step - 8) / 2}" y="{base + 14}" font-size="9" text-anchor="end" '
                     f'transform="rotate(-45 {x + (step - 8) / 2} {base + 14})" fill="#212b32">'
                     f'{escape(label[5:])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
