"""The ``kg`` command: one Typer command per verb, each only calling the library.

Errors kg raises on purpose are printed as one line on stderr with exit code 1;
no traceback reaches the user.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from kg import __version__
from kg.errors import KGError
from kg.settings import Settings

if TYPE_CHECKING:
    from kg.store import Store

__all__ = ["app"]

app = typer.Typer(
    name="kg",
    help="News articles in, a queryable knowledge graph out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Plain help: Rich markup would swallow "[env KG_STORE; default ./kg-data]" as a tag.
    rich_markup_mode=None,
)
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")

StoreOpt = Annotated[
    str | None,
    typer.Option("--store", help="Store directory or SPARQL query endpoint URL [env KG_STORE; default ./kg-data]"),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout instead of text (for scripts)")]
UpdateOpt = Annotated[
    str | None,
    typer.Option("--update-endpoint", help="SPARQL update endpoint of a remote store [env KG_UPDATE_ENDPOINT]"),
]


def _print_json(value: object) -> None:
    """Write ``value`` as one line of JSON on stdout (no Rich markup or wrapping)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _show_version(value: bool) -> None:
    if value:
        out.print(f"kg {__version__}", highlight=False)
        raise typer.Exit


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print kg's version and exit."),
    ] = False,
) -> None:
    """News articles in, a queryable knowledge graph out."""


def _friendly(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn kg's own errors into one readable line and exit code 1."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except KGError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(1) from None

    return wrapper


def _second_ctrl_c_stops_at_once() -> Callable[[], None]:
    """Make the first Ctrl-C stop gracefully (KeyboardInterrupt) and a second one exit at once.

    A graceful stop waits for the batch being written and for the workers' chunks;
    pressed again, Ctrl-C ends the process there and then, as a crash would (every
    stored article stays whole, and a re-run finishes the job). Before this, a second
    KeyboardInterrupt landing in that clean-up could leave it waiting for workers forever.
    Returns what puts the previous handler back, for a command that was not interrupted.
    """
    if threading.current_thread() is not threading.main_thread():  # only there can it be set
        return lambda: None

    def first(signum: int, frame: object) -> None:
        signal.signal(signal.SIGINT, lambda *_: os._exit(130))
        sys.stderr.write("stopping after the batch being written; Ctrl-C again stops at once\n")
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, first)

    def restore() -> None:
        signal.signal(signal.SIGINT, previous)

    return restore


def _open(settings: Settings, *, read_only: bool = False) -> Store:
    from kg.store import open_store

    return open_store(
        settings.store,
        update_endpoint=settings.update_endpoint,
        read_only=read_only,
        snapshot_every=settings.snapshot_seconds,
        user=settings.store_user,
        password=settings.store_password,
    )


