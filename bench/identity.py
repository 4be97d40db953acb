"""Identity benchmark: who kg merges, how it labels and types them, on 1,162 Reuters articles.

Ingests ``conllpp-train.jsonl`` and ``conllpp-dev.jsonl`` (ids prefixed ``train-`` and
``dev-``: the two files reuse ids), then ``gum-news-dev.jsonl`` (``gum-``) and, to
test duplicate detection, ``--copies`` copies of each GUM article under new ids, into
one temporary embedded store through :func:`kg.ingest.ingest_articles` with workers.
It reports, over the whole corpus and over the tune and check halves of the two
CoNLL files (:mod:`bench.splits`; an entity counts in a half with the mentions and
names its articles give it):

* suspicious merges: person entities whose names disagree on the given name
  (Gordon Brown / Craig Brown), by :func:`kg.identity.given_names_agree`;
* one-word person labels among the 500 most-mentioned entities;
* top-500 names typed as two types (and as a person and something else);
* labels that carry a title, a nationality or a neighbour's name ("PM Tony Blair");
* ``kg validate``: the shapes on a sample of article graphs (``--validate-every``),
  and, over the whole store, the entities that end up in two classes once the
  ontology's domains and ranges are applied (what SHACL's RDFS inference does);
* pairwise precision and recall of cross-article identity against the ``wiki``
  field of GUM's mentions (pairs of (article, wiki entity) units from two articles);
* events from the GUM originals against the originals plus their copies;
* ingest seconds, the share of them spent in cross-article identity, and the seconds of
  the run's final type revision (:meth:`kg.ingest.Identity.finish`, rewrites included).

Examples of errors are printed for the tune half only (``--examples``).

Run::

    .venv/bin/python bench/identity.py [--workers 2] [--copies 2] [--validate-every 20]
        [--save-extractions F | --load-extractions F [--against REF]] [--examples N]

``--save-extractions`` keeps the extractions as the workers returned them (before
identity), ``--load-extractions`` replays them through the same identity and write
path without spaCy: for iterating on resolution only (the ingest time is then not
comparable with a full run). ``--against REF`` first replays the same extractions
through the kg package of git ``REF`` (exported to a temporary directory, run with
this benchmark script), so both figure sets and the ratio of their ingest times come
from one command on one machine state. The examples are printed for this tree only.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.splits import EVAL_DIR, is_check, read_jsonl
from kg import identity as kg_identity
from kg import ingest as kg_ingest
from kg.extract.gazetteer import fold, load_gazetteer
from kg.extract.names import TITLES
from kg.identity import given_names_agree, split_person
from kg.ingest.sources import article_from_fields
from kg.ingest.workers import Extracted
from kg.records import Article, EntityType, Extraction
from kg.settings import Settings
from kg.store import open_store

TOP = 500


@dataclass(slots=True)
class EntityStats:
    """One stored entity as a set of articles sees it."""

    type: EntityType
    names: Counter[str] = field(default_factory=Counter)  # label/alias -> articles
    labels: set[str] = field(default_factory=set)
    mentions: int = 0


def load_articles(copies: int, eval_dir: Path = EVAL_DIR) -> tuple[list[Article], dict[str, str]]:
    """The corpus in ingest order, and each article's half (``tune``/``check``/``gum``)."""
    articles: list[Article] = []
    half: dict[str, str] = {}
    for stem, prefix in (("conllpp-train", "train-"), ("conllpp-dev", "dev-")):
        for n, row in enumerate(read_jsonl(eval_dir / f"{stem}.jsonl"), 1):
            art = article_from_fields({**row, "id": prefix + str(row["id"])}, f"{stem}:{n}", max_chars=10**7)
            articles.append(art)
            half[art.id] = "check" if is_check(stem, str(row["id"])) else "tune"
    gum = read_jsonl(eval_dir / "gum-news-dev.jsonl")
    for n, row in enumerate(gum, 1):
        art = article_from_fields({**row, "id": "gum-" + str(row["id"])}, f"gum:{n}", max_chars=10**7)
        articles.append(art)
        half[art.id] = "gum"
    for c in range(copies):
        for n, row in enumerate(gum, 1):
            art = article_from_fields({**row, "id": f"gumcopy{c}-" + str(row["id"])}, f"gum:{n}", max_chars=10**7)
            articles.append(art)
            half[art.id] = "copy"
    return articles, half


