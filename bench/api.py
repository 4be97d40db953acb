"""GraphQL API latency and throughput under concurrent load, against raw SPARQL on the same store.

Run: ``.venv/bin/python -m bench.api [--articles 1000] [--concurrency 8] [--requests 400]``

Input (synthetic, labelled so): ``--articles`` articles made by recombining the
sentences of the seed article and of the eval articles
(``../shared/eval/gum-news-dev.jsonl``), with every name the extractor found in
them replaced by one drawn from fixed pools of people, organisations and places
(consistently within an article), and a publication date drawn from 2022-2023.
They are ingested once through the real pipeline into ``bench/out/api-store``
(reused on later runs; ``--rebuild`` starts over).

Then ``kg serve`` runs on that store in a subprocess and, for three typical
queries, ``--concurrency`` client threads send ``--requests`` requests in all over
HTTP. In the same run the same data is fetched by equivalent SPARQL straight
from the store (a read-only handle in this process, the same thread count):

1. an entity with its relationships (subject, object, confidence, evidence);
2. the first page of events in a date range, with place and participants;
3. a shortest path between two entities; its baseline is the analytics call on
   an in-process projection plus one SPARQL query for the nodes' labels (SPARQL
   itself has no shortest path).

A third run per look-up calls the read model (:mod:`kg.queries`) in-process with the
queries the resolvers issue, so GraphQL's own overhead (HTTP, parsing, resolvers,
JSON) shows on its own.

Printed: p50 and p99 latency, throughput, and GraphQL / baseline ratios (for
throughput, baseline / GraphQL: above 1 means GraphQL serves fewer per second).

The issue-23 runs on real articles (``--extract``, ``--scale``, ``--remeasure``,
``--ingest-cost``, ``--write-cost``, ``--hub-ab REF``) are described with their
functions and in docs/BENCHMARKS.md; their hub-page timings print the thread's CPU
time beside the wall time, the garbage collector's pauses and the load average.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gc
import importlib.util
import json
import os
import pickle
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import httpx
import pyoxigraph as ox

from kg import analytics, queries, summary
from kg.extract import extract_many
from kg.ingest import ingest_articles
from kg.ingest.sources import read_paths
from kg.namespace import KG_NS
from kg.rdf import DEFAULT_BASE, article_iri, extraction_nquads, nquads_text
from kg.records import Article, EntityType, Extraction, content_hash
from kg.settings import Settings
from kg.store import SNAPSHOTS, EmbeddedStore
from kg.summary import _sync as summary_sync

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval" / "gum-news-dev.jsonl"
OUT = ROOT / "bench" / "out" / "api-store"

FIRST = [
    "Anna",
    "Oleksandr",
    "Maria",
    "Dmytro",
    "Olena",
    "Viktor",
    "Iryna",
    "Sergei",
    "James",
    "Sarah",
    "David",
    "Laura",
]
FIRST += ["Ahmed", "Fatima", "Pierre", "Claire", "Hans", "Greta", "Carlos", "Lucia", "Kenji", "Mei", "Tomasz", "Ewa"]
LAST = ["Kovalenko", "Shevchenko", "Petrov", "Ivanova", "Miller", "Johnson", "Haddad", "Dubois", "Schmidt", "Garcia"]
LAST += ["Tanaka", "Nowak", "Bondarenko", "Melnyk", "Carter", "Rossi"]
ORGS = ["Ministry of Defence", "Red Cross", "United Nations", "European Commission", "NATO", "Amnesty International"]
ORGS += ["World Health Organization", "State Emergency Service", "Reuters", "Interior Ministry", "National Guard"]
ORGS += ["Supreme Court", "Central Bank", "Green Party", "Labour Party", "World Bank"]
PLACES = ["Kyiv", "Kharkiv", "Odesa", "Lviv", "Dnipro", "Zaporizhzhia", "Kherson", "Mykolaiv", "Poltava", "Sumy"]
PLACES += ["Chernihiv", "Mariupol", "Moscow", "Warsaw", "Berlin", "Paris", "London", "Washington", "Brussels", "Vienna"]
PLACES += ["Geneva", "Ankara", "Istanbul", "Minsk", "Riga", "Vilnius", "Tallinn", "Prague", "Budapest", "Bucharest"]

_SENTENCE = re.compile(r"[^.!?]+[.!?]+[\"”’']?\s*")


# --------------------------------------------------------------------------- corpus


@dataclass(frozen=True, slots=True)
class _Template:
    """A sentence with the spans of the names in it, by type."""

    text: str
    names: tuple[tuple[int, int, EntityType, str], ...]  # start, end, type, original surface


def _templates(limit: int | None = None) -> list[_Template]:
    """Split the seed and eval articles into sentences and find the names in them (one extraction pass)."""
    sources = [a for a in read_paths([ROOT / "seeds"]) if isinstance(a, Article)]
    if EVAL.is_file():
        for i, line in enumerate(EVAL.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                doc = json.loads(line)
                sources.append(Article(id=f"eval-{i}", text=doc["text"], published=doc.get("published")))
    sources = sources[:limit]
    out: list[_Template] = []
    for x in extract_many(sources):
        text = x.article.text
        for m in _SENTENCE.finditer(text):
            s, e = m.start(), m.end()
            if not 40 <= e - s <= 400:
                continue
            names = tuple(
                (mm.start - s, mm.end - s, mm.type, mm.text) for mm in x.mentions if s <= mm.start and mm.end <= e
            )
            out.append(_Template(text[s:e].strip(), names))
    return out


def _pool(rng: random.Random, etype: EntityType) -> str:
    if etype is EntityType.PERSON:
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    if etype is EntityType.ORGANISATION:
        return rng.choice(ORGS)
    return rng.choice(PLACES)


def synthetic_articles(templates: Sequence[_Template], n: int, seed: int = 7) -> Iterator[Article]:
    """Yield ``n`` synthetic articles of 6-12 recombined sentences with names drawn from the pools."""
    rng = random.Random(seed)
    with_names = [t for t in templates if t.names]
    for i in range(n):
        chosen = rng.sample(with_names, k=min(len(with_names), rng.randint(6, 12)))
        mapping: dict[str, str] = {}
        sentences = []
        for t in chosen:
            text = t.text
            for start, end, etype, surface in sorted(t.names, reverse=True):
                name = mapping.setdefault(surface, _pool(rng, etype))
                text = text[:start] + name + text[end:]
            sentences.append(text)
        day = rng.randrange(730)
        published = time.strftime("%Y-%m-%d", time.gmtime(1640995200 + day * 86400))  # from 2022-01-01
        yield Article(
            id=f"synthetic-{i:05d}",
            text=" ".join(sentences),
            title=f"Synthetic article {i}",
            published=published,
            source="synthetic (bench/api.py)",
        )


def build_store(path: Path, n: int, rebuild: bool) -> None:
    """Ingest ``n`` synthetic articles into ``path`` unless a store with them is there."""
    marker = path / "bench-articles.txt"
    if not rebuild and marker.is_file() and int(marker.read_text()) >= n:
        return
    if path.exists():
        shutil.rmtree(path)
    t0 = time.perf_counter()
    templates = _templates()
    print(f"corpus: {len(templates)} sentence templates from the seed and eval articles", flush=True)
    store = EmbeddedStore(path)
    try:
        report = ingest_articles(synthetic_articles(templates, n), store, Settings.load(env={}), workers=2)
    finally:
        store.close()
    marker.write_text(str(n))
    print(
        f"ingested {len(report.ingested)} synthetic articles in {time.perf_counter() - t0:.0f} s: "
        f"{report.entities} entities, {report.events} events, {report.relations} relations, {report.quads} quads",
        flush=True,
    )


# --------------------------------------------------------------------------- load


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass(frozen=True, slots=True)
class Result:
    """Latencies (seconds) and the wall time of one load run."""

    latencies: tuple[float, ...]
    wall: float

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> float:
        return _percentile(self.latencies, 0.99)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall


def load(calls: Sequence[Callable[[], object]], concurrency: int) -> Result:
    """Run ``calls`` on ``concurrency`` threads, each call timed on its own."""
    latencies: list[float] = []
    lock = threading.Lock()
    todo = iter(calls)

    def worker() -> None:
        while True:
            with lock:
                call = next(todo, None)
            if call is None:
                return
            t = time.perf_counter()
            call()
            dt = time.perf_counter() - t
            with lock:
                latencies.append(dt)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return Result(tuple(latencies), time.perf_counter() - t0)


# --------------------------------------------------------------------------- queries

_P = f"""PREFIX kg: <{KG_NS}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
"""
_RELS = ", ".join(f"kg:{p}" for p in ("leaderOf", "affiliatedWith", "memberOf", "locatedIn", "basedIn", "residentOf"))
_ROLES = ", ".join(f"kg:{r}" for r in ("participant", "agent", "target", "speaker", "about", "affected"))

GQL_ENTITY = """query($id: ID!) { entity(id: $id) { ... on Entity { label type
  relationships(first: 50) { totalCount edges { node { predicate confidence subject { label } object { label }
    evidence { text start end } } } } } } }"""


def sparql_entity(iri: str) -> list[str]:
    """The entity's label and type; its relationships with their evidence; the labels of their ends.

    Three queries, as a client of the raw store would write them: joining the ends'
    labels into the second query would repeat each row once per article that
    labels a hub entity (Ukraine: ~1,400 relationships times ~800 labels).
    """
    describe = _P + f"SELECT ?label ?type WHERE {{ GRAPH ?g {{ <{iri}> rdfs:label ?label ; a ?type }} }}"
    relationships = (
        _P
        + f"""SELECT ?s ?p ?o ?g ?c ?es ?ee ?et WHERE {{
  GRAPH ?g {{
    {{ <{iri}> ?p ?o . BIND(<{iri}> AS ?s) }} UNION {{ ?s ?p <{iri}> . BIND(<{iri}> AS ?o) }}
    FILTER(?p IN ({_RELS}))
    OPTIONAL {{ ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:confidence ?c ; kg:evidence ?ev .
               ?ev nif:beginIndex ?es ; nif:endIndex ?ee ; nif:anchorOf ?et }}
  }}
}}"""
    )
    ends = (
        _P
        + f"""SELECT ?x (SAMPLE(?l) AS ?label) WHERE {{
  {{ SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ {{ <{iri}> ?p ?x }} UNION {{ ?x ?p <{iri}> }} FILTER(?p IN ({_RELS})) }} }}
     LIMIT 50 }}
  GRAPH ?h {{ ?x rdfs:label ?l }}
}} GROUP BY ?x"""
    )
    return [describe, relationships, ends]


GQL_EVENTS = """query($from: String!, $to: String!) { events(from: $from, to: $to, first: 20) { totalCount
  edges { node { label type start end place { label } participants { role entity { label } } } } } }"""


def sparql_events(lo: str, hi: str) -> Callable[[Callable[[str], list[dict[str, str]]]], object]:
    """The count and first page of events starting in [lo, hi], then the labels of their places and participants.

    Three queries, the last built from the second's answer; joining the labels in
    would repeat each row once per article that labels a hub entity.
    """
    where = f"""GRAPH ?g {{ ?e a kg:Event ; kg:start ?start }} FILTER(STR(?start) >= "{lo}" && STR(?start) <= "{hi}")"""
    count = _P + f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}"
    page = (
        _P
        + f"""SELECT ?e ?label ?type ?start ?p ?role ?who WHERE {{
  {{ SELECT DISTINCT ?e ?start WHERE {{ {where} }} ORDER BY DESC(?start) ?e LIMIT 20 }}
  GRAPH ?h {{ {{ ?e rdfs:label ?label ; kg:eventType ?type }} UNION {{ ?e kg:place ?p }}
    UNION {{ ?e ?role ?who FILTER(?role IN ({_ROLES})) }} }}
}}"""
    )

    def run(query: Callable[[str], list[dict[str, str]]]) -> object:
        query(count)
        rows = query(page)
        ends = sorted({r[k] for r in rows for k in ("p", "who") if k in r})
        if not ends:
            return rows
        values = " ".join(f"<{x}>" for x in ends)
        return query(
            _P
            + f"SELECT ?x (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?x {{ {values} }} GRAPH ?g {{ ?x rdfs:label ?l }} }} GROUP BY ?x"
        )

    return run


GQL_PATH = """query($a: ID!, $b: ID!) { shortestPath(from: $a, to: $b, maxLength: 8) { length
  nodes { id ... on Entity { label } ... on Event { label } } } }"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(path: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "KG_PAGE_SIZE_MAX": "100", "KG_REQUEST_TIMEOUT": "30"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("kg serve did not start")