@app.command()
@_friendly
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files (.txt .md .jsonl .html) or folders", show_default=False)],
    store: StoreOpt = None,
    update_endpoint: UpdateOpt = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=0, help="Extraction processes; 0 = all cores [env KG_WORKERS]"),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Read articles, extract the graph and store it; unchanged articles are skipped."""
    from kg.ingest import ingest_paths
    from kg.ingest.sources import count_inputs
    from kg.progress import Progress
    from kg.store import writer

    settings = Settings.load(store=store, update_endpoint=update_endpoint, workers=workers)
    handled = 0
    restore = _second_ctrl_c_stops_at_once()
    try:
        db = _open(settings)
        # Counted up front (lines and files, nothing parsed) for done/total, rate and ETA;
        # without a terminal, a line every few seconds for logs.
        with Progress("ingest", count_inputs(paths), sys.stderr, unit="inputs") as bar:

            def advance(n: int) -> None:
                nonlocal handled
                handled += n
                bar.advance(n)

            try:
                report = ingest_paths(paths, db, settings, progress=advance)
                # Writes keep the entity summary; a re-run after a crash may have nothing left to
                # write, so it repairs what the crash left behind here (two queries when clean).
                writer.sync(db)
            finally:
                db.close()
    except KeyboardInterrupt:
        # Ctrl-C: the batch being written was finished and counted first.
        err.print(
            f"[yellow]interrupted[/] after {handled} input(s); every article stored is complete, "
            "and running the same command again finishes the job",
            highlight=False,
        )
        raise typer.Exit(130) from None  # the handler stays: Ctrl-C again while exiting ends it at once
    except BaseException:
        restore()
        raise
    restore()
    for problem in report.rejected:
        err.print(f"[red]rejected[/] {problem.source}: {problem.reason}", highlight=False, soft_wrap=True)
    for problem in report.skipped:
        err.print(f"[yellow]skipped[/] {problem.source}: {problem.reason}", highlight=False, soft_wrap=True)
    if as_json:
        _print_json(
            {
                "ingested": list(report.ingested),
                "unchanged": list(report.unchanged),
                "rejected": [{"source": p.source, "reason": p.reason} for p in report.rejected],
                "skipped": [{"source": p.source, "reason": p.reason} for p in report.skipped],
                "entities": report.entities,
                "mentions": report.mentions,
                "events": report.events,
                "relations": report.relations,
                "quads": report.quads,
            }
        )
        if report.rejected:
            raise typer.Exit(1)
        return
    out.print(report.describe(settings.store_label), highlight=False, soft_wrap=True)
    if report.rejected:
        raise typer.Exit(1)


@app.command()
@_friendly
def serve(
    store: StoreOpt = None,
    update_endpoint: UpdateOpt = None,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve GraphQL (with GraphiQL) at /graphql."""
    import uvicorn

    from api import create_app

    settings = Settings.load(store=store, update_endpoint=update_endpoint)
    application = create_app(settings)
    err.print(f"serving {settings.store_label} at http://{host}:{port}/graphql", highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command()
@_friendly
def export(
    store: StoreOpt = None,
    update_endpoint: UpdateOpt = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="turtle | trig | nquads | ntriples | jsonld | rdfxml; with --tables: parquet | csv"
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default stdout)")] = None,
    with_ontology: Annotated[
        bool,
        typer.Option(
            "--with-ontology",
            help="Also write the ontology and event-type taxonomy (their own graph in trig/nquads/jsonld)",
        ),
    ] = False,
    tables: Annotated[
        Path | None,
        typer.Option("--tables", help="Write entities, mentions, relationships, events, ... as tables in this folder"),
    ] = None,
) -> None:
    """Write the whole graph: TriG/N-Quads keep one graph per article; Turtle is the union; --tables for pandas."""
    from kg.errors import ConfigError
    from kg.store import ExportFormat, write_export

    settings = Settings.load(store=store, update_endpoint=update_endpoint)
    if tables is not None:
        from kg.tables import TableFormat, write_tables

        if output is not None:
            raise ConfigError("--tables writes a folder of files; leave out -o/--output")
        if with_ontology:
            raise ConfigError("--tables writes the data as tables; --with-ontology is for RDF exports")
        table_format = TableFormat.parse(fmt or "parquet")
        db = _open(settings, read_only=True)
        try:
            written = write_tables(db, settings.base_iri, tables, table_format)
        finally:
            db.close()
        err.print(f"wrote {len(written)} {table_format.value} tables to {tables}", highlight=False)
        return
    export_format = ExportFormat.parse(fmt or "turtle")
    db = _open(settings, read_only=True)
    if output is None:
        write_export(db, export_format, sys.stdout.buffer, with_ontology=with_ontology)
        sys.stdout.buffer.flush()
    else:
        with output.open("wb") as fh:
            write_export(db, export_format, fh, with_ontology=with_ontology)
        err.print(f"wrote {export_format.value} to {output}", highlight=False)
    db.close()


