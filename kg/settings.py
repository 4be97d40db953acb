"""Configuration in one place: a frozen settings record read once.

Precedence: explicit arguments (CLI flags) over environment variables over
defaults. No other module reads ``os.environ``.

==================  ======================  ===========================================
setting             environment             default
==================  ======================  ===========================================
store               ``KG_STORE``            ``./kg-data`` (a URL selects remote SPARQL)
update_endpoint     ``KG_UPDATE_ENDPOINT``  none (remote: the store URL)
store_user          ``KG_STORE_USER``       none (remote: or in the URL, or ~/.netrc)
store_password      ``KG_STORE_PASSWORD``   none (never printed)
base_iri            ``KG_BASE_IRI``         ``https://w3id.org/newskg/id/``
api_token           ``KG_API_TOKEN``        none: mutations disabled
max_article_chars   ``KG_MAX_ARTICLE_CHARS`` 1,000,000
workers             ``KG_WORKERS``          all cores
snapshot_seconds    ``KG_SNAPSHOT_SECONDS`` 5 (embedded store: how often a writer publishes)
sparql_services     ``KG_SPARQL_SERVICES``  none: ``SERVICE`` refused (comma-separated IRIs)
sparql_workers      ``KG_SPARQL_WORKERS``   2 child processes for ``/sparql``
sparql_memory_mb    ``KG_SPARQL_MEMORY_MB`` 2048 (address space of each)
max_body_bytes      ``KG_MAX_BODY_BYTES``   8 MiB (413 past it)
max_argument_chars  ``KG_MAX_ARGUMENT_CHARS`` 4096 (string arguments of queries)
==================  ======================  ===========================================

The GraphQL limits (``KG_PAGE_SIZE_MAX``, ``KG_REQUEST_TIMEOUT``, ``KG_MAX_DEPTH``, ...)
are listed with the attributes of :class:`Settings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from kg.errors import ConfigError
from kg.rdf import DEFAULT_BASE

__all__ = ["Settings"]

_ENV = {
    "store": "KG_STORE",
    "update_endpoint": "KG_UPDATE_ENDPOINT",
    "store_user": "KG_STORE_USER",
    "store_password": "KG_STORE_PASSWORD",
    "base_iri": "KG_BASE_IRI",
    "api_token": "KG_API_TOKEN",
    "max_article_chars": "KG_MAX_ARTICLE_CHARS",
    "workers": "KG_WORKERS",
    "snapshot_seconds": "KG_SNAPSHOT_SECONDS",
    "page_size_max": "KG_PAGE_SIZE_MAX",
    "path_length_max": "KG_PATH_LENGTH_MAX",
    "request_timeout": "KG_REQUEST_TIMEOUT",
    "graphiql": "KG_GRAPHIQL",
    "introspection": "KG_INTROSPECTION",
    "cors_origins": "KG_CORS_ORIGINS",
    "max_depth": "KG_MAX_DEPTH",
    "max_tokens": "KG_MAX_TOKENS",
    "max_aliases": "KG_MAX_ALIASES",
    "sparql_max_bytes": "KG_SPARQL_MAX_BYTES",
    "sparql_services": "KG_SPARQL_SERVICES",
    "sparql_workers": "KG_SPARQL_WORKERS",
    "sparql_memory_mb": "KG_SPARQL_MEMORY_MB",
    "max_body_bytes": "KG_MAX_BODY_BYTES",
    "max_argument_chars": "KG_MAX_ARGUMENT_CHARS",
}

#: Settings shown as ``***`` by ``repr``, and settings that may hold a URL with credentials.
_SECRETS = frozenset({"store_password", "api_token"})
_URLS = frozenset({"store", "update_endpoint"})


@dataclass(frozen=True, slots=True)
class Settings:
    """Every knob of kg, read once.

    Attributes:
        store: A directory for the embedded store, or the URL of a SPARQL 1.1
            query endpoint.
        update_endpoint: The SPARQL 1.1 update endpoint of a remote store.
        store_user: The remote store's user, when its URL carries none.
        store_password: That user's password; it is left out of ``repr`` and of
            every message (so are credentials written in the URLs).
        base_iri: The IRI under which entities, events and articles are minted.
        api_token: The bearer token mutations require; ``None`` disables them.
        max_article_chars: Larger articles are rejected.
        workers: Extraction processes for ingest; 0 means all cores.
        snapshot_seconds: How often an embedded-store writer publishes a snapshot for
            readers (``kg serve``) during a long ingest.
        page_size_max: The largest ``first`` a connection accepts.
        path_length_max: The largest ``maxLength`` of path queries.
        request_timeout: Seconds a GraphQL request may take.
        graphiql: Serve GraphiQL on GET /graphql.
        introspection: Allow schema introspection.
        cors_origins: Origins allowed by CORS (empty: CORS off).
        max_depth: Query depth limit.
        max_tokens: Query token limit.
        max_aliases: Query alias limit.
        sparql_max_bytes: The largest answer ``/sparql`` serialises; a query whose
            answer grows past it is stopped.
        sparql_services: Endpoint IRIs a ``/sparql`` query may federate to with
            ``SERVICE`` (exact match); empty (the default): federation is refused.
        sparql_workers: Child processes that run ``/sparql`` queries on an embedded
            store (each query runs in one, killed when it overruns its timeout); 0 runs
            them in the server's own threads, which cannot stop them (for comparison only).
        sparql_memory_mb: The address-space limit of each of those processes, in MiB
            (0: none); a query that needs more is stopped (422).
        max_body_bytes: The largest request body the server reads (413 past it).
        max_argument_chars: The longest string a GraphQL argument may be (search
            text, ids, filters); longer ones are refused before any work.
    """

    store: str = "./kg-data"
    update_endpoint: str | None = None
    store_user: str | None = None
    store_password: str | None = None
    base_iri: str = DEFAULT_BASE
    api_token: str | None = None
    max_article_chars: int = 1_000_000
    workers: int = 0
    snapshot_seconds: float = 5.0
    page_size_max: int = 100
    path_length_max: int = 8
    request_timeout: float = 10.0
    graphiql: bool = True
    introspection: bool = True
    cors_origins: tuple[str, ...] = ()
    max_depth: int = 12
    max_tokens: int = 2000
    max_aliases: int = 30
    sparql_max_bytes: int = 64 * 2**20
    sparql_services: tuple[str, ...] = ()
    sparql_workers: int = 2
    sparql_memory_mb: int = 2048
    max_body_bytes: int = 8 * 2**20
    max_argument_chars: int = 4096

    @property
    def is_remote(self) -> bool:
        """Whether ``store`` names a SPARQL endpoint rather than a directory."""
        return self.store.startswith(("http://", "https://"))

    def __repr__(self) -> str:
        """Every setting, with secrets masked and URLs without their credentials (safe to log)."""
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _SECRETS and value is not None:
                value = "***"
            elif f.name in _URLS and isinstance(value, str) and value.startswith(("http://", "https://")):
                from kg.store.sparql_http import redact_url

                value = redact_url(value)
            shown.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(shown)})"

    @property
    def store_label(self) -> str:
        """The store as messages name it: a directory, or a URL without credentials or query string."""
        if self.is_remote:
            from kg.store.sparql_http import redact_url  # httpx is only needed for remote stores

            return redact_url(self.store)
        return self.store

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read settings from ``env`` (default ``os.environ``), then apply overrides.

        Overrides whose value is ``None`` are ignored, so CLI options that were not
        given fall through to the environment.

        Raises:
            ConfigError: A value does not parse as the setting's type.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        defaults = cls()
        for f in fields(cls):
            name = _ENV.get(f.name)
            if name and name in env and env[name] != "":
                values[f.name] = _parse(name, env[name], getattr(defaults, f.name))
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = replace(defaults, **values)
        if not settings.base_iri.endswith(("/", "#")):
            raise ConfigError(f"base IRI {settings.base_iri!r} must end with '/' or '#'")
        if settings.page_size_max < 1 or settings.path_length_max < 1:
            raise ConfigError("page_size_max and path_length_max must be at least 1")
        return settings

    @property
    def worker_count(self) -> int:
        """The number of extraction processes to use (``workers`` or all cores)."""
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)


def _parse(name: str, raw: str, default: object) -> object:
    try:
        if isinstance(default, bool):
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, tuple):
            return tuple(x.strip() for x in raw.split(",") if x.strip())
    except ValueError as exc:
        kind = type(default).__name__
        raise ConfigError(f"{name}={raw!r} is not a valid {kind}") from exc
    return raw