# --------------------------------------------------------------------------- real text at three sizes

REAL = [ROOT.parent / "shared" / "eval" / f"conllpp-{name}.jsonl" for name in ("train", "dev")]
REAL_OUT = ROOT / "bench" / "out" / "api-real"


def real_articles(seed: int = 5) -> list[Article]:
    """The CoNLL++ train and dev articles, ids prefixed by file (they collide), with seeded dates.

    CoNLL++ carries no publication date; each article gets one drawn from 2022-2023
    (seeded), so "newest first" has something to sort.
    """
    rng = random.Random(seed)
    out: list[Article] = []
    for path in REAL:
        name = path.stem.split("-", 1)[1]
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                doc = json.loads(line)
                day = time.strftime("%Y-%m-%d", time.gmtime(1640995200 + rng.randrange(730) * 86400))
                out.append(Article(id=f"{name}-{doc['id']}", text=doc["text"], title=doc.get("title"), published=day))
    return out


def replica(x: Extraction, n: int) -> Extraction:
    """Extraction ``x`` as a new article ``<id>-r<n>``: same text and entities, its own events."""
    new_id = f"{x.article.id}-r{n}"
    old, new = f"event/{content_hash(x.article.id)[:16]}/", f"event/{content_hash(new_id)[:16]}/"
    events = tuple(dataclasses.replace(e, key=e.key.replace(old, new)) for e in x.events)
    return dataclasses.replace(x, article=dataclasses.replace(x.article, id=new_id), events=events)


