// The explorer's only data source: the public GraphQL API at /graphql.
// Every query here uses names fixed by the product contract (PRODUCT.md), so the page
// is a client like any other and breaks loudly if the contract does.

const ENDPOINT = "graphql"; // relative: /explore -> /graphql, also behind a path prefix

export class ApiError extends Error {
  constructor(message, data) {
    super(message);
    this.name = "ApiError";
    this.data = data ?? null;
  }
}

export async function gql(query, variables = {}) {
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch (err) {
    throw new ApiError(`the server could not be reached (${err.message})`);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`the GraphQL endpoint answered HTTP ${response.status} without JSON`);
  }
  if (body.errors && body.errors.length) {
    throw new ApiError(body.errors.map((e) => e.message).join("; "), body.data);
  }
  return body.data;
}

const ENTITY = "id label type latitude longitude";
const EVIDENCE = "text start end article { id title published url }";

const SEARCH = `query ExploreSearch($q: String!, $first: Int!) {
  entities(search: $q, first: $first) { totalCount edges { node { ${ENTITY} mentionCount } } }
}`;

const ENTITY_DETAILS = `query ExploreEntity($id: ID!) {
  entity(id: $id) {
    __typename
    ... on Entity { ${ENTITY} aliases sameAs mentionCount confidence }
    ... on EntityNotFound { message }
  }
}`;

const RELATIONSHIPS = `query ExploreRelationships($id: ID!, $first: Int!, $after: String, $derived: Boolean! = false) {
  entity(id: $id) {
    ... on Entity {
      relationships(first: $first, after: $after, derived: $derived) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { predicate predicateIri confidence
          subject { ${ENTITY} } object { ${ENTITY} } evidence { ${EVIDENCE} } } }
      }
    }
  }
}`;

const EVENT = `id label type start end casualties confidence
  place { ${ENTITY} } participants { role entity { ${ENTITY} } } evidence { ${EVIDENCE} }`;

const EVENTS = `query ExploreEvents($id: ID!, $first: Int!, $after: String) {
  entity(id: $id) {
    ... on Entity { events(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${EVENT} } } } }
  }
}`;

// `hub` (an entity's neighbourhood aggregated on the server, from its analytics graph in
// memory) is this server's extension of the contract: one cheap request for a first picture.
const HUB_FIELDS = `__typename
    ... on Hub {
      entity { ${ENTITY} aliases sameAs mentionCount confidence }
      relationCount eventCount eventTypes { name count }
      neighbours(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { weight relations events kinds { name count } entity { ${ENTITY} } } }
      }
    }`;

const HUB = `query ExploreHub($id: ID!, $first: Int!, $after: String) {
  hub(id: $id) { ${HUB_FIELDS} }
}`;

// A search and the hub of the entity it means, in one request: the page's first picture
// needs no second round trip (the server picks as pickBest does in explore.js).
const START = `query ExploreStart($q: String!, $matches: Int!, $first: Int!, $after: String) {
  entities(search: $q, first: $matches) { totalCount edges { node { ${ENTITY} mentionCount } } }
  hub(search: $q) { ${HUB_FIELDS} }
}`;

const CENTRALITY = `query ExploreCentrality($measure: CentralityMeasure!, $first: Int!) {
  centrality(measure: $measure, first: $first) { score entity { id label type } }
}`;

// Entity and Event both have `type` with different GraphQL types; alias the event's.
const PATH_NODES = "length nodes { __typename id ... on Entity { label type } ... on Event { label eventType: type start end } }";

const PATH = `query ExplorePath($from: ID!, $to: ID!, $max: Int) {
  shortestPath(from: $from, to: $to, maxLength: $max) { ${PATH_NODES} }
}`;

// `paths` (several shortest paths) is this server's extension of the contract's shortestPath.
const PATHS = `query ExplorePaths($from: ID!, $to: ID!, $max: Int, $k: Int!) {
  paths(from: $from, to: $to, k: $k, maxLength: $max) { ${PATH_NODES} }
}`;

const ARTICLE_TEXT = `query ExploreArticle($id: ID!) {
  node(id: $id) { ... on Article { id text } }
}`;

export const PAGE = 100; // the server's default page-size cap

export async function searchEntities(q, first = 10) {
  const data = await gql(SEARCH, { q, first });
  return data.entities.edges.map((e) => e.node);
}

export async function entityDetails(id) {
  const data = await gql(ENTITY_DETAILS, { id });
  return data.entity;
}

// One page of an entity's relationships; `derived` adds the facts no text states (a
// place's containment from GeoNames), which a hub's aggregated edges count too.
export async function relationshipsOf(id, after = null, derived = false) {
  const data = await gql(RELATIONSHIPS, { id, first: PAGE, after, derived });
  const conn = data.entity?.relationships;
  return conn
    ? { total: conn.totalCount, items: conn.edges.map((e) => e.node), hasNext: conn.pageInfo.hasNextPage, cursor: conn.pageInfo.endCursor }
    : { total: 0, items: [], hasNext: false, cursor: null };
}

