"""Charts drawn on the server as SVG with matplotlib's SVG backend.

No font files are embedded or fetched (text stays text, ``svg.fonttype: none``),
nothing is requested from another host, and the colours are black and dark grey on
white with solid, thick marks, so they read in print and next to high-contrast
styles. Each chart is shown beside a table of the same figures and a sentence.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "hcr-stats",  # the same figures give the same file
    "font.family": "sans-serif",
    "font.size": 11,
}
INK = "#0b0c0c"
BAR = "#1d70b8"
MARKER = "#505a5f"  # initiatives on the trend: dark grey, dashed, on white (contrast 7:1)


def _svg(fig: Figure) -> bytes:
    import matplotlib

    out = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        FigureCanvasSVG(fig).print_svg(out, metadata={"Date": None, "Creator": None})
    return out.getvalue()


def _mark(fig: Figure, marking: str | None) -> None:
    """The protective marking across the top of a chart of exact counts."""
    if marking:
        fig.suptitle(marking, color=INK, fontweight="bold", fontsize=10, x=0.01, ha="left")


def line(labels: Sequence[str], values: Sequence[int], title: str, marking: str | None = None,
         markers: Sequence[tuple[int, str]] = ()) -> bytes:
    """A monthly trend line; ``markers`` (month index, short label) draw a dashed vertical line
    with its label at each (the Group's initiatives: the table beside the chart names them)."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(8, 3.2), layout="constrained")
        ax = fig.add_subplot()
        ax.plot(range(len(values)), values, color=INK, linewidth=2.5, marker="o", markersize=4)
        step = max(1, len(labels) // 12)
        ax.set_xticks(range(0, len(labels), step), [labels[i] for i in range(0, len(labels), step)],
                      rotation=45, ha="right")
        ax.set_ylim(bottom=0)
        for x, text in markers:
            ax.axvline(x, color=MARKER, linewidth=1.5, linestyle="--")
            ax.annotate(text, (x, 1), xycoords=("data", "axes fraction"), xytext=(3, -2), textcoords="offset points",
                        rotation=90, va="top", ha="left", fontsize=9, color=MARKER)
        ax.set_title(title, color=INK, loc="left")
        ax.grid(axis="y", color="#b1b4b6", linewidth=0.8)
        ax.spines[["top", "right"]].set_visible(False)
        _mark(fig, marking)
        return _svg(fig)


def bars(labels: Sequence[str], values: Sequence[int], title: str, marking: str | None = None) -> bytes:
    """Horizontal bars, one per category, largest counts labelled with their number."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(8, 0.35 * max(3, len(labels)) + 0.8), layout="constrained")
        ax = fig.add_subplot()
        positions = list(range(len(labels)))[::-1]
        ax.barh(positions, values, color=BAR, edgecolor=INK, linewidth=1)
        ax.set_yticks(positions, list(labels))
        for y, v in zip(positions, values):
            ax.annotate(str(v), (v, y), xytext=(4, 0), textcoords="offset points", va="center", color=INK)
        ax.set_title(title, color=INK, loc="left")
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlim(left=0, right=max([*values, 1]) * 1.15)
        _mark(fig, marking)
        return _svg(fig)


# Fills told apart without colour: each series its own fill and hatching, named in the legend.
SERIES_STYLES: tuple[dict[str, Any], ...] = (
    {"color": BAR, "edgecolor": INK},
    {"color": "white", "edgecolor": INK, "hatch": "///"},
    {"color": "#505a5f", "edgecolor": INK},
    {"color": "white", "edgecolor": INK, "hatch": "xx"},
    {"color": "#b1b4b6", "edgecolor": INK, "hatch": ".."},
)


def grouped(labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], title: str,
            marking: str | None = None) -> bytes:
    """Vertical bars side by side for each label (e.g. a quarter), one per series, with a legend."""
    import matplotlib

    from matplotlib.ticker import MaxNLocator

    rc: Any = STYLE | {"hatch.color": INK, "hatch.linewidth": 1.0}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(8, 4.4), layout="constrained")
        ax = fig.add_subplot()
        width = 0.8 / max(1, len(series))
        for s, (name, values) in enumerate(series):
            style = SERIES_STYLES[s % len(SERIES_STYLES)]
            positions = [i - 0.4 + width * (s + 0.5) for i in range(len(labels))]
            ax.bar(positions, values, width, label=name, linewidth=1, **style)
        ax.set_xticks(range(len(labels)), list(labels), rotation=30 if len(labels) > 4 else 0,
                      ha="right" if len(labels) > 4 else "center")
        ax.set_ylim(bottom=0, top=max([v for _n, values in series for v in values] + [1]) * 1.1)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(title, color=INK, loc="left")
        ax.grid(axis="y", color="#b1b4b6", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22 if len(labels) > 4 else -0.1),
                  ncol=min(3, len(series)), frameon=False)
        _mark(fig, marking)
        return _svg(fig)