def _page_reads(store: EmbeddedStore, hub: str, search: str) -> dict[str, Callable[[], object]]:
    """The issue's queries, as the GraphQL resolvers issue them through the read model."""
    base, page = DEFAULT_BASE, queries.Page

    def events() -> object:
        _, keys = queries.list_events(store, base, page(0, 20), queries.EventFilter())
        return queries.events_by_keys(store, base, keys)

    def articles() -> object:
        return queries.list_articles(store, base, page(0, 20))

    def find() -> object:
        _, keys = queries.list_entities(store, base, page(0, 10), search=search)
        return queries.entities_by_keys(store, base, keys)

    def entity_page() -> object:
        # As the Entity resolvers ask for it: the entity, relationships(first: 20) with
        # their evidence, events(first: 20) and articles(first: 10).
        queries.entities_by_keys(store, base, [hub])
        queries.relationship_page(store, base, hub, page(0, 20))
        _, evs = queries.events_of_entity(store, base, hub, page(0, 20))
        queries.events_by_keys(store, base, evs)
        _, ids = queries.articles_of_entity(store, base, hub, page(0, 10))
        return queries.articles_by_ids(store, base, ids)

    return {
        "events(first: 20) newest first": events,
        "articles(first: 20)": articles,
        f'entities(search: "{search}", first: 10)': find,
        "stats": lambda: queries.graph_stats(store),
        "hub entity page": entity_page,
    }


def _median_ms(call: Callable[[], object], runs: int = 5) -> float:
    call()  # warm
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


class _GcPauses:
    """The collector's pauses while the block runs: how many full (generation 2) collections, the longest, all."""

    def __init__(self) -> None:
        self.full = 0
        self.longest = 0.0
        self.total = 0.0
        self._t = 0.0

    def _watch(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._t = time.perf_counter()
            return
        took = time.perf_counter() - self._t
        self.total += took
        self.longest = max(self.longest, took)
        self.full += info.get("generation") == 2

    def __enter__(self) -> _GcPauses:
        gc.callbacks.append(self._watch)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._watch)

    def __str__(self) -> str:
        return (
            f"GC: {self.full} full collections, longest pause {self.longest * 1e3:.1f} ms, "
            f"all pauses {self.total * 1e3:.0f} ms"
        )


def _settle() -> None:
    """Collect once and exempt every object alive now from later collections, as ``kg serve`` does after its load.

    The server freezes its analytics projection (``api.context._settle``); this
    process holds the real extractions instead (a million objects), which every
    full collection would otherwise walk during the timed requests (a 2.8 s pause
    at 1,024 articles in one run at load 11).
    """
    gc.collect()
    gc.freeze()


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def _no_index(store: object, *, create: bool = False) -> None:
    """Stands in for :func:`kg.summary.read_index` to time the queries without the index."""
    del store, create


def _measure(
    store: EmbeddedStore, n: int, search: str, hub_requests: int, scan_runs: int = 5
) -> tuple[dict[str, tuple[float, float]], str]:
    """Time the issue's queries on ``store`` (``n`` articles): with the read index and with the scans it replaced."""
    rows = store.query(
        f"SELECT ?e ?m WHERE {{ GRAPH <{summary.SUMMARY_GRAPH}> {{ ?e <{summary.SUMMARY_NS}mentions> ?m ;"
        f" <{summary.SUMMARY_NS}type> ?t }} }} ORDER BY DESC(?m) ?e LIMIT 1"
    )
    hub = rows[0]["e"][len(DEFAULT_BASE) :]
    hub_name = f"{hub} ({rows[0]['m']} mentions)"
    reads = _page_reads(store, hub, search)
    out: dict[str, tuple[float, float]] = {}
    for name, call in reads.items():
        after = _median_ms(call)
        real = summary.read_index
        setattr(summary, "read_index", _no_index)  # noqa: B010 - the scan the index replaced
        try:
            before = _median_ms(call, scan_runs) if scan_runs else float("nan")
        finally:
            setattr(summary, "read_index", real)  # noqa: B010
        out[name] = (before, after)
        print(f"  {n:>6} articles  {name:<40} scan {before:>9.1f} ms   index {after:>7.1f} ms", flush=True)
    lat, cpu = [], []
    with _GcPauses() as pauses:
        for _ in range(hub_requests):
            t, c = time.perf_counter(), time.thread_time()
            reads["hub entity page"]()
            lat.append(time.perf_counter() - t)
            cpu.append(time.thread_time() - c)
    out["hub entity page median, one client"] = (float("nan"), statistics.median(lat) * 1e3)
    out["hub entity page p99"] = (float("nan"), _percentile(lat, 0.99) * 1e3)
    out["hub entity page CPU median"] = (float("nan"), statistics.median(cpu) * 1e3)
    out["hub entity page CPU p99"] = (float("nan"), _percentile(cpu, 0.99) * 1e3)
    print(
        f"  {n:>6} articles  hub page over {hub_requests}: median {statistics.median(lat) * 1e3:.1f} ms, "
        f"p99 {out['hub entity page p99'][1]:.1f} ms; its thread's CPU time median "
        f"{out['hub entity page CPU median'][1]:.1f} ms, p99 {out['hub entity page CPU p99'][1]:.1f} ms "
        f"({pauses}; {_load()})",
        flush=True,
    )
    return out, hub_name


def _table(results: dict[int, dict[str, tuple[float, float]]], hubs: dict[int, str]) -> None:
    """Print the before/after table over the sizes measured, growth from the smallest to the largest."""
    done = sorted(results)
    print("\n| query | " + " | ".join(f"{n:,} scan | {n:,} index" for n in done) + " | growth scan | growth index |")
    print("| --- |" + " ---: |" * (2 * len(done) + 2))
    for name in results[done[0]]:
        cells = []
        for n in done:
            before, after = results[n][name]
            cells.append("" if before != before else f"{before:.1f}")
            cells.append(f"{after:.1f}")
        b0, a0 = results[done[0]][name]
        b1, a1 = results[done[-1]][name]
        growth_b = "" if b0 != b0 or b1 != b1 else f"{b1 / b0:.1f}x"
        print(f"| {name} | " + " | ".join(cells) + f" | {growth_b} | {a1 / a0:.1f}x |")
    for n in done:
        print(f"hub at {n:,}: {hubs[n]}")