@app.command()
@_friendly
def stats(store: StoreOpt = None, update_endpoint: UpdateOpt = None, as_json: JsonOpt = False) -> None:
    """Count articles, entities by type, events, relations, mentions and quads."""
    from kg.queries import graph_stats

    settings = Settings.load(store=store, update_endpoint=update_endpoint)
    db = _open(settings, read_only=True)
    numbers = graph_stats(db)
    db.close()
    if as_json:
        _print_json(numbers.as_dict())
        return
    table = Table(title=f"kg {__version__}: {settings.store_label}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, value in numbers.as_dict().items():
        table.add_row(name, f"{value:,}")
    out.print(table)


@app.command()
@_friendly
def validate(
    store: StoreOpt = None,
    update_endpoint: UpdateOpt = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=0, help="Validating processes; 0 = all cores [env KG_WORKERS]"),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check the stored graph against ontology/shapes.ttl (SHACL, RDFS inference); exit 1 on violations.

    Each article graph is checked on its own (memory: the largest article), in
    ``--workers`` processes for an embedded store, then the checks across articles
    (one class per entity).
    """
    import dataclasses

    from kg.store import EmbeddedStore
    from kg.validate import validate_snapshot, validate_store

    settings = Settings.load(store=store, update_endpoint=update_endpoint, workers=workers)
    db = _open(settings, read_only=True)
    try:
        if isinstance(db, EmbeddedStore):
            # the snapshot stays held (so kept) by this open store while workers read it
            where = db.snapshot_path or Path(db.location)
            report = validate_snapshot(where, db.graphs(), workers=settings.worker_count)
        else:
            # A SPARQL endpoint need not return a graph's quads together: graph order first.
            report = validate_store(sorted(db.quads(), key=lambda q: str(q.graph_name)))
    finally:
        db.close()
    if as_json:
        _print_json(
            {
                "conforms": report.conforms,
                "triples": report.triples,
                "violations": [dataclasses.asdict(v) for v in report.violations],
            }
        )
    else:
        out.print(report.text, highlight=False, markup=False, emoji=False)
    if not report.conforms:
        raise typer.Exit(1)


@app.command("import")
@_friendly
def import_(
    file: Annotated[Path, typer.Argument(help="Turtle, TriG, N-Quads, N-Triples or JSON-LD file", show_default=False)],
    store: StoreOpt = None,
    update_endpoint: UpdateOpt = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="turtle | trig | nquads | ntriples | jsonld")
    ] = None,
    graph: Annotated[str | None, typer.Option("--graph", help="Put every triple in this named graph")] = None,
) -> None:
    """Import RDF made elsewhere; it is validated against the shapes first and refused if it fails."""
    from kg.errors import ValidationError
    from kg.exchange import import_file
    from kg.store import ExportFormat

    settings = Settings.load(store=store, update_endpoint=update_endpoint)
    db = _open(settings)
    try:
        done = import_file(db, file, fmt=ExportFormat.parse(fmt) if fmt else None, graph=graph)
    except ValidationError as exc:
        err.print(exc.report, highlight=False, markup=False, emoji=False)
        raise
    finally:
        db.close()
    out.print(f"imported {done.quads} quads in {len(done.graphs)} graph(s) from {file} -> {settings.store_label}")


@app.command()
@_friendly
def summarise(
    store: StoreOpt = None,
    update_endpoint: UpdateOpt = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Drop the summary and build it from scratch")] = False,
) -> None:
    """Bring the entity summary up to date (writes keep it so; use after a crash or an upgrade)."""
    from kg.store import writer

    settings = Settings.load(store=store, update_endpoint=update_endpoint)
    db = _open(settings)
    try:
        taken = writer.rebuild(db) if rebuild else writer.sync(db)
    finally:
        db.close()
    out.print(f"entity summary of {settings.store_label}: took in {taken} article(s)", highlight=False)


@app.command()
def version() -> None:
    """Print kg's version."""
    out.print(__version__)


@app.command()
@_friendly
def merges(store: StoreOpt = None, update_endpoint: UpdateOpt = None, as_json: JsonOpt = False) -> None:
    """List the cross-article merges in force: method, confidence, evidence and what else supports them (undo with `kg unmerge ID`)."""
    from kg.identity import MergeLog, merge_log_path

    settings = Settings.load(store=store, update_endpoint=update_endpoint)
    path = merge_log_path(settings.store)
    active = MergeLog(path).active()
    if as_json:
        _print_json(
            {
                "merges": [
                    {
                        "id": m.id,
                        "type": m.type.value,
                        "from_label": m.from_label,
                        "from_key": m.from_key,
                        "into_key": m.into_key,
                        "into_label": m.into_label,
                        "method": m.method,
                        "score": m.score,
                        "article": m.article,
                        "evidence": {"start": m.evidence[0], "end": m.evidence[1], "text": m.evidence[2]},
                        "reasons": list(m.reasons),
                    }
                    for m in active
                ]
            }
        )
        return
    err.print(f"{len(active)} merge(s) in {path}", highlight=False)
    for m in active:
        because = f"  because {'; '.join(m.reasons)}" if m.reasons else ""
        out.print(
            f"{m.id}  {m.type.value}  {m.from_label!r} -> {m.into_key}  {m.method} {m.score:.2f}  "
            f"article {m.article}  evidence {m.evidence[2]!r} @{m.evidence[0]}-{m.evidence[1]}{because}",
            highlight=False,
            markup=False,
        )


@app.command()
@_friendly
def unmerge(
    merge_id: Annotated[str, typer.Argument(help="A merge id from `kg merges`", show_default=False)],
    store: StoreOpt = None,
    update_endpoint: UpdateOpt = None,
) -> None:
    """Undo a cross-article merge: the article gets its own entity back, and it is not merged again."""
    from kg.identity import MergeLog, merge_log_path, undo_merge

    settings = Settings.load(store=store, update_endpoint=update_endpoint)
    db = _open(settings)
    try:
        merge = undo_merge(db, MergeLog(merge_log_path(settings.store)), merge_id, settings.base_iri)
    finally:
        db.close()
    err.print(f"unmerged {merge.from_label!r} ({merge.from_key}) from {merge.into_key} in article {merge.article}")
