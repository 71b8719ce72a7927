"""Render Vega-Lite specifications to SVG and PNG on the server, offline, through vl-convert, and
keep what was rendered on disk: a world map takes about a second to draw and is asked for again
and again, so the second request is served from the cache.

The cache key is a hash of the specification (which embeds the data, the language's config and
the geometry), the output format and scale, and the versions of everything that draws it; the
same picture is never drawn twice and a changed one never served stale. The folder is
``settings.WAYPOINT_CHART_CACHE_DIR`` (``VAR_DIR/charts`` by default) and may be emptied at any
time.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import altair
import vl_convert
from django.conf import settings

from waypoint.analytics.charts.common import HATCH_ID

# Bump when the post-processing below changes, so that cached pictures are drawn again.
RENDERER_REVISION = "1"

# Diagonal grey hatching for suppressed values, legible in print, in grey and by every reader.
HATCH_DEFS = (
    f'<defs><pattern id="{HATCH_ID}" patternUnits="userSpaceOnUse" width="6" height="6" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f7f7f7"/>'
    '<line x1="1" y1="0" x2="1" y2="6" stroke="#6a6a6a" stroke-width="1.5"/></pattern></defs>'
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _vegalite_version() -> str | None:
    """Draw with the Vega-Lite that altair writes for, when vl-convert has it."""
    wanted = altair.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    return wanted if wanted in vl_convert.get_vegalite_versions() else None


VEGALITE_VERSION = _vegalite_version()
VERSIONS = f"{RENDERER_REVISION}/{version('vl-convert-python')}/{VEGALITE_VERSION}"


def _svg(spec: dict[str, Any]) -> str:
    # allowed_base_urls=[]: nothing may be fetched; a chart must carry all its data, and an
    # unreachable URL would otherwise draw an empty chart without a word.
    svg: str = vl_convert.vegalite_to_svg(spec, vl_version=VEGALITE_VERSION, allowed_base_urls=[])
    return _completed(svg, str(spec.get("description", "")))


def _completed(svg: str, description: str) -> str:
    """Add what Vega leaves out: the hatching pattern, and a ``<title>`` (the picture's
    accessible name, read out by screen readers and shown by image viewers)."""
    start = svg.find(">", svg.find("<svg")) + 1
    title = f"<title>{html.escape(description)}</title>" if description else ""
    return svg[:start] + title + HATCH_DEFS + svg[start:]


def _png(svg: str, scale: float) -> bytes:
    png: bytes = vl_convert.svg_to_png(svg, scale=scale)
    return png


class ChartCache:
    """Rendered charts in a folder, one file per picture. ``renders`` counts the drawings this
    cache had to make and ``hits`` the answers it found on disk."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.renders = 0
        self.hits = 0

    @classmethod
    def default(cls) -> ChartCache:
        directory = getattr(settings, "WAYPOINT_CHART_CACHE_DIR", None)
        return cls(directory or Path(settings.VAR_DIR) / "charts")

    def svg(self, spec: dict[str, Any]) -> str:
        key = _key(spec, "svg")
        cached = self._read(key, "svg")
        if cached is not None:
            return cached.decode("utf-8")
        svg = _svg(spec)
        self.renders += 1
        self._write(key, "svg", svg.encode("utf-8"))
        return svg

    def png(self, spec: dict[str, Any], scale: float = 2.0) -> bytes:
        key = _key(spec, f"png@{scale:g}")
        cached = self._read(key, "png")
        if cached is not None:
            return cached
        # The PNG is drawn from the (cached) SVG, so that both formats show the same picture
        # and the second costs only the rasterising.
        png = _png(self.svg(spec), scale)
        self.renders += 1
        self._write(key, "png", png)
        return png

    def _path(self, key: str, suffix: str) -> Path:
        return self.directory / key[:2] / f"{key}.{suffix}"

    def _read(self, key: str, suffix: str) -> bytes | None:
        try:
            data = self._path(key, suffix).read_bytes()
        except OSError:
            return None
        self.hits += 1
        return data

    def _write(self, key: str, suffix: str, data: bytes) -> None:
        path = self._path(key, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside, then rename: a reader never sees half a file, and two processes drawing
        # the same chart at once both leave a whole one.
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _key(spec: dict[str, Any], output: str) -> str:
    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(f"{VERSIONS}\n{output}\n".encode())
    digest.update(canonical.encode("utf-8"))
    return digest.hexdigest()


def to_svg(spec: dict[str, Any], cache: ChartCache | None = None) -> str:
    """Return the chart as SVG text, from the cache when it was drawn before."""
    return (cache or ChartCache.default()).svg(spec)


def to_png(spec: dict[str, Any], scale: float = 2.0, cache: ChartCache | None = None) -> bytes:
    """Return the chart as PNG bytes (``scale`` 2 by default, sharp on high-density screens and
    in print), from the cache when it was drawn before."""
    return (cache or ChartCache.default()).png(spec, scale)