def _label_of(names: Iterable[str]) -> str:
    """The label the read model shows: the longest."""
    return min(names, key=lambda x: (-len(x), x))


def tabulate(xs: Iterable[Extraction]) -> dict[str, EntityStats]:
    """Entity key -> its names, type and mention count over ``xs``."""
    out: dict[str, EntityStats] = {}
    for x in xs:
        counts = Counter(m.entity for m in x.mentions)
        for e in x.entities:
            st = out.setdefault(e.key, EntityStats(e.type))
            st.labels.add(e.label)
            for name in {e.label, *e.aliases}:
                st.names[name] += 1
            st.mentions += counts.get(e.key, 0)
    return out


def _titled(label: str, demonyms: frozenset[str], persons: set[str]) -> bool:
    words = label.split()
    if len(words) < 2:
        return False
    first = words[0].rstrip(".").lower()
    glued = words[0].isalpha() and words[0].isupper() and 2 <= len(words[0]) <= 4 and not label.isupper()
    if first in TITLES or words[0] in demonyms or glued:
        return True
    return any(" ".join(words[i:]) in persons for i in range(1, len(words) - 1))


def metrics(stats: dict[str, EntityStats], demonyms: frozenset[str]) -> tuple[dict[str, float], dict[str, list[str]]]:
    """The figures of one set of articles, and examples of each kind of error."""
    ex: dict[str, list[str]] = defaultdict(list)
    persons = {k: s for k, s in stats.items() if s.type is EntityType.PERSON}
    suspicious = 0
    for key, s in persons.items():
        full = [n for n in s.names if split_person(n)[0]]
        bad = next(((a, b) for a in full for b in full if a < b and not given_names_agree(a, b)), None)
        if bad is not None:
            suspicious += 1
            ex["suspicious"].append(f"{key}: {bad[0]!r} / {bad[1]!r}")
    top = sorted(stats, key=lambda k: -stats[k].mentions)[:TOP]
    one_word = [k for k in top if stats[k].type is EntityType.PERSON and len(_label_of(stats[k].labels).split()) == 1]
    ex["one_word"] = [f"{k} ({stats[k].mentions})" for k in one_word]
    types_of: dict[str, set[EntityType]] = defaultdict(set)
    for s in stats.values():
        types_of[fold(_label_of(s.labels))].add(s.type)
    two = [k for k in top if len(types_of[fold(_label_of(stats[k].labels))]) > 1]
    two_person = [k for k in two if EntityType.PERSON in types_of[fold(_label_of(stats[k].labels))]]
    ex["two_types"] = sorted(
        {
            f"{_label_of(stats[k].labels)}: {sorted(t.value for t in types_of[fold(_label_of(stats[k].labels))])}"
            for k in two
        },
        key=lambda t: ("Person" not in t, t),  # names that are also a person first
    )
    mentions_of: Counter[str] = Counter()
    for s in stats.values():
        mentions_of[fold(_label_of(s.labels))] += s.mentions
    ex["person_and_other_any_rank"] = [
        f"{name}: {sorted(t.value for t in types)} ({mentions_of[name]} mentions)"
        for name, types in sorted(types_of.items(), key=lambda kv: -mentions_of[kv[0]])
        if EntityType.PERSON in types and len(types) > 1
    ]
    person_labels = {_label_of(s.labels) for s in persons.values()}
    titled = [k for k, s in persons.items() if any(_titled(n, demonyms, person_labels) for n in s.names)]
    ex["titled"] = [f"{k}: {sorted(n for n in stats[k].names if _titled(n, demonyms, person_labels))}" for k in titled]
    return (
        {
            "entities": len(stats),
            "persons": len(persons),
            "suspicious_persons": suspicious,
            "top500_one_word_persons": len(one_word),
            "top500_two_type_names": len({fold(_label_of(stats[k].labels)) for k in two}),
            "top500_person_and_other_names": len({fold(_label_of(stats[k].labels)) for k in two_person}),
            "person_and_other_names_any_rank": len(ex["person_and_other_any_rank"]),
            "titled_person_names": len(titled),
        },
        ex,
    )