class _IndexTimer:
    """Adds up the time :func:`kg.summary.sync_index` takes during writes."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._real: Callable[..., int] = summary_sync.sync_index  # type: ignore[attr-defined]

    def __enter__(self) -> _IndexTimer:
        def timed(*args: object) -> int:
            t = time.perf_counter()
            try:
                return self._real(*args)
            finally:
                self.seconds += time.perf_counter() - t

        setattr(summary_sync, "sync_index", timed)  # noqa: B010 - the module's own name is timed
        return self

    def __exit__(self, *exc: object) -> None:
        setattr(summary_sync, "sync_index", self._real)  # noqa: B010


def real_main(sizes: Sequence[int], search: str, hub_requests: int) -> None:
    """Ingest the real articles, grow the store by replicas, time the issue's queries at each size."""
    if REAL_OUT.exists():
        shutil.rmtree(REAL_OUT)
    index_file = summary.index_path(str(REAL_OUT))
    if index_file is not None and index_file.exists():
        index_file.unlink()
    articles = real_articles()
    first = min(len(articles), max(sizes))
    store = EmbeddedStore(REAL_OUT, snapshot_every=3600)
    kept: list[Extraction] = []
    marks = sorted(sizes)
    results: dict[int, dict[str, tuple[float, float]]] = {}
    hubs: dict[int, str] = {}
    settings = Settings.load(env={})
    written = 0
    ingest_s = index_s = 0.0

    def measure(n: int) -> None:
        results[n], hubs[n] = _measure(store, n, search, hub_requests)

    measured: list[float] = []  # time spent measuring, kept out of the ingest time

    def grown(batch: int) -> None:
        nonlocal written
        written += batch
        while marks and written >= marks[0]:
            t = time.perf_counter()
            measure(marks.pop(0))
            measured.append(time.perf_counter() - t)

    t0 = time.perf_counter()
    with _IndexTimer() as timer:
        # Real articles up to each size they reach, then the rest of them.
        for stop in [m for m in marks if m < first] + [first]:
            report = ingest_articles(articles[written:stop], store, settings, workers=2, on_stored=kept.append)
            ingest_s = time.perf_counter() - t0 - sum(measured)
            grown(len(report.ingested))
        index_s = timer.seconds
        print(
            f"ingest of {written} real articles with 2 workers: {ingest_s:.0f} s, of which the read index "
            f"{index_s:.1f} s ({100 * index_s / max(ingest_s, 1e-9):.1f}%)",
            flush=True,
        )
        n = 1
        t1, before_replicas = time.perf_counter(), len(measured)
        timer.seconds = 0.0
        while marks:
            need = marks[0] - written
            batch = [replica(x, n) for x in kept][:need]
            n += 1
            for j in range(0, len(batch), 64):
                part = batch[j : j + 64]
                store.put_nquads([(article_iri(DEFAULT_BASE, x.article.id), extraction_nquads(x)) for x in part])
                grown(len(part))
        replicate_s = time.perf_counter() - t1 - sum(measured[before_replicas:])
        print(
            f"replicas written: {replicate_s:.0f} s, of which the read index {timer.seconds:.1f} s "
            f"({100 * timer.seconds / max(replicate_s, 1e-9):.1f}% of the store write alone)",
            flush=True,
        )
    store.close()
    _table(results, hubs)


_REPLICA = re.compile(r"-[rg]\d+$")


def _rewrite(text: str, old_id: str, new_id: str) -> str:
    """One article's N-Quads as article ``new_id``: its graph, its nodes and its events renamed."""
    a_old, a_new = article_iri(DEFAULT_BASE, old_id), article_iri(DEFAULT_BASE, new_id)
    for end in (">", "#", "/"):
        text = text.replace(f"<{a_old}{end}", f"<{a_new}{end}")
    return text.replace(f"event/{content_hash(old_id)[:16]}/", f"event/{content_hash(new_id)[:16]}/")


def grow_main(small: int, marks: Sequence[int], minutes: float, search: str, hub_requests: int) -> None:
    """Go on from the store ``--real`` left (real articles already extracted), growing it by renamed copies.

    The real articles' graphs are read from the store and written again under new
    ids (the same text and entities, their own events), in batches of 64 with their
    summary and index contributions found in the quads, as the ingest writer does.
    A store of the first ``small`` real articles is measured too, then the grown
    store at its size now, at each of ``marks`` reached within ``minutes``, and at
    the end.
    """
    store = EmbeddedStore(REAL_OUT, snapshot_every=3600)
    t = time.perf_counter()
    taken = summary.sync(store)  # the full check: repairs what a killed run left half-written
    print(f"full check of the store: {taken} article(s) taken in again in {time.perf_counter() - t:.1f} s", flush=True)
    prefix = article_iri(DEFAULT_BASE, "")
    graphs = [g for g in store.graphs() if g.startswith(prefix)]
    originals = sorted(g for g in graphs if not _REPLICA.search(g))
    texts = {g: nquads_text(list(store._store.quads_for_pattern(None, None, None, ox.NamedNode(g)))) for g in originals}
    print(f"{len(graphs)} articles in the store, {len(originals)} of them real", flush=True)
    results: dict[int, dict[str, tuple[float, float]]] = {}
    hubs: dict[int, str] = {}

    small_path = ROOT / "bench" / "out" / "api-real-small"
    if small_path.exists():
        shutil.rmtree(small_path)
    side = summary.index_path(str(small_path))
    if side is not None and side.exists():
        side.unlink()
    little = EmbeddedStore(small_path, snapshot_every=3600)
    _write_copies(little, [(g, g[len(prefix) :]) for g in originals[:small]], texts)
    results[small], hubs[small] = _measure(little, small, search, hub_requests)
    little.close()

    size = len(graphs)
    results[size], hubs[size] = _measure(store, size, search, hub_requests)
    deadline = time.monotonic() + minutes * 60
    todo = [m for m in sorted(marks) if m > size]
    n = 1
    write_s, index_s = 0.0, 0.0
    with _IndexTimer() as timer:
        while todo and time.monotonic() < deadline:
            batch = [(g, f"{g[len(prefix) :]}-g{n}") for g in originals][: todo[0] - size]
            n += 1
            for i in range(0, len(batch), 64):
                if time.monotonic() >= deadline:
                    break
                t = time.perf_counter()
                _write_copies(store, batch[i : i + 64], texts)
                write_s += time.perf_counter() - t
                size += len(batch[i : i + 64])
            if size >= todo[0]:
                results[size], hubs[size] = _measure(store, size, search, hub_requests)
                todo.pop(0)
        index_s = timer.seconds
    if size not in results:
        results[size], hubs[size] = _measure(store, size, search, hub_requests)
    print(
        f"copies written in {write_s:.0f} s, of which the read index {index_s:.1f} s "
        f"({100 * index_s / max(write_s, 1e-9):.1f}% of the store write alone, no extraction)",
        flush=True,
    )
    store.close()
    _table(results, hubs)