// The most relationships fetched for one hub (a page at a time, after the first picture).
export const MAX_RELATIONS = 1000;

// The most events fetched for one entity (a page at a time, after the first picture).
export const MAX_EVENTS = 1000;

export async function eventsOf(id, after = null, first = PAGE) {
  const data = await gql(EVENTS, { id, first, after });
  const conn = data.entity?.events;
  return conn
    ? { total: conn.totalCount, items: conn.edges.map((e) => e.node), hasNext: conn.pageInfo.hasNextPage, cursor: conn.pageInfo.endCursor }
    : { total: 0, items: [], hasNext: false, cursor: null };
}

// An entity's aggregated neighbourhood: {relations, events, types: [{name, count}],
// neighbours: [{entity, weight, relations, events, kinds}], total, hasNext, cursor}; null
// when the server does not know the entity.
export async function hubOf(id, after = null, first = PAGE) {
  return parseHub((await gql(HUB, { id, first, after })).hub);
}

function parseHub(hub) {
  if (hub?.__typename !== "Hub") return null;
  const conn = hub.neighbours;
  return {
    entity: hub.entity,
    relations: hub.relationCount,
    events: hub.eventCount,
    types: hub.eventTypes,
    neighbours: conn.edges.map((e) => e.node),
    total: conn.totalCount,
    hasNext: conn.pageInfo.hasNextPage,
    cursor: conn.pageInfo.endCursor,
  };
}

// The entities a search matches (as searchEntities) and the hub of the one it means.
export async function searchWithHub(q, matches = 10) {
  const data = await gql(START, { q, matches, first: PAGE, after: null });
  return { found: data.entities.edges.map((e) => e.node), hub: parseHub(data.hub) };
}

const articleTexts = new Map(); // article id -> Promise of its text; texts do not change

export function articleText(id) {
  if (!articleTexts.has(id)) {
    const p = gql(ARTICLE_TEXT, { id }).then((d) => d.node?.text ?? null);
    p.catch(() => articleTexts.delete(id));
    articleTexts.set(id, p);
  }
  return articleTexts.get(id);
}

export async function centrality(measure) {
  const data = await gql(CENTRALITY, { measure, first: PAGE });
  return data.centrality; // [{score, entity: {id, label, type}}], highest first
}

// Up to k shortest paths, shortest first; a server without `paths` answers with the
// one path the contract's shortestPath gives.
export async function shortestPaths(from, to, max, k = 3) {
  try {
    return (await gql(PATHS, { from, to, max, k })).paths;
  } catch (err) {
    if (!(err instanceof ApiError) || !/Cannot query field .paths./.test(err.message)) throw err;
  }
  const one = (await gql(PATH, { from, to, max })).shortestPath;
  return one ? [one] : [];
}

// What supports each step of a path: each entity's relationships and each event's
// participants, fetched under aliases (n0, n1, ...) a few nodes per request so that the
// server's alias limit is never reached. Returns a Map from node id to its details.
const PER_REQUEST = 10;

// The query for one chunk of path nodes ({id, __typename}), with its variables.
export function pathDetailsQuery(chunk) {
  const vars = [];
  const parts = chunk.map((n, i) => {
    vars.push(`$i${i}: ID!`);
    if (n.__typename === "Event") {
      return `n${i}: node(id: $i${i}) { ... on Event { id place { id } participants { role entity { id } } evidence { ${EVIDENCE} } } }`;
    }
    return `n${i}: entity(id: $i${i}) { ... on Entity { id relationships(first: ${PAGE}) { edges { node {
      predicate confidence subject { id label } object { id label } evidence { ${EVIDENCE} } } } } } }`;
  });
  const query = `query ExplorePathEvidence(${vars.join(", ")}) {\n${parts.join("\n")}\n}`;
  return { query, variables: Object.fromEntries(chunk.map((n, i) => [`i${i}`, n.id])) };
}

export async function pathDetails(nodes) {
  const unique = [...new Map(nodes.map((n) => [n.id, n])).values()];
  const out = new Map();
  for (let at = 0; at < unique.length; at += PER_REQUEST) {
    const chunk = unique.slice(at, at + PER_REQUEST);
    const { query, variables } = pathDetailsQuery(chunk);
    const data = await gql(query, variables);
    chunk.forEach((n, i) => out.set(n.id, data[`n${i}`]));
  }
  return out;
}

// Every fixed query the page sends, by name (the tests validate them against the schema).
export const QUERIES = { SEARCH, START, ENTITY_DETAILS, HUB, RELATIONSHIPS, EVENTS, ARTICLE_TEXT, CENTRALITY, PATH, PATHS };
