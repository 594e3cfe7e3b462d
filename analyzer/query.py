"""The scan as SQL: the planned configuration in an in-memory SQLite database, read-only.

Tables (docs/query.md):
  resources(address, type, provider, module, mode, file, line, action, scope, "values", unknown)
  edges(source, target, attribute)
  results(rule, address, status, severity, tsc, control, file, line, message, fingerprint)
  rules(id, title, provider, control, severity, tsc)
and one view per resource type (``aws_iam_user``; data sources as ``data_aws_caller_identity``)
with the type's top-level attributes as columns (JSON text for blocks, lists and maps).

Values known only after apply are NULL, and their attribute paths are listed in the JSON array
``unknown``: a policy must not read NULL as "not set" where ``unknown`` names the attribute.
Queries run with an authorizer that allows reading only (no writes, ATTACH, PRAGMA or schema
changes) and a time budget.
"""
from __future__ import annotations

import json
import sqlite3
import time

from analyzer.evaluate.values import Unknown

DEFAULT_TIMEOUT_SECONDS = 10.0
_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, getattr(sqlite3, "SQLITE_RECURSIVE", 33)}


class QueryError(Exception):
    """A query that is not allowed, does not compile or runs out of time."""


def _plain(value, path: str, unknown: list):
    """Resource values as JSON-ready data: Unknown -> None (its path noted in ``unknown``)."""
    if isinstance(value, Unknown):
        unknown.append(path)
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v, f"{path}.{k}" if path else str(k), unknown) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{path}[{i}]", unknown) for i, v in enumerate(value)]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _provider(type_name: str) -> str:
    return type_name.split("_", 1)[0]


def _view_name(resource) -> str:
    return f"data_{resource.type}" if resource.mode == "data" else resource.type


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def build_database(resources, edges=(), results=(), rules=()) -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.executescript("""
        CREATE TABLE resources (address TEXT, type TEXT, provider TEXT, module TEXT, mode TEXT, file TEXT,
                                line INTEGER, action TEXT, scope TEXT, "values" TEXT, unknown TEXT);
        CREATE TABLE edges (source TEXT, target TEXT, attribute TEXT);
        CREATE TABLE results (rule TEXT, address TEXT, status TEXT, severity TEXT, tsc TEXT, control TEXT,
                              file TEXT, line INTEGER, message TEXT, fingerprint TEXT);
        CREATE TABLE rules (id TEXT, title TEXT, provider TEXT, control TEXT, severity TEXT, tsc TEXT);
    """)
    attributes: dict = {}
    rows = []
    for resource in resources:
        unknown: list = []
        values = _plain(resource.values, "", unknown)
        rows.append((resource.address, resource.type, _provider(resource.type), resource.module_address,
                     resource.mode, resource.location.path, resource.location.start_line, resource.change_action,
                     resource.scope, json.dumps(values, sort_keys=True), json.dumps(unknown)))
        attributes.setdefault(_view_name(resource), set()).update(resource.values)
    connection.executemany("INSERT INTO resources VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    # edges as the graph is built from them: (source, attribute, target)
    connection.executemany("INSERT INTO edges (source, attribute, target) VALUES (?,?,?)", list(edges))
    rule_by_id = {rule.id: rule for rule in rules}
    connection.executemany("INSERT INTO rules VALUES (?,?,?,?,?,?)",
                           [(r.id, r.title, r.provider, r.control, r.severity, ",".join(r.tsc)) for r in rules])
    from analyzer.report.summary import fingerprint

    connection.executemany("INSERT INTO results VALUES (?,?,?,?,?,?,?,?,?,?)", [
        (r.rule_id, r.address, r.status, getattr(rule_by_id.get(r.rule_id), "severity", None),
         ",".join(getattr(rule_by_id.get(r.rule_id), "tsc", ())), getattr(rule_by_id.get(r.rule_id), "control", None),
         r.region.path, r.region.start_line, r.message, fingerprint(r)) for r in results])
    for view, names in sorted(attributes.items()):
        columns = ", ".join(f"json_extract(\"values\", {_json_path(name)}) AS {_quote(name)}"
                            for name in sorted(names) if name not in ("address",))
        kind = "data" if view.startswith("data_") else "managed"
        type_name = view[len("data_"):] if kind == "data" else view
        connection.execute(f"CREATE VIEW {_quote(view)} AS SELECT address, module, file, line, action, unknown"
                           f"{', ' + columns if columns else ''} FROM resources WHERE type = "
                           f"'{type_name}' AND mode = '{kind}'")
    connection.commit()
    return connection


def _json_path(name: str) -> str:
    return "'$.\"" + name.replace("'", "''").replace('"', '\\"') + "\"'"


def _authorizer(action, table, *_):
    # SQLite reports parsing its own schema (needed for json_each and friends) as an UPDATE of
    # sqlite_master; users cannot write it (writable_schema is a PRAGMA, and PRAGMA is denied).
    if action in _ALLOWED or (action == sqlite3.SQLITE_UPDATE and table == "sqlite_master"):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def run_query(connection: sqlite3.Connection, sql: str, timeout: float = DEFAULT_TIMEOUT_SECONDS,
              max_rows: int = 100_000) -> tuple[list, list]:
    """(column names, rows) of a read-only query, within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # load the schema first
    connection.set_authorizer(_authorizer)
    connection.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
    try:
        cursor = connection.execute(sql)
        rows = cursor.fetchmany(max_rows + 1)
    except sqlite3.DatabaseError as error:
        if time.monotonic() > deadline:
            raise QueryError(f"query ran longer than {timeout:g} s") from error
        message = str(error)
        if "not authorized" in message or "prohibited" in message:
            message += ": queries are read-only (SELECT over the scan's tables)"
        raise QueryError(message) from error
    except sqlite3.Warning as error:  # several statements
        raise QueryError(f"{error}: give one SELECT statement") from error
    finally:
        connection.set_authorizer(None)
        connection.set_progress_handler(None, 0)
    if len(rows) > max_rows:
        raise QueryError(f"query returned more than {max_rows} rows")
    columns = [d[0] for d in cursor.description or ()]
    return columns, rows


def database_for_report(report) -> sqlite3.Connection:
    return build_database(report.resources, report.edges, report.results, report.rules)


def render_rows(columns, rows, output_format: str) -> str:
    if output_format == "json":
        return json.dumps([dict(zip(columns, row)) for row in rows], indent=2) + "\n"
    if output_format == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows(rows)
        return buffer.getvalue()
    text_rows = [[("NULL" if v is None else str(v)) for v in row] for row in rows]
    widths = [min(60, max([len(c)] + [len(r[i]) for r in text_rows])) for i, c in enumerate(columns)]
    line = lambda cells: "  ".join(c[:w].ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(columns), line(["-" * w for w in widths])] + [line(r) for r in text_rows]) + \
        f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"