def _write_copies(store: EmbeddedStore, pairs: Sequence[tuple[str, str]], texts: dict[str, str]) -> None:
    """Write each (original graph, new id) as a copy, contributions found in its quads (as the ingest writer does)."""
    prefix = article_iri(DEFAULT_BASE, "")
    batch, known = [], {}
    for g, new_id in pairs:
        text = _rewrite(texts[g], g[len(prefix) :], new_id) if g[len(prefix) :] != new_id else texts[g]
        new_g = article_iri(DEFAULT_BASE, new_id)
        batch.append((new_g, text))
        known[new_g] = summary.contributions_of(new_g, list(ox.parse(text, ox.RdfFormat.N_QUADS)))
    store.put_nquads(batch, known)


EXTRACTIONS = ROOT / "bench" / "out" / "api-real-extractions.pickle"


def extract_real() -> list[Extraction]:
    """Every real article extracted once, through the real pipeline (2 workers), kept in ``EXTRACTIONS``.

    The articles are ingested into a scratch store (``REAL_OUT``) and each stored
    extraction (after cross-article identity) is kept: the scale run then writes
    them, and renamed copies of them, without extracting again. The ingest's wall
    time and the read index's share of it are printed.
    """
    if EXTRACTIONS.exists():
        with EXTRACTIONS.open("rb") as fh:
            found: list[Extraction] = pickle.load(fh)  # the bench's own file
        return found
    for path in (REAL_OUT, summary.index_path(str(REAL_OUT))):
        if path is not None and path.is_dir():
            shutil.rmtree(path)
        elif path is not None and path.exists():
            path.unlink()
    articles = real_articles()
    kept: list[Extraction] = []
    store = EmbeddedStore(REAL_OUT, snapshot_every=3600)
    t = time.perf_counter()
    with _IndexTimer() as timer:
        ingest_articles(articles, store, Settings.load(env={}), workers=2, on_stored=kept.append)
    wall = time.perf_counter() - t
    store.close()
    print(
        f"ingest of {len(kept)} real articles with 2 workers: {wall:.0f} s, of which the read index "
        f"{timer.seconds:.1f} s ({100 * timer.seconds / wall:.1f}%)",
        flush=True,
    )
    EXTRACTIONS.parent.mkdir(parents=True, exist_ok=True)
    with EXTRACTIONS.open("wb") as fh:
        pickle.dump(kept, fh)
    return kept


SCALE_OUT = ROOT / "bench" / "out" / "api-scale"


def write_cost(n: int, rounds: int) -> None:
    """Write the first ``n`` real extractions into fresh stores with and without the read index, interleaved.

    The store write alone (as the ingest writer calls it, contributions given),
    so the index's share is the largest it can be: in an ingest, extraction in the
    workers overlaps the writes.
    """
    xs = extract_real()[:n]
    batches = list(_batches(xs, len(xs)))
    known = [
        {g: summary.contributions_of(g, list(ox.parse(text, ox.RdfFormat.N_QUADS))) for g, text, _ in b}
        for b in batches
    ]
    walls: dict[str, list[float]] = {"without index": [], "with index": []}
    index_s: list[float] = []
    real_sync = summary_sync.sync_index  # type: ignore[attr-defined]
    for r in range(rounds):
        for name in ("without index", "with index") if r % 2 == 0 else ("with index", "without index"):
            store = _fresh_store(ROOT / "bench" / "out" / f"api-write-{name.replace(' ', '-')}")
            with _IndexTimer() as timer:
                if name == "without index":
                    setattr(summary_sync, "sync_index", lambda *a: 0)  # noqa: B010 - the index left out
                try:
                    t = time.perf_counter()
                    for b, k in zip(batches, known, strict=True):
                        store.put_nquads([(g, text) for g, text, _ in b], k)
                    walls[name].append(time.perf_counter() - t)
                finally:
                    setattr(summary_sync, "sync_index", real_sync)  # noqa: B010
                    store.close()
                if name == "with index":
                    index_s.append(timer.seconds)
            print(f"round {r + 1}: {n} real articles written {name}: {walls[name][-1]:.1f} s", flush=True)
    without, with_ = statistics.median(walls["without index"]), statistics.median(walls["with index"])
    own = statistics.median(index_s)
    print(
        f"store write of {n} real articles, median of {rounds}: without the index {without:.1f} s, with it "
        f"{with_:.1f} s ({with_ / without:.3f}x); the index's own time {own:.1f} s ({100 * own / with_:.1f}% of the write)",
        flush=True,
    )


def _fresh_store(path: Path) -> EmbeddedStore:
    for old in (path, summary.index_path(str(path))):
        if old is not None and old.is_dir():
            shutil.rmtree(old)
        elif old is not None and old.exists():
            old.unlink()
    return EmbeddedStore(path, snapshot_every=3600)


def _batches(xs: Sequence[Extraction], total: int) -> Iterator[list[tuple[str, str, Extraction]]]:
    """``total`` articles in batches of 64: the real ones, then copy 1 of each, copy 2, ... (N-Quads per graph)."""
    done, n = 0, 0
    while done < total:
        for i in range(0, len(xs), 64):
            part = [x if n == 0 else replica(x, n) for x in xs[i : i + 64]][: total - done]
            if not part:
                return
            yield [(article_iri(DEFAULT_BASE, x.article.id), extraction_nquads(x), x) for x in part]
            done += len(part)
            if done >= total:
                return
        n += 1


