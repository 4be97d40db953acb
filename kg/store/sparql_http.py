"""The SPARQL 1.1 Protocol over HTTP, as every server answers it: the remote store's transport.

Queries go as a GET (``?query=``) when the encoded query is short and as a
form-encoded POST (``query=...``) otherwise: every SPARQL 1.1 server must accept
both, and Virtuoso 7.2 never answers the third way the protocol allows (a POST
with the query as an ``application/sparql-query`` body). Updates are POSTed as
``application/sparql-update``, which all servers accept.

Credentials come from the URL (``https://user:secret@host/sparql``), from
``KG_STORE_USER`` / ``KG_STORE_PASSWORD``, or from ``~/.netrc``, in that order.
They are sent only when the server asks (HTTP Basic or Digest, whichever it
challenges with; the scheme it chose is then used from the first request on),
and they never appear in a message: every error names the endpoint as
``scheme://host:port/path``, without user, password or query string.
"""

from __future__ import annotations

import contextlib
import netrc
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, unquote, urlencode, urlsplit, urlunsplit

import httpx

from kg.errors import ConfigError, StoreError

__all__ = ["SparqlClient", "SparqlEndpoints", "redact_url"]

#: Queries whose URL-encoded form is at most this long are sent as a GET (cacheable,
#: and the cheapest request); longer ones as a form-encoded POST. 2,000 characters
#: keeps the whole request line under the 4-8 KiB limits of common servers and proxies.
GET_LIMIT = 2000
#: Status codes retried with backoff (every request kg sends is idempotent).
_RETRIED = frozenset({502, 503, 504})


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise ConfigError(f"the SPARQL endpoint {redact_url(url)} is not a valid URL: {exc}") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"the SPARQL endpoint {redact_url(url)} is not an http(s) URL")
    return parts