def domain_range_conflicts(stored: Iterable[Extraction]) -> tuple[int, list[str]]:
    """Entities in two of Person/Organisation/Place once domains and ranges are applied, store-wide.

    Each article as stored gives its entities their type, and each relation the class
    its predicate's domain or range names when that is one class (read from
    ``ontology/kg.ttl`` through :func:`kg.identity.conform.allowed_types`, super-properties
    included): what validation's RDFS inference concludes over the whole store.
    """
    import importlib

    kg_conform: Any = importlib.import_module("kg.identity.conform")  # the module (the package exports a function)

    def allowed_types(x: Extraction) -> dict[str, frozenset[EntityType]]:
        if hasattr(kg_conform, "allowed_types"):
            return dict(kg_conform.allowed_types(x))
        sigs = kg_conform._signatures()  # a kg from before allowed_types (``--against``)
        need: dict[str, frozenset[EntityType]] = {}
        for r in x.relations:
            domain, range_ = sigs.get(r.predicate, (None, None))
            for key, allowed in ((r.subject, domain), (r.object, range_)):
                if allowed is not None:
                    need[key] = need.get(key, allowed) & allowed
        return need

    classes: dict[str, set[str]] = defaultdict(set)
    for x in stored:
        for e in x.entities:
            classes[e.key].add(e.type.value)
        for key, allowed in allowed_types(x).items():
            if len(allowed) == 1:
                classes[key].add(next(iter(allowed)).value)
        for ev in x.events:
            if ev.place is not None:
                classes[ev.place].add(EntityType.PLACE.value)
    bad = sorted(f"{k}: {sorted(c)}" for k, c in classes.items() if len(c) > 1)
    return len(bad), bad