def scale_main(marks: Sequence[int], search: str, hub_requests: int, scan_upto: int, ab: bool, minutes: float) -> None:
    """The issue-23 run: real extractions written, then renamed copies of them, the queries timed at each mark.

    Each real article is extracted once (:func:`extract_real`). The store is then
    filled through the normal writer path (``store.put_nquads`` with each graph's
    contributions, as the ingest writer calls it), first with the real articles,
    then with copies of them under new ids (``<id>-r<n>``: the same text, entities
    and relationships, their own mentions and events), in batches of 64. At each of
    ``marks`` the issue's queries are timed with the read index and (up to
    ``scan_upto`` articles) with the scans it replaced. Writing stops after
    ``minutes``; the store is then measured at the size it reached.
    """
    xs = extract_real()
    _settle()
    marks = sorted(marks)
    print(f"{len(xs)} real extractions", flush=True)
    # The write cost of the index: the real articles written with and without it (store write alone).
    walls: dict[str, float] = {}
    real_sync = summary_sync.sync_index  # type: ignore[attr-defined]
    for name in ("without index", "with index") if ab else ():
        store = _fresh_store(ROOT / "bench" / "out" / f"api-scale-{name.replace(' ', '-')}")
        if name == "without index":
            setattr(summary_sync, "sync_index", lambda *a: 0)  # noqa: B010 - the index left out
        try:
            t = time.perf_counter()
            for batch in _batches(xs, len(xs)):
                store.put_nquads(
                    [(g, text) for g, text, _ in batch],
                    {
                        g: summary.contributions_of(g, list(ox.parse(text, ox.RdfFormat.N_QUADS)))
                        for g, text, _ in batch
                    },
                )
            walls[name] = time.perf_counter() - t
        finally:
            setattr(summary_sync, "sync_index", real_sync)  # noqa: B010
            store.close()
        print(
            f"{len(xs)} real articles written {name}: {walls[name]:.1f} s (contributions found in this process)",
            flush=True,
        )
    if ab:
        print(f"write with / without the index: {walls['with index'] / walls['without index']:.3f}x", flush=True)

    store = _fresh_store(SCALE_OUT)
    results: dict[int, dict[str, tuple[float, float]]] = {}
    hubs: dict[int, str] = {}
    size, write_s, contrib_s = 0, 0.0, 0.0
    t0 = time.perf_counter()
    deadline = time.monotonic() + minutes * 60
    with _IndexTimer() as timer:
        for batch in _batches(xs, marks[-1]):
            if time.monotonic() >= deadline:
                print(f"time is up at {size} articles", flush=True)
                results[size], hubs[size] = _measure(store, size, search, hub_requests, scan_runs=0)
                break
            t = time.perf_counter()
            known = {g: summary.contributions_of(g, list(ox.parse(text, ox.RdfFormat.N_QUADS))) for g, text, _ in batch}
            contrib_s += time.perf_counter() - t
            t = time.perf_counter()
            store.put_nquads([(g, text) for g, text, _ in batch], known)
            write_s += time.perf_counter() - t
            before, size = size, size + len(batch)
            if before < len(xs) <= size:
                print(
                    f"the {len(xs)} real articles written with the index: {write_s + contrib_s:.1f} s "
                    f"(contributions {contrib_s:.1f} s), of which the read index {timer.seconds:.1f} s",
                    flush=True,
                )
            for m in marks:
                if before < m <= size:
                    print(
                        f"{size} articles after {time.perf_counter() - t0:.0f} s; store writes {write_s:.0f} s, "
                        f"of which the read index {timer.seconds:.1f} s",
                        flush=True,
                    )
                    results[size], hubs[size] = _measure(
                        store, size, search, hub_requests, scan_runs=3 if size <= scan_upto else 0
                    )
    print(
        f"{size} articles written in {write_s:.0f} s (store writes; contributions {contrib_s:.0f} s besides), "
        f"of which the read index {timer.seconds:.1f} s ({100 * timer.seconds / max(write_s, 1e-9):.1f}%)",
        flush=True,
    )
    store.close()
    _table(results, hubs)


def remeasure(small: int, search: str, hub_requests: int) -> None:
    """Time the issue's queries, with the code as it is now, on a fresh ``small`` store and the ``--scale`` store.

    The ``--scale`` run times each size with the code it started with; after a
    change to the reads this measures the store it left (``SCALE_OUT``, kept at
    the size it reached) against a small store written the same way, in one run.
    """
    if summary.index_path(str(SCALE_OUT)) is None or not SCALE_OUT.is_dir():
        raise SystemExit(f"no store at {SCALE_OUT}: run --scale first")
    xs = extract_real()
    results: dict[int, dict[str, tuple[float, float]]] = {}
    hubs: dict[int, str] = {}
    store = _fresh_store(ROOT / "bench" / "out" / "api-scale-small")
    for batch in _batches(xs, small):
        known = {g: summary.contributions_of(g, list(ox.parse(text, ox.RdfFormat.N_QUADS))) for g, text, _ in batch}
        store.put_nquads([(g, text) for g, text, _ in batch], known)
    _settle()
    for path in (store, EmbeddedStore(SCALE_OUT, snapshot_every=3600)):
        n = queries.graph_stats(path).articles
        results[n], hubs[n] = _measure(path, n, search, hub_requests, scan_runs=3 if n <= small else 0)
        path.close()
    _table(results, hubs)


def _readers_at(ref: str) -> tuple[ModuleType, ModuleType]:
    """``kg/queries/relationships.py`` and ``events.py`` as they were at git ``ref``, loaded beside today's."""
    mods = []
    for name in ("relationships", "events"):
        path = f"kg/queries/{name}.py"
        text = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True)
        mod_name = f"_bench_api_{name}_at_ref"
        spec = importlib.util.spec_from_loader(mod_name, loader=None)
        assert spec is not None
        mod = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = mod  # dataclasses look their module up
        exec(compile(text.stdout, f"{ref}:{path}", "exec"), mod.__dict__)  # this repository's own code
        mods.append(mod)
    return mods[0], mods[1]


def _hub(store: EmbeddedStore) -> tuple[str, int]:
    """The most-mentioned entity (key) and its mention count."""
    rows = store.query(
        f"SELECT ?e ?m WHERE {{ GRAPH <{summary.SUMMARY_GRAPH}> {{ ?e <{summary.SUMMARY_NS}mentions> ?m ;"
        f" <{summary.SUMMARY_NS}type> ?t }} }} ORDER BY DESC(?m) ?e LIMIT 1"
    )
    return rows[0]["e"][len(DEFAULT_BASE) :], int(rows[0]["m"])


def hub_ab(ref: str, requests: int) -> None:
    """The hub entity page with the relationship and event readers of ``ref`` (A) and of today (B), interleaved.

    Both read the same store in this process, in alternating blocks of 10
    requests; the answers are checked equal first. Each store a ``--scale`` run or
    ``--extract`` left is measured (the 10^4 one and the 1,162 real articles).
    """
    old = _readers_at(ref)
    for path in (REAL_OUT, SCALE_OUT):
        if path.is_dir() and (path / SNAPSHOTS).is_dir():
            store = EmbeddedStore(path, read_only=True)
            try:
                _hub_ab_on(store, ref, old, requests)
            finally:
                store.close()


