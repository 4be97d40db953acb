"""Untrusted SPARQL: federation refused by parsing, runaway queries stopped in killable workers."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import psutil  # type: ignore[import-untyped]
import pytest

from kg.rdf import DEFAULT_BASE, article_iri, extraction_quads
from kg.sandbox import QueryJob, QueryPool, federation_refusal
from kg.store import EmbeddedStore, latest_snapshot
from tests.support.api_sample import extraction_a, extraction_b

REFUSED = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://10.0.0.1/> { ?s ?q ?v } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://10.0.0.1/> { ?s ?p ?o } } } }",
    "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <http://10.0.0.1/> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://10.0.0.1/> { ?s ?p ?o } } }",
    "PREFIX in: <http://169.254.169.254/latest/> SELECT * WHERE { SERVICE in:meta { ?s ?p ?o } }",
    "SELECT * WHERE { # a comment\n SERVICE # SERVICE <http://ok/>\n <http://10.0.0.1/> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://10.0.0.1/> { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?u { <http://10.0.0.1/> } SERVICE ?u { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <http://10.0.0.1/> { ?s ?p ?o } ",  # broken: refused, not run
]


@pytest.mark.parametrize(
    "query",
    REFUSED,
    ids=[
        "plain",
        "silent",
        "lower-case",
        "in-optional",
        "in-subquery",
        "in-union",
        "in-filter-exists",
        "prefixed-name",
        "comments",
        "codepoint-escape",
        "variable",
        "does-not-parse",
    ],
)
def test_federation_refusal_refuses_every_service(query: str) -> None:
    refusal = federation_refusal(query, ())
    assert refusal is not None
    assert "KG_SPARQL_SERVICES" in refusal
    assert "10.0.0.1" not in refusal
    assert "127.0.0.1" not in refusal


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p 'SERVICE <http://10.0.0.1/> { }' }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://10.0.0.1/> { ?s ?p ?o }",
        "SELECT ?service WHERE { ?service <http://x/service> ?o }",
        'SELECT * WHERE { ?s ?p """\nSERVICE <http://10.0.0.1/> {}\n""" }',
    ],
    ids=["in-string", "in-comment", "as-names", "in-long-string"],
)
def test_federation_refusal_lets_queries_without_service_run(query: str) -> None:
    assert federation_refusal(query, ()) is None


def test_federation_refusal_allows_only_listed_endpoints() -> None:
    allowed = ("https://query.wikidata.org/sparql",)
    ok = "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }"
    other = "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql2> { ?s ?p ?o } }"
    assert federation_refusal(ok, allowed) is None
    assert federation_refusal(other, allowed) is not None


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of a dozen article graphs (about 2,000 quads), as its read-only snapshot."""
    path = tmp_path_factory.mktemp("sandbox") / "kg-data"
    store = EmbeddedStore(path)
    for i in range(6):
        for x in (extraction_a(), extraction_b()):
            store.put_articles([(article_iri(DEFAULT_BASE, f"{x.article.id}-{i}"), extraction_quads(x))])
    store.close()
    found = latest_snapshot(path)
    assert found is not None
    return found


@pytest.fixture
def pool() -> Iterator[QueryPool]:
    """A pool of one worker with a 1 GiB memory limit."""
    p = QueryPool(1, 1024)
    yield p
    p.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize(
    ("query", "statuses"),
    [
        ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1", {422, 503}),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", {503}),
    ],
    ids=["sort-a-product", "count-a-product"],
)
def test_query_pool_kills_the_worker_of_a_runaway_query(
    pool: QueryPool, snapshot: Path, query: str, statuses: set[int]
) -> None:
    warm = pool.run(str(snapshot), QueryJob("ASK { ?s ?p ?o }"))
    assert (warm.status, warm.body) == (200, b'{"head":{},"boolean":true}')
    (pid,) = pool.pids()
    answer = pool.run(str(snapshot), QueryJob(query, timeout=1.0))
    assert answer.status in statuses, answer.body
    # The query no longer uses the machine: either the pool killed the worker that ran
    # it (reaped within a bound), or the worker stopped the query at its own deadline and
    # is idle again, using no CPU.
    for _ in range(100):
        if not _alive(pid) or pid in pool.pids():
            break
        time.sleep(0.1)
    if _alive(pid):
        assert pid in pool.pids(), "a worker that was not killed must be back in the pool"
        worker = psutil.Process(pid)
        before = sum(worker.cpu_times()[:2])
        time.sleep(0.5)
        assert sum(worker.cpu_times()[:2]) - before < 0.1, "the stopped query still uses a core"
    after = pool.run(str(snapshot), QueryJob("ASK { ?s ?p ?o }"))
    assert after.status == 200


def test_query_pool_reuses_a_worker_between_queries(pool: QueryPool, snapshot: Path) -> None:
    first = pool.run(str(snapshot), QueryJob("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    pids = pool.pids()
    second = pool.run(str(snapshot), QueryJob("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert first == second
    assert first.status == 200
    assert pool.pids() == pids


@pytest.mark.parametrize(
    ("query", "status", "needle"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 400, b"KG_SPARQL_SERVICES"),
        ("SELECT WHERE {", 400, b"does not parse"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403, b"read-only"),
        ("SELECT * WHERE { ?s ?p ?o }", 422, b"KG_SPARQL_MAX_BYTES"),
    ],
    ids=["federated", "syntax-error", "update", "too-large"],
)
def test_query_pool_answers_refusals_from_the_worker(
    pool: QueryPool, snapshot: Path, query: str, status: int, needle: bytes
) -> None:
    answer = pool.run(str(snapshot), QueryJob(query, max_bytes=1000))
    assert answer.status == status
    assert needle in answer.body
