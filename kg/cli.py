"""The ``kg`` command: one Typer command per verb, each only calling the library.

Errors kg raises on purpose are printed as one line on stderr with exit code 1;
no traceback reaches the user.
"""

from __future__ import annotations

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
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
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
)
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")

StoreOpt = Annotated[
    str | None,
    typer.Option("--store", help="Store directory or SPARQL query endpoint URL [env KG_STORE; default ./kg-data]"),
]
UpdateOpt = Annotated[
    str | None,
    typer.Option("--update-endpoint", help="SPARQL update endpoint of a remote store [env KG_UPDATE_ENDPOINT]"),
]


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
) -> None:
    """Read articles, extract the graph and store it; unchanged articles are skipped."""
    from kg import summary
    from kg.ingest import ingest_paths

    settings = Settings.load(store=store, update_endpoint=update_endpoint, workers=workers)
    show = sys.stderr.isatty()
    handled = 0
    restore = _second_ctrl_c_stops_at_once()
    try:
        db = _open(settings)
        with Progress(
            TextColumn("ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=not show,
            transient=True,
        ) as bar:
            task = bar.add_task("ingest", total=None)

            def advance(n: int) -> None:
                nonlocal handled
                handled += n
                bar.advance(task, n)

            try:
                report = ingest_paths(paths, db, settings, progress=advance)
                # Writes keep the entity summary; a re-run after a crash may have nothing left to
                # write, so it repairs what the crash left behind here (two queries when clean).
                summary.sync(db)
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
    out.print(
        f"ingested {len(report.ingested)} article(s), {len(report.unchanged)} unchanged, "
        f"{len(report.rejected)} rejected; {report.entities} entities, {report.mentions} mentions, "
        f"{report.events} events, {report.relations} relations, {report.quads} quads "
        f"-> {settings.store}",
        highlight=False,
        soft_wrap=True,
    )
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
    err.print(f"serving {settings.store} at http://{host}:{port}/graphql", highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command()
@_friendly
def export(
    store: StoreOpt = None,
    update_endpoint: UpdateOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="turtle | trig | nquads | ntriples | jsonld")] = "turtle",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default stdout)")] = None,
) -> None:
    """Write the whole graph: TriG/N-Quads keep one graph per article; Turtle is the union."""
    from kg.store import ExportFormat, write_export

    export_format = ExportFormat.parse(fmt)
    settings = Settings.load(store=store, update_endpoint=update_endpoint)
    db = _open(settings, read_only=True)
    if output is None:
        write_export(db, export_format, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        with output.open("wb") as fh:
            write_export(db, export_format, fh)
        err.print(f"wrote {export_format.value} to {output}", highlight=False)
    db.close()


@app.command()
@_friendly
def stats(store: StoreOpt = None, update_endpoint: UpdateOpt = None) -> None:
    """Count articles, entities by type, events, relations, mentions and quads."""
    from kg.queries import graph_stats

    settings = Settings.load(store=store, update_endpoint=update_endpoint)
    db = _open(settings, read_only=True)
    numbers = graph_stats(db)
    db.close()
    table = Table(title=f"kg {__version__}: {settings.store}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, value in numbers.as_dict().items():
        table.add_row(name, f"{value:,}")
    out.print(table)


@app.command()
@_friendly
def validate(store: StoreOpt = None, update_endpoint: UpdateOpt = None) -> None:
    """Check the stored graph against ontology/shapes.ttl (SHACL, RDFS inference); exit 1 on violations."""
    from kg.validate import validate as run_validation

    settings = Settings.load(store=store, update_endpoint=update_endpoint)
    db = _open(settings, read_only=True)
    report = run_validation(db.quads())
    db.close()
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
    out.print(f"imported {done.quads} quads in {len(done.graphs)} graph(s) from {file} -> {settings.store}")


@app.command()
@_friendly
def summarise(
    store: StoreOpt = None,
    update_endpoint: UpdateOpt = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Drop the summary and build it from scratch")] = False,
) -> None:
    """Bring the entity summary up to date (writes keep it so; use after a crash or an upgrade)."""
    from kg import summary

    settings = Settings.load(store=store, update_endpoint=update_endpoint)
    db = _open(settings)
    try:
        taken = summary.rebuild(db) if rebuild else summary.sync(db)
    finally:
        db.close()
    out.print(f"entity summary of {settings.store}: took in {taken} article(s)", highlight=False)


@app.command()
def version() -> None:
    """Print kg's version."""
    out.print(__version__)


@app.command()
@_friendly
def merges(store: StoreOpt = None, update_endpoint: UpdateOpt = None) -> None:
    """List the cross-article merges in force: method, confidence, evidence and what else supports them (undo with `kg unmerge ID`)."""
    from kg.resolve import MergeLog, merge_log_path

    settings = Settings.load(store=store, update_endpoint=update_endpoint)
    path = merge_log_path(settings.store)
    active = MergeLog(path).active()
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
    from kg.resolve import MergeLog, merge_log_path, undo_merge

    settings = Settings.load(store=store, update_endpoint=update_endpoint)
    db = _open(settings)
    try:
        merge = undo_merge(db, MergeLog(merge_log_path(settings.store)), merge_id, settings.base_iri)
    finally:
        db.close()
    err.print(f"unmerged {merge.from_label!r} ({merge.from_key}) from {merge.into_key} in article {merge.article}")
