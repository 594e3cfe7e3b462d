"""The explicit formatter registry: name -> render(report, unknown_mode, color) -> str."""
from __future__ import annotations

from analyzer.report import json_report, markdown, sarif, text

FORMATTERS = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "markdown": markdown.render,
}