def _hub_ab_on(store: EmbeddedStore, ref: str, old: tuple[ModuleType, ModuleType], requests: int) -> None:
    base, page = DEFAULT_BASE, queries.Page
    if not store.ask(f"ASK {{ GRAPH <{summary.SUMMARY_GRAPH}> {{ ?e <{summary.SUMMARY_NS}mentions> ?m }} }}"):
        return  # a store still being filled
    hub, mentions = _hub(store)
    n = queries.graph_stats(store).articles
    keys = queries.events_of_entity(store, base, hub, page(0, 20))[1]
    arms: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
        arm: (
            functools.partial(rel.relationship_page, store, base, hub, page(0, 20)),
            functools.partial(ev.events_by_keys, store, base, keys),
        )
        for arm, (rel, ev) in (("A", old), ("B", (queries.relationships, queries.events)))
    }
    a_rel, a_ev = (f() for f in arms["A"])
    b_rel, b_ev = (f() for f in arms["B"])
    if _plain(a_rel) != _plain(b_rel) or _plain(a_ev) != _plain(b_ev):
        raise SystemExit(f"{ref} and this tree read different hub pages")
    assert isinstance(b_rel, tuple)
    spans = sum(len(v.evidence) for v in b_rel[1])

    def whole(arm: str) -> Callable[[], object]:
        rel, ev = arms[arm]

        def call() -> object:
            queries.entities_by_keys(store, base, [hub])
            rel()
            queries.events_of_entity(store, base, hub, page(0, 20))
            ev()
            _, ids = queries.articles_of_entity(store, base, hub, page(0, 10))
            return queries.articles_by_ids(store, base, ids)

        return call

    print(
        f"{n} articles, hub {hub} ({mentions} mentions; its first 20 relationships list {spans} spans); "
        f"A = {ref}, B = this tree; {_load()}",
        flush=True,
    )
    for name, (a, b) in {
        "relationships(first: 20)": (arms["A"][0], arms["B"][0]),
        "events_by_keys, the 20 events": (arms["A"][1], arms["B"][1]),
    }.items():
        ta, tb = _interleaved(a, b, 60)
        print(f"  {name}, 60 calls each: A {ta}; B {tb}; B/A {_ratio(ta, tb)}", flush=True)
    with _GcPauses() as pauses:
        ta, tb = _interleaved(whole("A"), whole("B"), requests)
    for arm, timed in (("A", ta), ("B", tb)):
        print(f"  hub page {arm}, {requests} requests, one client: {timed}", flush=True)
    print(f"  hub page B/A {_ratio(ta, tb)} ({pauses}; {_load()})", flush=True)


def _ratio(a: _Timed, b: _Timed) -> str:
    wall = statistics.median(b.wall) / statistics.median(a.wall)
    return f"{wall:.2f}x median wall, {statistics.median(b.cpu) / statistics.median(a.cpu):.2f}x median CPU"


