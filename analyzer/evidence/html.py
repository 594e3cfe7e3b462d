"""The period report as one static HTML file: inline CSS and SVG charts, no script, no
network, a print stylesheet. Every chart element carries its numbers as data attributes."""
from __future__ import annotations

import datetime as _dt
import html
import json

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf")
STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1000px; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } .ok { color: #1a7f37; } .broken { color: #cf222e; font-weight: bold; }
.kpis { display: flex; gap: 1em; flex-wrap: wrap; } .kpi { border: 1px solid #ddd; padding: .6em 1em; }
.kpi b { display: block; font-size: 1.5em; } svg text { font-size: 11px; } .legend span { margin-right: 1em; }
@media print { body { margin: 0; max-width: none; font-size: 11px; } h2 { break-after: avoid; }
  table, svg { break-inside: avoid; } .kpi { border-color: #999; } }
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _weeks(start: str, end: str) -> list:
    """Every ISO week (2026-W02) that has a day in the period, in order."""
    day, last, weeks = _dt.date.fromisoformat(start), _dt.date.fromisoformat(end), []
    while day <= last:
        year, week, _ = day.isocalendar()
        label = f"{year}-W{week:02d}"
        if label not in weeks:
            weeks.append(label)
        day += _dt.timedelta(days=1)
    return weeks


def _weekly_chart(weekly: dict, start: str, end: str) -> str:
    if not weekly:
        return "<p>No findings were opened in the period.</p>"
    weeks = _weeks(start, end)
    criteria = sorted({c for counts in weekly.values() for c in counts})
    colour = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(criteria)}
    peak = max(sum(counts.values()) for counts in weekly.values()) or 1
    width, height, left, bottom = 900, 240, 40, 30
    step = (width - left) / max(len(weeks), 1)
    bar = max(2.0, min(36.0, step - 3))
    parts = [f'<svg id="findings-per-week" role="img" aria-label="Findings opened per week by TSC criterion" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#999"/>',
             f'<text x="0" y="14">{peak}</text><text x="0" y="{height - bottom}">0</text>']
    scale = (height - bottom - 10) / peak
    label_every = max(1, round(len(weeks) / 9))
    for index, week in enumerate(weeks):
        x, y = left + index * step, height - bottom
        for criterion in criteria:
            count = weekly.get(week, {}).get(criterion, 0)
            if not count:
                continue
            h = count * scale
            y -= h
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{colour[criterion]}" data-week="{_e(week)}" data-criterion="{_e(criterion)}" '
                         f'data-count="{count}"><title>{_e(week)} {_e(criterion)}: {count}</title></rect>')
        if index % label_every == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}">{_e(week)}</text>')
    parts.append("</svg>")
    legend = "".join(f'<span><svg width="10" height="10"><rect width="10" height="10" fill="{colour[c]}"/></svg> '
                     f"{_e(c)}</span>" for c in criteria)
    return "".join(parts) + f'<div class="legend">{legend}</div>'


def _exceptions_chart(exceptions: list, start: str, end: str) -> str:
    if not exceptions:
        return "<p>No exceptions were active in the period.</p>"
    first, last = _dt.date.fromisoformat(start), _dt.date.fromisoformat(end)
    span = max((last - first).days, 1)
    width, row, left = 900, 22, 260
    height = row * len(exceptions) + 30
    parts = [f'<svg id="exceptions-timeline" role="img" aria-label="Exceptions timeline" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">']
    for index, item in enumerate(exceptions):
        seen = max(_dt.date.fromisoformat(item["first_seen"][:10]), first)
        expires = _dt.date.fromisoformat(item["expires"]) if item.get("expires") else last
        stop = min(max(expires, seen), last)
        x = left + (seen - first).days / span * (width - left - 10)
        w = max(3.0, (stop - seen).days / span * (width - left - 10))
        y = 10 + index * row
        parts.append(f'<text x="0" y="{y + 12}">{_e(item["rule_id"])} {_e(item["address"])[:34]}</text>'
                     f'<rect class="exception" x="{x:.1f}" y="{y}" width="{w:.1f}" height="14" fill="#9467bd" '
                     f'data-rule="{_e(item["rule_id"])}" data-expires="{_e(item.get("expires") or "")}">'
                     f'<title>{_e(item["justification"])} (expires {_e(item.get("expires") or "never")})</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(data: dict) -> str:
    chain = data["chain"]
    findings = data["findings"]
    period = data["period"]
    rows = "".join(f"<tr><td>{_e(c)}</td><td>{len(i['rules'])}</td><td>{i['pass']}</td><td>{i['fail']}</td>"
                   f"<td>{i['unknown']}</td><td>{i['not-applicable']}</td></tr>" for c, i in data["criteria"].items())
    repositories = "".join(f"<tr><td>{_e(name)}</td><td>{info['records']}</td><td>{info['longest_gap_days']}</td></tr>"
                           for name, info in data["repositories"].items())
    exceptions = "".join(f"<tr><td>{_e(x['rule_id'])}</td><td><code>{_e(x['address'])}</code></td>"
                         f"<td>{_e(x['justification'])}</td><td>{_e(x['approver'])}</td>"
                         f"<td>{_e(x['expires'] or 'never')}</td></tr>" for x in data["exceptions"])
    chain_text = ('<span class="ok">intact</span>' if chain["ok"]
                  else f'<span class="broken">BROKEN: {_e(chain["message"])}</span>')
    kpis = [("changes checked", data["changes_checked"]), ("findings opened", findings["opened"]),
            ("findings closed", findings["closed"]), ("still open", findings["still_open"]),
            ("mean days to remediate", findings["mean_days_to_remediate"] if findings["mean_days_to_remediate"]
             is not None else "n/a"), ("days without a scan", len(data["days_without_scan"]))]
    embedded = json.dumps(data, sort_keys=True).replace("</", "<\\/")  # cannot close the script element
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SOC 2 evidence {_e(period['from'])} to {_e(period['to'])}</title>
<style>{STYLE}</style></head>
<body>
<h1>SOC 2 evidence: {_e(period['from'])} to {_e(period['to'])}</h1>
<p>Ledger chain {chain_text}: {chain['entries']} entries, head <code>{_e(chain['head'])}</code>.</p>
<div class="kpis">{''.join(f'<div class="kpi" data-kpi="{_e(k)}"><b>{_e(v)}</b>{_e(k)}</div>' for k, v in kpis)}</div>
<h2>Findings opened per week by TSC criterion</h2>
{_weekly_chart(data['findings_per_week_by_criterion'], period['from'], period['to'])}
<h2>Exceptions timeline</h2>
{_exceptions_chart(data['exceptions'], period['from'], period['to'])}
<h2>Trust Services Criteria</h2>
<table id="criteria"><tr><th>criterion</th><th>rules</th><th>pass</th><th>fail</th><th>unknown</th>
<th>not applicable</th></tr>{rows}</table>
<h2>Continuous operation</h2>
<table id="repositories"><tr><th>repository</th><th>scans</th><th>longest gap (days)</th></tr>{repositories}</table>
<p>Days without any scan: {len(data['days_without_scan'])} of {period['days']}.
Repositories without a scan in the period: {_e(', '.join(data['repositories_without_scan']) or 'none')}.</p>
<h2>Exceptions active in the period</h2>
<table id="exceptions"><tr><th>rule</th><th>resource</th><th>justification</th><th>approver</th><th>expires</th></tr>
{exceptions}</table>
<script type="application/json" id="report-data">{embedded}</script>
</body></html>
"""