def validate_sample(store: Any, graphs: Sequence[str]) -> tuple[int, list[str], Counter[str]]:
    """Validate each sampled article graph alone; (graphs, the graphs not conforming, messages)."""
    import pyoxigraph as ox

    from kg.validate import validate

    bad: list[str] = []
    messages: Counter[str] = Counter()
    for g in graphs:
        inner = getattr(store, "_store", None)  # the embedded store's pyoxigraph Store: one graph's quads
        if isinstance(inner, ox.Store):
            quads = list(inner.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        else:
            quads = [q for q in store.quads() if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == g]
        report = validate(quads)
        if not report.conforms:
            bad.append(g)
            for v in report.violations:
                if v.severity == "Violation":
                    messages[v.message.split(";")[0]] += 1
    return len(graphs), bad, messages


def gum_pairwise(xs: dict[str, Extraction], gum: list[dict[str, Any]]) -> dict[str, float]:
    """Pairwise precision/recall of cross-article identity against GUM's ``wiki`` ids."""
    units: list[tuple[str, str, str]] = []  # (article, wiki, predicted key)
    for row in gum:
        x = xs.get("gum-" + str(row["id"]))
        if x is None:
            continue
        found: dict[str, Counter[str]] = defaultdict(Counter)
        for g in row["mentions"]:
            if not g.get("wiki") or g["type"] not in {"person", "organization", "place"} or not g.get("propn"):
                continue
            for m in x.mentions:
                if (m.start <= g["start"] and g["end"] <= m.end) or (g["start"] <= m.start and m.end <= g["end"]):
                    found[g["wiki"]][m.entity] += 1
        for wiki, keys in found.items():
            units.append((x.article.id, wiki, keys.most_common(1)[0][0]))
    tp = fp = fn = 0
    for i, (a1, w1, k1) in enumerate(units):
        for a2, w2, k2 in units[i + 1 :]:
            if a1 == a2:
                continue
            if w1 == w2 and k1 == k2:
                tp += 1
            elif k1 == k2:
                fp += 1
            elif w1 == w2:
                fn += 1
    return {
        "units": len(units),
        "pairs_gold": tp + fn,
        "pairs_predicted": tp + fp,
        "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
    }


def load_extractions(path: Path) -> list[Extraction]:
    """Extractions saved by ``--save-extractions``, rebuilt field by field (an older kg's lack newer fields)."""
    return [
        Extraction(**{f.name: getattr(x, f.name) for f in fields(Extraction) if hasattr(x, f.name)})
        for x in pickle.loads(path.read_bytes())
    ]


def replay(cached: Sequence[Extraction], store: Any, settings: Settings, tmp: Path) -> dict[str, Extraction]:
    """Run saved extractions through identity and the write path as ingest does; article id -> as stored."""
    stored: dict[str, Extraction] = {}
    when = datetime.now(UTC)
    identity = kg_ingest.Identity(store, settings.base_iri, when, tmp / "merges.jsonl")
    # what a worker does after extraction (kg.ingest.workers.extract_chunk), when this kg has it
    local = getattr(kg_identity, "local_identity", lambda x: x)
    for i in range(0, len(cached), kg_ingest.BATCH):
        batch = [Extracted.of(local(x), settings.base_iri, when) for x in cached[i : i + kg_ingest.BATCH]]
        for x in identity.write(batch):
            stored[x.extraction.article.id] = x.extraction
    for x in getattr(identity, "finish", list)():  # the run's end, when this kg revises types there
        stored[x.extraction.article.id] = x.extraction
    return stored


def _run_against(ref: str, argv: list[str], eval_dir: Path) -> dict[str, Any]:
    """Replay the same extractions through the kg of git ``ref`` (this benchmark script, that tree's package).

    Its figures are printed under ``{"code": ref}``, before this tree's; returns its
    first figure line (ingest seconds).
    """
    import io
    import subprocess
    import tarfile

    repo = Path(__file__).resolve().parents[1]
    own = {"--against", "--keep-store", "--save-extractions"}  # this run's, not the other tree's
    rest = [a for i, a in enumerate(argv) if a not in own and (i == 0 or argv[i - 1] not in own)]
    rest = [a for a in rest if a.split("=", 1)[0] not in own]
    rest += ["--examples", "0", "--eval-dir", str(eval_dir.resolve())]
    with tempfile.TemporaryDirectory(prefix="kg-against-") as tmp:
        archive = subprocess.run(["git", "-C", str(repo), "archive", ref], check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        for f in (repo / "bench").glob("*.py"):  # this benchmark, measuring that tree's package
            (Path(tmp) / "bench" / f.name).write_bytes(f.read_bytes())
        print(json.dumps({"code": ref}), flush=True)
        done = subprocess.run(
            [sys.executable, str(Path(tmp) / "bench" / "identity.py"), *rest],
            check=True,
            stdout=subprocess.PIPE,  # its errors and examples go to this run's stderr
            text=True,
            cwd=tmp,
        )
    print(done.stdout, end="", flush=True)
    print(json.dumps({"code": "this tree"}), flush=True)
    return dict(json.loads(done.stdout.splitlines()[0]))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures as JSON lines, examples on stderr."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    ap.add_argument("--copies", type=int, default=2)
    ap.add_argument("--validate-every", type=int, default=20)
    ap.add_argument("--limit", type=int, default=0, help="only the first N CoNLL articles (0: all)")
    ap.add_argument("--save-extractions", type=Path)
    ap.add_argument("--load-extractions", type=Path)
    ap.add_argument("--examples", type=int, default=0, help="print N examples of each error (tune half)")
    ap.add_argument("--keep-store", type=Path, help="write the store here and keep it (default: a temporary one)")
    ap.add_argument(
        "--against",
        metavar="REF",
        help="with --load-extractions: first replay the same extractions through the kg of git REF, in this command",
    )
    args = ap.parse_args(argv)
    theirs = (
        _run_against(args.against, sys.argv[1:] if argv is None else list(argv), args.eval_dir)
        if args.against
        else None
    )

    articles, half = load_articles(args.copies, args.eval_dir)
    if args.limit:
        conll = [a for a in articles if half[a.id] in {"tune", "check"}][: args.limit]
        articles = conll + [a for a in articles if half[a.id] not in {"tune", "check"}]
    tmp = tempfile.TemporaryDirectory(prefix="kg-identity-")
    settings = Settings.load(store=str(args.keep_store or Path(tmp.name) / "store"))
    store = open_store(settings.store)
    stored: dict[str, Extraction] = {}
    raw: list[Extraction] = []
    spent = [0.0]
    real_call = kg_ingest.Identity.__call__

    def timed(self: kg_ingest.Identity, done: list[Extracted]) -> list[Extracted]:
        raw.extend(x.extraction for x in done)
        t = time.perf_counter()
        try:
            return real_call(self, done)
        finally:
            spent[0] += time.perf_counter() - t

    kg_ingest.Identity.__call__ = timed  # type: ignore[method-assign]
    real_finish = getattr(kg_ingest.Identity, "finish", None)
    revising = [0.0]

    def timed_finish(self: kg_ingest.Identity) -> list[Extracted]:
        t = time.perf_counter()
        try:
            return real_finish(self) if real_finish is not None else []
        finally:
            revising[0] += time.perf_counter() - t

    if real_finish is not None:
        kg_ingest.Identity.finish = timed_finish  # type: ignore[method-assign]
    t0 = time.perf_counter()
    if args.load_extractions:
        stored.update(replay(load_extractions(args.load_extractions), store, settings, Path(tmp.name)))
    else:
        kg_ingest.ingest_articles(
            articles,
            store,
            settings,
            workers=args.workers,
            on_stored=lambda x: stored.__setitem__(x.article.id, x),
        )
    seconds = time.perf_counter() - t0
    kg_ingest.Identity.__call__ = real_call  # type: ignore[method-assign]
    if real_finish is not None:
        kg_ingest.Identity.finish = real_finish  # type: ignore[method-assign]
    if args.save_extractions:
        args.save_extractions.write_bytes(pickle.dumps(raw))

    demonyms = frozenset(load_gazetteer().demonyms)
    out: dict[str, Any] = {
        "articles": len(stored),
        "ingest_seconds": round(seconds, 1),
        "identity_seconds": round(spent[0], 1),
        "identity_share": round(spent[0] / seconds, 3) if seconds else 0.0,
        "revise_seconds": round(revising[0], 2),
        "replayed": bool(args.load_extractions),
    }
    print(json.dumps(out))
    if theirs is not None and theirs.get("ingest_seconds"):
        print(
            json.dumps(
                {
                    "ingest_seconds_against_ref": theirs["ingest_seconds"],
                    "ratio": round(seconds / theirs["ingest_seconds"], 3),
                }
            )
        )
    for name, keep in (
        ("all", lambda h: True),
        ("conll:tune", lambda h: h == "tune"),
        ("conll:check", lambda h: h == "check"),
    ):
        m, ex = metrics(tabulate(x for a, x in stored.items() if keep(half.get(a, ""))), demonyms)
        print(json.dumps({"corpus": name, **m}))
        if name == "conll:tune" and args.examples:
            for kind, items in ex.items():
                print(f"-- {kind} ({len(items)})", file=sys.stderr)
                for item in items[: args.examples]:
                    print("   " + item, file=sys.stderr)
    gum_rows = read_jsonl(args.eval_dir / "gum-news-dev.jsonl")
    for name, rows in (
        ("gum-news-dev", gum_rows),
        ("gum-news-dev:tune", [r for r in gum_rows if not is_check("gum-news-dev", str(r["id"]))]),
        ("gum-news-dev:check", [r for r in gum_rows if is_check("gum-news-dev", str(r["id"]))]),
    ):
        print(json.dumps({"gum_identity": name, **gum_pairwise(stored, rows)}))
    originals = sum(len(x.events) for a, x in stored.items() if half.get(a) == "gum")
    with_copies = len({e.key for a, x in stored.items() if half.get(a) in {"gum", "copy"} for e in x.events})
    dups = sum(1 for a, x in stored.items() if half.get(a) == "copy" and getattr(x, "duplicate_of", None))
    print(
        json.dumps(
            {
                "gum_events_originals": originals,
                "gum_events_with_copies": with_copies,
                "copies": sum(1 for h in half.values() if h == "copy"),
                "copies_recognised": dups,
            }
        )
    )
    n, conflicts = domain_range_conflicts(stored.values())
    graphs = [f"{settings.base_iri}article/{a}" for a in list(stored)[:: max(1, args.validate_every)]]
    checked, failing, messages = validate_sample(store, graphs)
    print(
        json.dumps(
            {
                "class_conflicts_storewide": n,
                "validated_graphs": checked,
                "graphs_not_conforming": len(failing),
                "messages": dict(messages.most_common(5)),
            }
        )
    )
    if args.examples:
        tune_keys = {k for a, x in stored.items() if half.get(a) == "tune" for k in (e.key for e in x.entities)}
        shown = [c for c in conflicts if c.split(":")[0] in tune_keys][: args.examples]
        print(f"-- class conflicts, tune entities ({len(shown)} shown)", file=sys.stderr)
        for c in shown:
            print("   " + c, file=sys.stderr)
        graph_half = {f"{settings.base_iri}article/{a}": half.get(a, "") for a in stored}
        print("-- sampled graphs not conforming, by half (names of the check half's are not shown)", file=sys.stderr)
        for g in failing:
            h = graph_half.get(g, "")
            print(f"   {h}: {g if h != 'check' else '(check half)'}", file=sys.stderr)
    store.close()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