def _plain(x: object) -> object:
    """``x`` with every dataclass as a dict, so two modules' classes of the same view compare."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return dataclasses.asdict(x)
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    return x


@dataclass
class _Timed:
    """Wall and thread CPU times (ms) of repeated calls."""

    wall: list[float] = dataclasses.field(default_factory=list)
    cpu: list[float] = dataclasses.field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"median {statistics.median(self.wall):.1f} ms, p99 {_percentile(self.wall, 0.99):.1f} ms "
            f"(thread CPU median {statistics.median(self.cpu):.1f} ms, p99 {_percentile(self.cpu, 0.99):.1f} ms)"
        )


def _interleaved(a: Callable[[], object], b: Callable[[], object], n: int) -> tuple[_Timed, _Timed]:
    """``n`` timed calls of each, in alternating blocks of 10, after one warm call each."""
    a(), b()
    out = (_Timed(), _Timed())
    while len(out[1].wall) < n:
        for call, timed in ((a, out[0]), (b, out[1])):
            for _ in range(min(10, n - len(timed.wall))):
                t, c = time.perf_counter(), time.thread_time()
                call()
                timed.wall.append((time.perf_counter() - t) * 1e3)
                timed.cpu.append((time.thread_time() - c) * 1e3)
    return out


def ingest_cost(n: int, rounds: int) -> None:
    """Ingest the first ``n`` real articles with 2 workers, with and without the read index; print the wall ratio."""
    articles = real_articles()[:n]
    settings = Settings.load(env={})
    walls: dict[str, list[float]] = {"without index": [], "with index": []}
    index_s = 0.0
    real = summary_sync.sync_index  # type: ignore[attr-defined]
    for r in range(rounds):
        for name in ("without index", "with index") if r % 2 == 0 else ("with index", "without index"):
            path = ROOT / "bench" / "out" / f"api-ingest-{name.replace(' ', '-')}"
            if path.exists():
                shutil.rmtree(path)
            side = summary.index_path(str(path))
            if side is not None and side.exists():
                side.unlink()
            store = EmbeddedStore(path)
            with _IndexTimer() as timer:
                if name == "without index":
                    setattr(summary_sync, "sync_index", lambda *a: 0)  # noqa: B010 - the index left out
                t = time.perf_counter()
                try:
                    ingest_articles(articles, store, settings, workers=2)
                finally:
                    setattr(summary_sync, "sync_index", real)  # noqa: B010
                    store.close()
                walls[name].append(time.perf_counter() - t)
                if name == "with index":
                    index_s += timer.seconds
            print(f"round {r + 1}: {name}: {walls[name][-1]:.1f} s", flush=True)
    without, with_ = statistics.median(walls["without index"]), statistics.median(walls["with index"])
    print(
        f"ingest of {n} real articles, 2 workers, median of {rounds}: without the index {without:.1f} s, "
        f"with it {with_:.1f} s: {with_ / without:.3f}x (the index's own time: {index_s / rounds:.1f} s per run)"
    )


def main() -> None:
    """Build (or reuse) the synthetic store, serve it, load it, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--store", type=Path, default=OUT)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--real", action="store_true", help="the issue-23 run: real articles at --sizes")
    ap.add_argument("--sizes", default="100,1000,10000", help="store sizes (articles) for --real")
    ap.add_argument("--search", default="an", help="the search needle for --real")
    ap.add_argument("--hub-requests", type=int, default=200, help="hub page requests (one client) for --real")
    ap.add_argument("--ingest-cost", type=int, default=0, help="A/B the read index's ingest cost on N real articles")
    ap.add_argument("--grow", action="store_true", help="go on from the --real store: copies up to --sizes")
    ap.add_argument("--small", type=int, default=100, help="the small store --grow measures too")
    ap.add_argument("--minutes", type=float, default=20.0, help="time --grow may spend writing copies")
    ap.add_argument("--rounds", type=int, default=2, help="rounds of --ingest-cost")
    ap.add_argument("--scale", action="store_true", help="real extractions and copies of them up to --sizes")
    ap.add_argument(
        "--ab", action="store_true", help="--scale: first write the real articles without, then with the index"
    )
    ap.add_argument("--write-cost", type=int, default=0, help="A/B the index's store-write cost on N real articles")
    ap.add_argument("--scan-upto", type=int, default=2000, help="time the scans too up to this many articles")
    ap.add_argument("--extract", action="store_true", help="extract the real articles once (kept for --scale)")
    ap.add_argument(
        "--hub-ab", metavar="REF", help="the hub page with REF's relationship and event readers against today's"
    )
    ap.add_argument(
        "--remeasure", action="store_true", help="time the --scale store as left and a fresh --small one, code as now"
    )
    args = ap.parse_args()
    if args.extract:
        extract_real()
        return
    if args.hub_ab:
        hub_ab(args.hub_ab, args.hub_requests)
        return
    if args.write_cost:
        write_cost(args.write_cost, args.rounds)
        return
    if args.remeasure:
        remeasure(args.small, args.search, args.hub_requests)
        return
    if args.scale:
        marks = [int(m) for m in args.sizes.split(",")]
        scale_main(marks, args.search, args.hub_requests, args.scan_upto, args.ab, args.minutes)
        return
    if args.grow:
        marks = [int(m) for m in args.sizes.split(",")]
        grow_main(args.small, marks, args.minutes, args.search, args.hub_requests)
        return
    if args.ingest_cost:
        ingest_cost(args.ingest_cost, args.rounds)
        return
    if args.real:
        real_main([int(s) for s in args.sizes.split(",")], args.search, args.hub_requests)
        return
    build_store(args.store, args.articles, args.rebuild)
    # A store cached before the entity summary existed gets it now, before the read-only
    # handle below opens a snapshot (the read model reads the summary).
    writer = EmbeddedStore(args.store)
    try:
        taken = summary.sync(writer)
    finally:
        writer.close()
    if taken:
        print(f"entity summary: took in {taken} article(s)", flush=True)

    store = EmbeddedStore(args.store, read_only=True)
    t0 = time.perf_counter()
    projection = analytics.Projection.from_store(store, DEFAULT_BASE)
    print(
        f"graph: {len(projection.articles)} articles, {len(projection)} nodes, {projection.number_of_edges()} edges "
        f"(projection built in {time.perf_counter() - t0:.1f} s)",
        flush=True,
    )
    rng = random.Random(11)
    # Entities with at least one relationship, drawn uniformly: a typical look-up, hubs included
    # as often as they occur (Ukraine is one of about a thousand).
    rows = store.query(
        _P
        + f"""SELECT DISTINCT ?e WHERE {{ GRAPH ?g {{ {{ ?e ?p ?o }} UNION {{ ?o ?p ?e }}
  FILTER(?p IN ({_RELS})) }} }} ORDER BY ?e"""
    )
    entities = [r["e"] for r in rows]
    keys = [e[len(DEFAULT_BASE) :] for e in entities if e[len(DEFAULT_BASE) :] in projection]
    print(f"look-ups drawn from {len(entities)} entities with relationships", flush=True)
    months = [f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13)]
    pairs = [(rng.choice(keys), rng.choice(keys)) for _ in range(args.requests)]
    n = args.requests

    proc, url = _serve(args.store)
    try:
        local = threading.local()

        def client() -> httpx.Client:
            if not hasattr(local, "c"):
                local.c = httpx.Client(timeout=60)
            c: httpx.Client = local.c
            return c

        def gql(query: str, variables: dict[str, str]) -> Callable[[], object]:
            def call() -> object:
                r = client().post(f"{url}/graphql", json={"query": query, "variables": variables})
                body = r.json()
                if r.status_code != 200 or body.get("errors"):
                    raise RuntimeError(f"GraphQL failed: {r.status_code} {body}")
                return body

            return call

        def sparql(queries: list[str]) -> Callable[[], object]:
            return lambda: [store.query(q) for q in queries]

        def sparql_steps(run: Callable[[Callable[[str], list[dict[str, str]]]], object]) -> Callable[[], object]:
            return lambda: run(store.query)

        def path_baseline(a: str, b: str) -> Callable[[], object]:
            def call() -> object:
                found = analytics.shortest_path(projection, a, b, max_length=8)
                if found is None:
                    return None
                values = " ".join(f"<{DEFAULT_BASE}{k}>" for k in found.nodes)
                return store.query(
                    _P + f"SELECT ?n ?l WHERE {{ VALUES ?n {{ {values} }} GRAPH ?g {{ ?n rdfs:label ?l }} }}"
                )

            return call

        def model_entity(iri: str) -> Callable[[], object]:
            # The read model's own queries, as the GraphQL resolvers issue them: API overhead only.
            def call() -> object:
                key = iri[len(DEFAULT_BASE) :]
                queries.entities_by_keys(store, DEFAULT_BASE, [key])
                rels = queries.relationships_of(store, DEFAULT_BASE, [key])[key][:50]
                ends = {r.subject for r in rels} | {r.object for r in rels}
                return queries.entities_by_keys(store, DEFAULT_BASE, sorted(ends))

            return call

        def model_events(lo: str, hi: str) -> Callable[[], object]:
            def call() -> object:
                spec = queries.EventFilter(window=analytics.window_range(lo, hi))
                _, keys = queries.list_events(store, DEFAULT_BASE, queries.Page(0, 20), spec)
                events = queries.events_by_keys(store, DEFAULT_BASE, keys)
                who = {p.entity for e in events.values() for p in e.participants}
                who |= {e.place for e in events.values() if e.place}
                return queries.entities_by_keys(store, DEFAULT_BASE, sorted(who))

            return call

        picks = [rng.choice(entities) for _ in range(n)]
        ranges = []
        for _ in range(n):
            i = rng.randrange(len(months) - 2)
            ranges.append((months[i] + "-01", months[i + 2] + "-28"))
        scenarios = {
            "entity + relationships": (
                [gql(GQL_ENTITY, {"id": e}) for e in picks],
                [sparql(sparql_entity(e)) for e in picks],
                [model_entity(e) for e in picks],
            ),
            "events in a date range": (
                [gql(GQL_EVENTS, {"from": lo, "to": hi}) for lo, hi in ranges],
                [sparql_steps(sparql_events(lo, hi)) for lo, hi in ranges],
                [model_events(lo, hi) for lo, hi in ranges],
            ),
            "shortestPath": (
                [gql(GQL_PATH, {"a": a, "b": b}) for a, b in pairs],
                [path_baseline(a, b) for a, b in pairs],
                [],
            ),
        }
        print(
            f"load: {n} requests per scenario, {args.concurrency} concurrent clients; "
            f"GraphQL over HTTP to `kg serve` vs the baseline in-process (ms)"
        )
        head = f"{'scenario':<24}{'':>9}{'p50':>8}{'p99':>8}{'req/s':>8}"
        print(head)
        for name, (graphql_calls, baseline_calls, model_calls) in scenarios.items():
            warm = max(10, n // 10)
            for calls in (graphql_calls, baseline_calls, model_calls):
                load(calls[:warm], args.concurrency)
            g = load(graphql_calls, args.concurrency)
            runs = [("GraphQL", g), ("SPARQL", load(baseline_calls, args.concurrency))]
            if model_calls:
                runs.append(("model", load(model_calls, args.concurrency)))
            for label, r in runs:
                print(f"{name:<24}{label:>9}{r.p50 * 1e3:>8.1f}{r.p99 * 1e3:>8.1f}{r.throughput:>8.0f}", flush=True)
            for label, b in runs[1:]:
                print(
                    f"{name:<24}{'/' + label:>9}{g.p50 / b.p50:>7.2f}x{g.p99 / b.p99:>7.2f}x"
                    f"{b.throughput / g.throughput:>7.2f}x",
                    flush=True,
                )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        store.close()


if __name__ == "__main__":
    main()
