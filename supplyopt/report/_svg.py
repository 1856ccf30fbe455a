"""A very small SVG writer: escaped text, numbers rounded, nothing external."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _attrs(attrs: dict[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        shown = _num(value) if isinstance(value, float) else str(value)
        parts.append(f'{name}="{escape(shown, quote=True)}"')
    return " ".join(parts)


class SvgDocument:
    """Collects SVG elements and renders a standalone ``<svg>`` document."""

    def __init__(
        self, width: float, height: float, *, title: str, font_family: str | None = None
    ) -> None:
        self.width = width
        self.height = height
        self.title = title
        self.font_family = font_family or (
            "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"
        )
        self._parts: list[str] = []

    def add(
        self, tag: str, *, text: str | None = None, title: str | None = None, **attrs: object
    ) -> None:
        """Append one element; ``text`` is its escaped content, ``title`` a tooltip."""
        inner = ""
        if title is not None:
            inner += f"<title>{escape(title)}</title>"
        if text is not None:
            inner += escape(text)
        head = f"<{tag} {_attrs(attrs)}".rstrip()
        self._parts.append(f"{head}>{inner}</{tag}>" if inner else f"{head}/>")

    def render(self) -> str:
        """Render the SVG document as text (UTF-8 XML declaration included)."""
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(self.width)}" '
            f'height="{_num(self.height)}" viewBox="0 0 {_num(self.width)} {_num(self.height)}" '
            f'font-family="{escape(self.font_family, quote=True)}" font-size="12" role="img">\n'
            f"<title>{escape(self.title)}</title>\n"
            f'<rect x="0" y="0" width="{_num(self.width)}" height="{_num(self.height)}" '
            'fill="#ffffff"/>\n'
        )
        return head + "\n".join(self._parts) + "\n</svg>\n"


def points(coords: Iterable[tuple[float, float]]) -> str:
    """Format coordinates as an SVG ``points`` attribute value."""
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