def redact_url(url: str) -> str:
    """Return ``url`` as ``scheme://host:port/path``: no user, password, query or fragment.

    This is how kg names a remote store in every message, log line and answer.

    >>> redact_url("https://kg:secret@db.example:8890/sparql?token=x")
    'https://db.example:8890/sparql'
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "<an invalid URL>"
    if ":" in host:
        host = f"[{host}]"  # IPv6
    netloc = f"{host}:{port}" if port is not None else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _without_userinfo(url: str) -> str:
    parts = _split(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port is not None else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


@dataclass(frozen=True, slots=True)
class SparqlEndpoints:
    """Where a remote store is and how to log in: what a process needs to reach it.

    Attributes:
        query: The query URL, without credentials (it may keep a query string).
        update: The update URL, without credentials.
        user: The user name, if any.
        password: The password (never in ``repr``).
    """

    query: str
    update: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def parse(
        cls,
        query: str,
        update: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        netrc_file: str | None = None,
        use_netrc: bool = True,
    ) -> SparqlEndpoints:
        """Separate the endpoints from their credentials.

        Credentials in the query URL win, then those in the update URL, then
        ``user``/``password`` (``KG_STORE_USER``/``KG_STORE_PASSWORD``), then the
        netrc entry of the query URL's host (``netrc_file``, default ``~/.netrc``).

        Raises:
            ConfigError: A URL is not an http(s) URL.
        """
        update = update or query
        q, u = _split(query), _split(update)
        for parts in (q, u):
            if parts.username is not None:
                user, password = unquote(parts.username), unquote(parts.password or "")
                break
        if user is None and use_netrc:
            user, password = _from_netrc(q.hostname or "", netrc_file)
        return cls(_without_userinfo(query), _without_userinfo(update), user, password)

    @property
    def label(self) -> str:
        """The query endpoint as messages name it (:func:`redact_url`)."""
        return redact_url(self.query)


def _from_netrc(host: str, path: str | None) -> tuple[str | None, str | None]:
    with contextlib.suppress(OSError, netrc.NetrcParseError):
        found = netrc.netrc(path).authenticators(host)
        if found is not None:
            login, _, secret = found
            return login or None, secret
    return None, None


class _ChallengeAuth(httpx.Auth):
    """HTTP Basic or Digest, whichever the server asks for; nothing is sent before it asks.

    Once a server has challenged with Basic, later requests carry it from the start;
    Digest keeps its nonce between requests (httpx's :class:`httpx.DigestAuth`).
    """

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._scheme == "basic":
            yield from self._basic.auth_flow(request)
            return
        if self._scheme == "digest":
            yield from self._digest.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "").lower()
        if challenge.startswith("digest"):
            self._scheme = "digest"
            # The digest flow answers this challenge and keeps it for the next requests.
            flow = self._digest.auth_flow(request)
            next(flow)
            with contextlib.suppress(StopIteration):
                retried = flow.send(response)
                response = yield retried
                with contextlib.suppress(StopIteration):
                    flow.send(response)
        elif challenge.startswith("basic"):
            self._scheme = "basic"
            yield from self._basic.auth_flow(request)


def _keyword(sparql: str) -> str:
    """The operation a SPARQL text starts with (after prologue and comments), for messages."""
    for line in sparql.splitlines():
        text = line.split("#", 1)[0].strip()
        for word in text.split():
            upper = word.upper()
            if upper in {"PREFIX", "BASE"} or upper.startswith("<") or upper.endswith(":"):
                continue
            return upper.rstrip("{")
    return "empty"


class SparqlClient:
    """One HTTP connection pool to a query endpoint and an update endpoint.

    Args:
        endpoints: Where the store is, and its credentials.
        timeout: Seconds per request (connect, read and write each).
        retries: Further attempts after a dropped connection, a timeout or a 502/503/504.
        direct_post: Send long queries as an ``application/sparql-query`` body
            instead of a form (not every server answers it: see the module docstring).
        transport: An httpx transport (tests use a mock one).
    """

    def __init__(
        self,
        endpoints: SparqlEndpoints,
        *,
        timeout: float = 60.0,
        retries: int = 3,
        direct_post: bool = False,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.endpoints = endpoints
        auth = _ChallengeAuth(endpoints.user, endpoints.password or "") if endpoints.user is not None else None
        # Proxies and CA bundles still come from the environment (HTTPS_PROXY, SSL_CERT_FILE);
        # httpx reads no netrc by itself, so credentials are only those given here.
        self._http = httpx.Client(timeout=timeout, auth=auth, transport=transport)
        self._retries = retries
        self._direct = direct_post
        self._secrets = [s for s in (endpoints.password,) if s]

    def _clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _send(self, operation: str, url: str, build: dict[str, Any], *, check: bool = True) -> httpx.Response:
        label = redact_url(url)
        attempt = 0
        while True:
            try:
                r = self._http.request(url=url, **build)
            except httpx.HTTPError as exc:
                if attempt >= self._retries:
                    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "unreachable"
                    reason = self._clean(str(exc)) or type(exc).__name__
                    raise StoreError(
                        f"SPARQL {operation} at {label} failed: endpoint {label} {kind} "
                        f"after {attempt + 1} attempt(s): {reason}"
                    ) from None
            else:
                if r.status_code not in _RETRIED or attempt >= self._retries:
                    break
            attempt += 1
            time.sleep(0.2 * 2**attempt)
        if not check:
            return r
        if r.status_code in {401, 403}:
            who = "without credentials" if self.endpoints.user is None else f"as user {self.endpoints.user!r}"
            raise StoreError(
                f"SPARQL {operation} at {label} was refused ({r.status_code}) {who}: give a user that may "
                "do it (in the URL, KG_STORE_USER/KG_STORE_PASSWORD or ~/.netrc)"
            )
        if r.status_code >= 400:
            raise StoreError(
                f"SPARQL {operation} at {label} failed: the endpoint answered {r.status_code}: "
                f"{self._clean(r.text[:300])}"
            )
        return r

    def query(self, sparql: str, accept: str, *, check: bool = True) -> httpx.Response:
        """Send a query (GET when short, form POST otherwise) and return the successful response.

        With ``check=False`` an error status is returned rather than raised.

        Raises:
            StoreError: The endpoint failed, refused or could not be reached (after retries).
        """
        url = self.endpoints.query
        headers = {"Accept": accept}
        encoded = urlencode({"query": sparql})
        build: dict[str, Any]
        if len(encoded) <= GET_LIMIT and not self._direct:
            sep = "&" if "?" in url else "?"
            build = {"method": "GET", "headers": headers}
            url = f"{url}{sep}{encoded}"
        elif self._direct:
            headers["Content-Type"] = "application/sparql-query"
            build = {"method": "POST", "headers": headers, "content": sparql.encode("utf-8")}
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            build = {"method": "POST", "headers": headers, "content": encoded.encode("ascii")}
        return self._send(f"query ({_keyword(sparql)})", url, build, check=check)

    def update(self, sparql: str) -> httpx.Response:
        """POST an update as ``application/sparql-update`` and return the successful response.

        Raises:
            StoreError: The endpoint failed, refused or could not be reached (after retries).
        """
        headers = {"Content-Type": "application/sparql-update"}
        build = {"method": "POST", "headers": headers, "content": sparql.encode("utf-8")}
        return self._send(f"update ({_keyword(sparql)})", self.endpoints.update, build)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()
