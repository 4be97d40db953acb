"""Mutations: ingest and delete articles, for holders of the API token only.

Expected failures are results, not errors: a client asks for ``__typename`` and
handles ``InvalidArticle``, ``NotAuthorised``, ``ArticleNotFound`` or ``StoreBusy``
(retryable: a CLI writer holds the store) like any other answer. The analytics projection follows every change: ingest feeds each
stored extraction to it (``ingest_articles``'s ``on_stored``), delete removes
the article from it after its graph is dropped.
"""

from __future__ import annotations

import enum
from typing import Annotated

import strawberry

from api.inputs import ArticleInput, article_id
from api.types import Article, KGInfo
from kg.errors import InputError, InputProblem, StoreLockedError
from kg.ingest import ingest_articles
from kg.ingest.sources import article_from_fields
from kg.rdf import article_iri

__all__ = ["DeleteResult", "IngestResult", "Mutation", "StoreBusy"]

_DISABLED = "mutations are disabled: the server has no API token (set KG_API_TOKEN)"
_REFUSED = "mutations need the header `Authorization: Bearer <token>` with the server's API token"


@strawberry.enum(description="What ingesting an article did.")
class IngestStatus(enum.Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"


@strawberry.type(description="The article was stored (or was already, unchanged).")
class IngestSuccess:
    status: IngestStatus
    article: Article
    mentions: int
    entities: int
    events: int
    relations: int


@strawberry.type(description="The article was rejected; `field` names the input at fault.")
class InvalidArticle:
    field: str | None
    reason: str = strawberry.field(description=f"What kind of problem: {', '.join(InputProblem)}.")
    message: str


@strawberry.type(description="The request does not carry the API token, or mutations are disabled.")
class NotAuthorised:
    message: str


@strawberry.type(description="The article and everything only it supported were removed.")
class ArticleDeleted:
    id: strawberry.ID
    iri: str


@strawberry.type(description="No article has the id that was given.")
class ArticleNotFound:
    id: strawberry.ID
    message: str


@strawberry.type(
    description="Another process (such as a running `kg ingest`) is writing the store; nothing was "
    "written. The same request can be sent again after `retryAfter` seconds."
)
class StoreBusy:
    message: str
    retry_after: float


IngestResult = Annotated[IngestSuccess | InvalidArticle | NotAuthorised | StoreBusy, strawberry.union("IngestResult")]
DeleteResult = Annotated[ArticleDeleted | ArticleNotFound | NotAuthorised | StoreBusy, strawberry.union("DeleteResult")]

#: Seconds a client is told to wait before retrying a write the store refused as busy.
RETRY_AFTER = 5.0


def _busy() -> StoreBusy:
    # The lock error names the store's path; clients get no paths.
    return StoreBusy(
        message="the store is being written by another process (such as `kg ingest`); nothing was written",
        retry_after=RETRY_AFTER,
    )


def _invalid(exc: InputError) -> InvalidArticle:
    """The rejection a client sees: the field at fault and the problem's stable code (the error's class's)."""
    field = exc.field
    if field is None and exc.reason.startswith("id "):  # the reader's one id check names no field
        field = "id"
    return InvalidArticle(field=field, reason=exc.problem.value, message=exc.reason)


def _refusal(info: KGInfo) -> NotAuthorised | None:
    ctx = info.context
    if not ctx.settings.api_token:
        return NotAuthorised(message=_DISABLED)
    if not ctx.authorised():
        return NotAuthorised(message=_REFUSED)
    return None


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Extract an article and store it (replacing an older version with the same id).")
    async def ingest_article(self, info: KGInfo, input: ArticleInput) -> IngestResult:  # noqa: A002
        refused = _refusal(info)
        if refused is not None:
            return refused
        ctx = info.context
        fields = {
            "text": input.text,
            "title": input.title,
            "published": input.published,
            "url": input.url,
            "source": input.source,
            "id": str(input.id) if input.id is not None else None,
        }
        try:
            article = article_from_fields(fields, "ingestArticle", max_chars=ctx.settings.max_article_chars)
        except InputError as exc:
            return _invalid(exc)
        existed = bool(await ctx.run(ctx.store.article_digests, [article_iri(ctx.base, article.id)]))
        projection = ctx.graph()
        try:
            report = await ctx.run(
                ingest_articles, [article], ctx.store, ctx.settings, on_stored=projection.add_extraction
            )
        except StoreLockedError:
            return _busy()
        ctx.written()
        if report.unchanged:
            status = IngestStatus.UNCHANGED
        else:
            status = IngestStatus.UPDATED if existed else IngestStatus.CREATED
        view = await ctx.loaders.articles.load(article.id)
        if view is None:  # ingest_articles wrote it (or found it) a moment ago
            raise RuntimeError(f"article {article.id!r} is missing right after ingest")
        return IngestSuccess(
            status=status,
            article=Article.from_view(view),
            mentions=report.mentions,
            entities=report.entities,
            events=report.events,
            relations=report.relations,
        )

    @strawberry.mutation(
        description="Remove an article's named graph, and so every fact only it supported; id: global id, IRI or id."
    )
    async def delete_article(self, info: KGInfo, id: strawberry.ID) -> DeleteResult:  # noqa: A002
        refused = _refusal(info)
        if refused is not None:
            return refused
        ctx = info.context
        plain = article_id(str(id), ctx.base)
        iri = article_iri(ctx.base, plain)
        try:
            existed = await ctx.run(ctx.store.delete_article, iri)
        except StoreLockedError:
            return _busy()
        if not existed:
            return ArticleNotFound(id=id, message=f"no article has the id {str(id)!r}")
        ctx.graph().remove_article(plain)
        ctx.written()
        return ArticleDeleted(id=id, iri=iri)
