// The explorer: search, a neighbourhood graph that grows on click, evidence, a text
// list of the same facts, a timeline, a map and a path finder. All data comes from
// /graphql (see api.js); this file only keeps the page's state and draws it.

import * as api from "./api.js";
import { GraphView } from "./graph.js";
import { drawMap, drawTimeline, eventSpan, filterEvents, sentenceAround, typeColour, when } from "./panels.js";

const $ = (sel) => document.querySelector(sel);
const TYPE_NAMES = { PERSON: "person", ORGANISATION: "organisation", PLACE: "place", EVENT: "event" };

const state = {
  nodes: new Map(), // id -> {id, label, type, kind, typeName, latitude, longitude, expanded, event?}
  edges: new Map(), // key -> {key, source, target, label, kind, confidence, evidence, ...}
  anchors: new Map(), // node id -> the node it was reached from (for placement)
  events: new Map(), // event id -> event as the API returned it
  selected: null,
  known: new Map(), // lower-case label -> id, for the path finder's inputs
  scores: new Map(),
  ranked: [], // the current measure's top entities, highest first
  pending: 0,
  errors: [], // what failed to load since the last search, shown in the status line
};

// ---- small DOM helpers -------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}

// Links only to web pages: an IRI or URL from the data is never a script to run.
function safeUrl(url) {
  return /^https?:\/\//i.test(url ?? "") ? url : null;
}

function status(message, kind = "info") {
  const el = $("#status");
  el.textContent = message;
  el.className = kind;
}

function busy(delta) {
  state.pending += delta;
  document.body.classList.toggle("busy", state.pending > 0);
  document.body.dataset.pending = String(state.pending);
}

async function guarded(what, fn) {
  busy(1);
  try {
    return await fn();
  } catch (err) {
    state.errors.push(`${what}: ${err.message}`);
    status(`Could not load ${what}: ${err.message}`, "error");
    return null;
  } finally {
    busy(-1);
  }
}

// ---- the graph's content -----------------------------------------------------------

function addEntity(e, from = null) {
  state.known.set(e.label.toLowerCase(), e.id);
  let n = state.nodes.get(e.id);
  if (!n) {
    n = { id: e.id, kind: "entity", expanded: false };
    state.nodes.set(e.id, n);
    if (from) state.anchors.set(e.id, from);
  }
  Object.assign(n, { label: e.label, type: e.type, typeName: TYPE_NAMES[e.type] ?? e.type });
  if (e.latitude !== undefined) Object.assign(n, { latitude: e.latitude, longitude: e.longitude });
  return n;
}

function addEvent(ev, from) {
  state.events.set(ev.id, ev);
  let n = state.nodes.get(ev.id);
  if (!n) {
    n = { id: ev.id, kind: "event", type: "EVENT", expanded: false };
    state.nodes.set(ev.id, n);
    if (from) state.anchors.set(ev.id, from);
  }
  Object.assign(n, { label: ev.label, typeName: `${ev.type} event`, event: ev });
  return n;
}

function addEdge(edge) {
  const old = state.edges.get(edge.key);
  if (old) return old;
  const s = state.nodes.get(edge.source);
  const t = state.nodes.get(edge.target);
  const full = { ...edge, sourceLabel: s?.label ?? edge.source, targetLabel: t?.label ?? edge.target };
  state.edges.set(edge.key, full);
  return full;
}

function relationshipEdge(r) {
  return {
    key: `rel|${r.subject.id}|${r.predicate}|${r.object.id}`,
    source: r.subject.id,
    target: r.object.id,
    label: r.predicate,
    kind: "relationship",
    confidence: r.confidence,
    evidence: r.evidence,
  };
}

function roleEdges(ev) {
  const out = ev.participants.map((p) => ({
    key: `role|${ev.id}|${p.role}|${p.entity.id}`,
    source: ev.id,
    target: p.entity.id,
    label: p.role,
    kind: "role",
    confidence: ev.confidence,
    evidence: ev.evidence,
    event: ev,
  }));
  if (ev.place) {
    out.push({ key: `place|${ev.id}|${ev.place.id}`, source: ev.id, target: ev.place.id, label: "place", kind: "role", confidence: ev.confidence, evidence: ev.evidence, event: ev });
  }
  return out;
}

// ---- hubs: an entity with more neighbours than fit in one readable picture ----------

const FIRST_NODES = 40; // nodes drawn at first around a hub
const MORE_NODES = 20; // nodes each "show more" adds

// An entity's neighbourhood aggregated, as the server's `hub` answers it: one edge per
// linked entity, weighted by the relations and events they share and labelled with their
// kinds; events counted by type. The events and relations themselves (for the groups,
// the evidence, the timeline and the lists) arrive after the first picture.
function hubState(id, summary) {
  return {
    id,
    neighbours: summary.neighbours.map((n) => ({ entity: n.entity, weight: n.weight, kinds: new Map(n.kinds.map((k) => [k.name, k.count])) })),
    groups: summary.types.map((t) => ({ hub: id, type: t.name, count: t.count, events: [] })),
    relations: [],
    events: [],
    totals: { relations: summary.relations, events: summary.events, neighbours: summary.total },
    complete: false, // true once every event and relation has loaded
    shown: 0,
    openGroups: new Set(),
  };
}

function kindsText(kinds) {
  return [...kinds.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(", ");
}

function groupId(hub, type) {
  return `group|${hub}|${type}`;
}

// The sentences behind an aggregated edge: the relations and events the two share.
function sharedFacts(agg, other) {
  const rels = agg.relations.filter((r) => r.subject.id === other || r.object.id === other);
  const evs = agg.events.filter((ev) => ev.place?.id === other || ev.participants.some((p) => p.entity.id === other));
  return {
    confidence: Math.max(0, ...rels.map((r) => r.confidence), ...evs.map((ev) => ev.confidence)),
    evidence: [...rels.flatMap((r) => r.evidence ?? []), ...evs.flatMap((ev) => ev.evidence ?? [])].slice(0, 20),
  };
}

// Draw the hub, its event groups and its most linked neighbours, up to `limit` nodes.
function drawHub(hub, limit) {
  const agg = hub.hub;
  const room = Math.max(0, limit - 1 - agg.groups.length);
  agg.shown = Math.min(agg.neighbours.length, Math.max(agg.shown, room));
  for (const group of agg.groups) {
    const gid = groupId(hub.id, group.type);
    if (!state.nodes.has(gid)) {
      const n = group.count;
      state.nodes.set(gid, { id: gid, kind: "group", type: "EVENT", expanded: false, label: `${group.type} (${n})`, typeName: `group of ${n} ${group.type} event${n === 1 ? "" : "s"}`, group });
      state.anchors.set(gid, hub.id);
    }
    addEdge({ key: `grp|${hub.id}|${group.type}`, source: hub.id, target: gid, label: `${group.count}`, kind: "group", weight: group.count, evidence: [] });
  }
  for (const a of agg.neighbours.slice(0, agg.shown)) {
    addEntity(a.entity, hub.id);
    addEdge({ key: `agg|${hub.id}|${a.entity.id}`, source: hub.id, target: a.entity.id, label: `${a.weight}: ${kindsText(a.kinds)}`, kind: "aggregate", weight: a.weight, hub: hub.id, ...sharedFacts(agg, a.entity.id) });
  }
}

// A click on an event group draws its events around it (and lists them); before the
// hub's events have loaded, the group opens as soon as they have.
function expandGroup(gid) {
  const n = state.nodes.get(gid);
  if (!n || n.expanded) return;
  const hub = state.nodes.get(n.group.hub);
  hub?.hub?.openGroups.add(n.group.type);
  if (hub?.hub && !hub.hub.complete) return;
  n.expanded = true;
  for (const ev of n.group.events.slice(0, FIRST_NODES)) {
    addEvent(ev, gid);
    addEdge({ key: `in|${gid}|${ev.id}`, source: gid, target: ev.id, label: "", kind: "member", confidence: ev.confidence, evidence: ev.evidence, event: ev });
  }
  n.truncated = n.group.events.length > FIRST_NODES;
}

function hiddenCount() {
  let hidden = 0;
  for (const n of state.nodes.values()) if (n.hub) hidden += n.hub.neighbours.length - n.hub.shown;
  return hidden;
}

function renderShowMore() {
  const button = $("#show-more");
  const hidden = hiddenCount();
  button.hidden = hidden === 0;
  button.textContent = `Show ${Math.min(MORE_NODES, hidden)} more (${hidden} not drawn)`;
}

function showMore() {
  for (const n of state.nodes.values()) {
    if (n.hub && n.hub.shown < n.hub.neighbours.length) drawHub(n, n.hub.shown + 1 + n.hub.groups.length + MORE_NODES);
  }
  redraw();
}

async function expandEntity(id) {
  const node = state.nodes.get(id);
  if (!node || node.expanded) return;
  node.expanded = true;
  // One request first: the aggregated neighbourhood, which says whether this is a hub.
  const summary = node.prefetched ?? (await guarded("neighbourhood", () => api.hubOf(id)));
  delete node.prefetched;
  const related = summary ? summary.neighbours.filter((n) => n.relations > 0).length : 0;
  if (summary && (summary.hasNext || summary.events + related > FIRST_NODES)) {
    // A hub: draw the first nodes now; its events, relations and other neighbours follow.
    node.hub = hubState(id, summary);
    drawHub(node, FIRST_NODES);
    loadHub(node, summary);
    return;
  }
  const [rels, evs] = await Promise.all([guarded("relationships", () => api.relationshipsOf(id)), guarded("events", () => api.eventsOf(id))]);
  for (const r of rels?.items ?? []) {
    addEntity(r.subject, id);
    addEntity(r.object, id);
    addEdge(relationshipEdge(r));
  }
  for (const ev of evs?.items ?? []) {
    addEvent(ev, id);
    // only the edges that touch this entity; the rest appear when the event is expanded
    for (const e of roleEdges(ev)) if (e.target === id) addEdge(e);
  }
  node.truncated = (rels && rels.total > rels.items.length) || (evs && evs.total > evs.items.length);
}

// Every page of a list, one after another, up to `max` items.
async function allPages(what, fetchPage, first, max) {
  const items = [...(first?.items ?? [])];
  let page = first;
  while (page?.hasNext && items.length < max) {
    const cursor = page.cursor;
    page = await guarded(what, () => fetchPage(cursor));
    if (page) items.push(...page.items);
  }
  return items;
}

// After a hub's first picture: its other neighbours (for the complete list), its
// relations and every event (for the groups, evidence, timeline), then draw again.
async function loadHub(node, summary) {
  const agg = node.hub;
  busy(1); // pending until all has loaded, not only while each page loads
  try {
    const [neighbours, rels, events] = await Promise.all([
      allPages("more neighbours", (after) => api.hubOf(node.id, after).then((h) => h && { ...h, items: h.neighbours }), { ...summary, items: [] }, Infinity),
      // every page, derived facts too: the list is complete and each aggregated edge has its sentences
      guarded("relationships", () => api.relationshipsOf(node.id, null, true)).then((first) =>
        allPages("more relationships", (after) => api.relationshipsOf(node.id, after, true), first, api.MAX_RELATIONS),
      ),
      guarded("events", () => api.eventsOf(node.id)).then((first) => allPages("more events", (after) => api.eventsOf(node.id, after), first, api.MAX_EVENTS)),
    ]);
    for (const n of neighbours) agg.neighbours.push({ entity: n.entity, weight: n.weight, kinds: new Map(n.kinds.map((k) => [k.name, k.count])) });
    agg.relations = rels;
    agg.events = events;
    const groups = new Map(agg.groups.map((g) => [g.type, g]));
    for (const ev of events) {
      if (!groups.has(ev.type)) {
        const g = { hub: node.id, type: ev.type, count: 0, events: [] };
        groups.set(ev.type, g);
        agg.groups.push(g);
      }
      groups.get(ev.type).events.push(ev);
    }
    for (const g of agg.groups) g.count = Math.max(g.count, g.events.length);
    agg.complete = true;
  } finally {
    busy(-1);
  }
  if (state.nodes.get(node.id) !== node) return; // a new search replaced it
  for (const e of state.edges.values()) if (e.kind === "aggregate" && e.hub === node.id) Object.assign(e, sharedFacts(agg, e.target));
  for (const type of agg.openGroups) expandGroup(groupId(node.id, type));
  redraw();
}

function expandEvent(id) {
  const node = state.nodes.get(id);
  if (!node || node.expanded) return;
  node.expanded = true;
  const ev = state.events.get(id);
  for (const p of ev.participants) addEntity(p.entity, id);
  if (ev.place) addEntity(ev.place, id);
  for (const e of roleEdges(ev)) addEdge(e);
}

// ---- drawing -----------------------------------------------------------------------

const view = new GraphView($("#graph"), {
  onNode: (n) => {
    if (n.kind === "event") showEventEvidence(state.events.get(n.id));
    if (n.kind === "group") {
      expandGroup(n.id);
      state.selected = n.id;
      redraw();
      return;
    }
    select(n.id, { expand: true });
  },
  onEdge: (e) => showEdgeEvidence(e),
});

function redraw() {
  const nodes = [...state.nodes.values()];
  for (const e of state.edges.values()) {
    e.sourceLabel = state.nodes.get(e.source)?.label ?? e.source;
    e.targetLabel = state.nodes.get(e.target)?.label ?? e.target;
  }
  view.setData(nodes, [...state.edges.values()], state.anchors);
  view.select(state.selected);
  renderShowMore();
  renderSelection();
  renderLists();
  renderTimeline();
  renderMap();
}

function edgesOf(id) {
  return [...state.edges.values()].filter((e) => e.source === id || e.target === id);
}

function renderSelection() {
  const box = $("#selection");
  const n = state.nodes.get(state.selected);
  if (!n) return;
  const rows = [h("p", { class: "kind" }, h("span", { class: `swatch ${n.type}` }), n.typeName)];
  if (n.kind === "entity") {
    const d = n.details;
    if (d?.aliases?.length) rows.push(h("p", {}, "Also called: ", d.aliases.join(", ")));
    if (d) rows.push(h("p", {}, `Mentioned ${d.mentionCount} time${d.mentionCount === 1 ? "" : "s"}; confidence ${d.confidence.toFixed(2)}.`));
    if (n.latitude !== null && n.latitude !== undefined) rows.push(h("p", {}, `At ${n.latitude.toFixed(4)}, ${n.longitude.toFixed(4)}.`));
    for (const iri of d?.sameAs ?? []) rows.push(h("p", {}, "Same as ", safeUrl(iri) ? h("a", { href: iri, rel: "noopener" }, iri) : iri));
    if (n.hub) {
      const t = n.hub.totals;
      rows.push(h("p", {}, `${t.relations} relationship(s) and ${t.events} event(s) with ${t.neighbours} linked entities; ${n.hub.shown} drawn, events grouped by type (click a group to open it).`));
    } else if (n.truncated) rows.push(h("p", { class: "hint" }, "Only the first 100 relationships or events are drawn."));
  } else if (n.group) {
    rows.push(h("p", {}, `${n.group.count} ${n.group.type} event(s)${n.truncated ? `; the first ${FIRST_NODES} are drawn, all are listed` : ""}.`));
  } else if (n.event) {
    rows.push(h("p", {}, `${n.event.type}, ${when(n.event)}`));
    if (n.event.casualties !== null && n.event.casualties !== undefined) rows.push(h("p", {}, `Casualties: ${n.event.casualties}`));
  }
  const actions = h(
    "p",
    { class: "actions" },
    h("button", { type: "button", onclick: () => usePathEnd("#path-from", n) }, "Path from here"),
    h("button", { type: "button", onclick: () => usePathEnd("#path-to", n) }, "Path to here"),
  );
  box.replaceChildren(h("h3", { id: "selected-label" }, n.label), ...rows, actions);
}

// A hub's lists are complete (every linked entity, every event group), whatever is drawn.
function renderHubLists(n) {
  const agg = n.hub;
  const open = (id, entity) => {
    addEntity(entity, n.id);
    select(id, { expand: true });
  };
  $("#neighbours").replaceChildren(
    ...agg.groups.map(({ type, count }) =>
      h(
        "li",
        { "data-group": type },
        h("button", { type: "button", class: "link", onclick: () => { expandGroup(groupId(n.id, type)); state.selected = groupId(n.id, type); redraw(); } }, `${type} events`),
        ` (${count})`,
      ),
    ),
    ...agg.neighbours.map((a) =>
      h(
        "li",
        { "data-id": a.entity.id, "data-weight": a.weight },
        h("button", { type: "button", class: "link", onclick: () => open(a.entity.id, a.entity) }, a.entity.label),
        ` (${TYPE_NAMES[a.entity.type] ?? a.entity.type}; ${a.weight} shared: ${kindsText(a.kinds)})`,
      ),
    ),
  );
  const rels = agg.relations;
  if (!agg.complete) {
    $("#relationships").replaceChildren(h("li", { class: "hint" }, `Loading ${agg.totals.relations} relationship(s)…`));
    return;
  }
  $("#relationships").replaceChildren(
    ...rels.map((r) => {
      const e = relationshipEdge(r);
      return h(
        "li",
        { "data-key": e.key },
        h("span", { class: "fact" }, `${r.subject.label} `, h("em", {}, r.predicate), ` ${r.object.label}`),
        " ",
        h("button", { type: "button", class: "evidence-button", onclick: () => showEdgeEvidence(e) }, `evidence (${r.evidence?.length ?? 0})`),
      );
    }),
  );
  if (!rels.length) $("#relationships").replaceChildren(h("li", { class: "hint" }, "No relationships found."));
}

function renderLists() {
  const id = state.selected;
  const neighbours = $("#neighbours");
  const relationships = $("#relationships");
  if (!id) return;
  const hub = state.nodes.get(id);
  if (hub?.hub) {
    renderHubLists(hub);
    return;
  }
  if (hub?.kind === "group") {
    const loading = hub.group.events.length < hub.group.count ? [h("li", { class: "hint" }, `Loading ${hub.group.count} event(s)…`)] : [];
    neighbours.replaceChildren(
      ...loading,
      ...hub.group.events.map((ev) => h("li", { "data-id": ev.id }, h("button", { type: "button", class: "link", onclick: () => selectEvent(ev) }, ev.label), ` — ${ev.type}, ${when(ev)}`)),
    );
    relationships.replaceChildren(h("li", { class: "hint" }, `${hub.group.count} ${hub.group.type} event(s) of ${state.nodes.get(hub.group.hub)?.label ?? ""}.`));
    return;
  }
  const edges = edgesOf(id);
  const seen = new Map();
  for (const e of edges) {
    const other = e.source === id ? e.target : e.source;
    if (!seen.has(other)) seen.set(other, []);
    seen.get(other).push(e.label);
  }
  const items = [...seen.entries()]
    .map(([other, labels]) => [state.nodes.get(other), labels])
    .filter(([n]) => n)
    .sort((a, b) => a[0].label.localeCompare(b[0].label));
  neighbours.replaceChildren(
    ...items.map(([n, labels]) =>
      h(
        "li",
        { "data-id": n.id },
        h("button", { type: "button", class: "link", onclick: () => select(n.id, { expand: true }) }, n.label),
        ` (${n.typeName}; ${[...new Set(labels)].join(", ")})`,
      ),
    ),
  );
  if (!items.length) neighbours.replaceChildren(h("li", { class: "hint" }, "No neighbours found."));
  relationships.replaceChildren(
    ...edges.map((e) =>
      h(
        "li",
        { "data-key": e.key },
        h("span", { class: "fact" }, `${state.nodes.get(e.source)?.label ?? e.source} `, h("em", {}, e.label), ` ${state.nodes.get(e.target)?.label ?? e.target}`),
        " ",
        h("button", { type: "button", class: "evidence-button", onclick: () => showEdgeEvidence(e) }, `evidence (${e.evidence?.length ?? 0})`),
      ),
    ),
  );
  if (!edges.length) relationships.replaceChildren(h("li", { class: "hint" }, "No relationships found."));
}

function evidenceItems(evidence) {
  if (!evidence?.length) return [h("p", { class: "hint" }, "The API returned no supporting sentence for this fact.")];
  return evidence.map((ev) => {
    const a = ev.article;
    const title = a.title || "untitled article";
    const quote = h("blockquote", {}, h("mark", {}, ev.text));
    widenToSentence(quote, ev);
    return h(
      "figure",
      { class: "evidence-item" },
      quote,
      h(
        "figcaption",
        {},
        safeUrl(a.url) ? h("a", { href: a.url, rel: "noopener" }, title) : h("cite", {}, title),
        a.published ? `, ${a.published}` : ", undated",
        ` (characters ${ev.start}–${ev.end})`,
      ),
    );
  });
}

// Evidence is a span; show the whole sentence around it from the article's text, with
// the span marked. Offsets that do not match the text leave the span alone.
async function widenToSentence(quote, ev) {
  busy(1);
  try {
    const text = await api.articleText(ev.article.id);
    if (!text || text.slice(ev.start, ev.end) !== ev.text) return;
    const [before, span, after] = sentenceAround(text, ev.start, ev.end);
    quote.replaceChildren(before, h("mark", {}, span), after);
  } catch {
    // the span alone is still the evidence; the status line is for failures that hide data
  } finally {
    busy(-1);
  }
}

function showEvidence(heading, confidence, evidence) {
  const body = $("#evidence-body");
  body.replaceChildren(h("p", { class: "fact" }, heading), h("p", { class: "hint" }, `confidence ${Number(confidence).toFixed(2)}`), ...evidenceItems(evidence));
  $("#evidence").focus({ preventScroll: true });
}

function showEdgeEvidence(e) {
  view.activate(e.key);
  const s = state.nodes.get(e.source)?.label ?? e.source;
  const t = state.nodes.get(e.target)?.label ?? e.target;
  const heading = e.kind === "relationship" ? `${s} ${e.label} ${t}` : `${t} is ${e.label} of ${s}`;
  showEvidence(heading, e.confidence, e.evidence);
}

function showEventEvidence(ev) {
  showEvidence(`${ev.label} (${ev.type}, ${when(ev)})`, ev.confidence, ev.evidence);
}

function selectionEvents() {
  const id = state.selected;
  if (!id) return [];
  if (state.events.has(id)) return [state.events.get(id)];
  const n = state.nodes.get(id);
  if (n?.hub) {
    for (const ev of n.hub.events) state.events.set(ev.id, ev);
    return n.hub.events;
  }
  if (n?.kind === "group") return n.group.events;
  const ids = new Set(edgesOf(id).filter((e) => e.event).map((e) => e.event.id));
  return [...ids].map((x) => state.events.get(x));
}

function renderTimeline() {
  const all = selectionEvents();
  const select = $("#event-type");
  const current = select.value;
  const types = [...new Set(all.map((e) => e.type))].sort();
  select.replaceChildren(h("option", { value: "" }, "all types"), ...types.map((t) => h("option", { value: t }, t)));
  select.value = types.includes(current) ? current : "";
  const shown = filterEvents(all, { from: $("#from").value, to: $("#to").value, type: select.value });
  drawTimeline($("#timeline"), shown, {
    onEvent: (ev) => selectEvent(ev),
    selected: state.selected,
    onRange: (from, to) => {
      $("#from").value = from;
      $("#to").value = to;
      renderTimeline();
    },
  });
  $("#timeline").classList.toggle("is-empty", all.length === 0); // the list below says so
  // Events without a date have no place on the axis: say how many, so that a sparse axis is not misread.
  const undated = shown.filter((ev) => !eventSpan(ev)).length;
  const note = $("#timeline-note");
  note.hidden = undated === 0 || undated === shown.length; // none dated: the axis itself says so
  note.textContent = `${undated} of ${shown.length} events have no date: they are listed below, not on the axis.`;
  const list = $("#events");
  const sorted = [...shown].sort((a, b) => (a.start ?? "9999").localeCompare(b.start ?? "9999"));
  list.replaceChildren(
    ...sorted.map((ev) =>
      h(
        "li",
        { "data-id": ev.id },
        h("span", { class: "swatch", "data-colour": typeColour(ev.type) }),
        h("button", { type: "button", class: "link", onclick: () => selectEvent(ev) }, ev.label),
        ` — ${ev.type}, ${when(ev)}${ev.place ? `, at ${ev.place.label}` : ""}`,
      ),
    ),
  );
  for (const s of list.querySelectorAll(".swatch")) s.style.backgroundColor = s.dataset.colour;
  if (!sorted.length) list.replaceChildren(h("li", { class: "hint" }, all.length ? "No event matches the filter." : "No events for this selection."));
}

function selectEvent(ev) {
  if (!state.nodes.has(ev.id)) addEvent(ev, state.selected);
  showEventEvidence(ev);
  select(ev.id, { expand: true });
}

function located(p) {
  return p?.type === "PLACE" && typeof p.latitude === "number" && typeof p.longitude === "number";
}

// The places in view, and the places of the events in view, drawn by their coordinates.
function renderMap() {
  const byId = new Map();
  for (const n of state.nodes.values()) if (located(n)) byId.set(n.id, n);
  for (const n of state.nodes.values()) {
    const place = n.event?.place;
    if (located(place) && !byId.has(place.id)) byId.set(place.id, place);
  }
  const places = [...byId.values()].sort((a, b) => a.label.localeCompare(b.label));
  const open = (p) => {
    addEntity(p, state.selected);
    select(p.id, { expand: true });
  };
  drawMap($("#map"), places, { onPlace: open, selected: state.selected });
  $("#places").replaceChildren(
    ...places.map((p) => h("li", {}, h("button", { type: "button", class: "link", onclick: () => open(p) }, p.label), ` ${p.latitude.toFixed(3)}, ${p.longitude.toFixed(3)}`)),
  );
}

// ---- actions -----------------------------------------------------------------------

async function select(id, { expand = false } = {}) {
  state.selected = id;
  const n = state.nodes.get(id);
  const details = async () => {
    if (n?.kind !== "entity" || n.details) return;
    const d = await guarded("the entity", () => api.entityDetails(id));
    if (d?.__typename === "Entity") n.details = d;
  };
  // the details and the neighbourhood are independent requests: send them together
  await Promise.all([details(), expand && n?.kind === "entity" ? expandEntity(id) : null]);
  if (expand && n?.kind === "event") expandEvent(id);
  redraw();
  document.body.dataset.selected = n?.label ?? "";
}

async function loadScores() {
  const measure = $("#measure").value;
  if (!measure) {
    state.scores = new Map();
  } else {
    const rows = (await guarded("centrality", () => api.centrality(measure))) ?? [];
    state.scores = new Map(rows.map((r) => [r.entity.id, r.score]));
    state.ranked = rows.map((r) => r.entity);
  }
  view.setScores(state.scores);
}

// Before any search: offer the most central entities as places to start.
function renderStart() {
  const top = state.ranked.slice(0, 8);
  if (!top.length || state.selected) return;
  $("#selection").replaceChildren(
    h("p", { class: "hint" }, "Search for an entity, or open /explore?q=NAME. The most central entities:"),
    h("ul", { class: "start" }, ...top.map((e) => h("li", {}, h("button", { type: "button", class: "link", onclick: () => search(e.label) }, e.label), ` (${TYPE_NAMES[e.type] ?? e.type})`))),
  );
}

function pickBest(q, found) {
  const lower = q.trim().toLowerCase();
  // the most mentioned of the exact matches ("Moscow" the city, not a club of that name), else of all
  const exact = found.filter((e) => e.label.toLowerCase() === lower);
  return [...(exact.length ? exact : found)].sort((a, b) => b.mentionCount - a.mentionCount)[0];
}

async function search(q, { push = true } = {}) {
  q = q.trim();
  if (!q) return;
  $("#q").value = q;
  if (push) history.pushState({ q }, "", `?q=${encodeURIComponent(q)}`);
  document.title = `${q} — kg explorer`;
  status(`Searching for “${q}”…`);
  state.errors = [];
  const start = await guarded("search results", () => api.searchWithHub(q));
  performance.mark("kg-answer"); // read by bench/explore.py
  if (!start) return;
  const found = start.found;
  if (!found.length) {
    status(`No entity matches “${q}”.`, "error");
    return;
  }
  for (const e of found) state.known.set(e.label.toLowerCase(), e.id);
  const best = pickBest(q, found);
  state.nodes.clear();
  state.edges.clear();
  state.anchors.clear();
  const centre = addEntity(best);
  if (start.hub?.entity.id === best.id) {
    // the server picked the same entity: its details and neighbourhood came with the search
    centre.details = { __typename: "Entity", ...start.hub.entity };
    centre.prefetched = start.hub;
  }
  await select(best.id, { expand: true });
  const others = found.filter((e) => e.id !== best.id);
  const also = others.length ? ` Also matching: ${others.map((e) => e.label).join(", ")}.` : "";
  const failed = state.errors.length ? ` Could not load ${state.errors.join("; ")}` : "";
  status(`Showing ${best.label}.${also}${failed}`, failed ? "error" : "info");
  if (!$("#path-from").value) $("#path-from").value = best.label;
}

let suggestTimer = null;
function suggest(value) {
  clearTimeout(suggestTimer);
  if (value.trim().length < 2) return;
  suggestTimer = setTimeout(async () => {
    const found = await api.searchEntities(value.trim(), 8).catch(() => []);
    for (const e of found) state.known.set(e.label.toLowerCase(), e.id);
    $("#q-suggestions").replaceChildren(...found.map((e) => h("option", { value: e.label }, TYPE_NAMES[e.type])));
  }, 200);
}

function usePathEnd(sel, n) {
  $(sel).value = n.label;
  state.known.set(n.label.toLowerCase(), n.id);
  $("#path-panel").scrollIntoView({ behavior: "smooth", block: "nearest" });
}

async function resolveName(name) {
  const id = state.known.get(name.trim().toLowerCase());
  if (id) return id;
  const found = await api.searchEntities(name.trim());
  if (!found.length) throw new Error(`no entity matches “${name}”`);
  return pickBest(name, found).id;
}

function stepEvidence(a, b, details) {
  // a relationship between two entities, in either direction
  if (a.__typename === "Entity" && b.__typename === "Entity") {
    const rels = (details.get(a.id)?.relationships?.edges ?? []).map((e) => e.node);
    const hits = rels.filter((r) => (r.subject.id === a.id && r.object.id === b.id) || (r.subject.id === b.id && r.object.id === a.id));
    return hits.map((r) => ({ fact: `${r.subject.label} ${r.predicate} ${r.object.label}`, confidence: r.confidence, evidence: r.evidence }));
  }
  // an event and one of its participants (or its place)
  const [evNode, ent] = a.__typename === "Event" ? [a, b] : [b, a];
  const ev = details.get(evNode.id);
  if (!ev) return [];
  const roles = (ev.participants ?? []).filter((p) => p.entity.id === ent.id).map((p) => p.role);
  if (ev.place?.id === ent.id) roles.push("place");
  return [{ fact: `${ent.label} is ${roles.join(", ") || "linked"} of ${evNode.label}`, confidence: null, evidence: ev.evidence }];
}

function renderPath(path, index, details) {
  const steps = [];
  for (let i = 0; i + 1 < path.nodes.length; i++) {
    const a = path.nodes[i];
    const b = path.nodes[i + 1];
    const found = stepEvidence(a, b, details);
    const support = found.length
      ? found.map((f) => h("div", {}, h("p", { class: "hint" }, f.fact + (f.confidence !== null ? ` (confidence ${f.confidence.toFixed(2)})` : "")), ...evidenceItems(f.evidence)))
      : [h("p", { class: "hint" }, "No evidence returned for this step.")];
    steps.push(h("li", { class: "step" }, h("p", { class: "fact" }, `${a.label} → ${b.label}`), ...support));
  }
  const names = path.nodes.map((n) => n.label).join(" — ");
  return h(
    "section",
    { class: "path", "aria-label": `Path ${index + 1}` },
    h("h3", {}, `Path ${index + 1}: ${path.length} step${path.length === 1 ? "" : "s"}`),
    h("p", { class: "path-nodes" }, names),
    h("ol", { class: "steps" }, ...steps),
  );
}

async function findPath(ev) {
  ev.preventDefault();
  const out = $("#paths");
  out.replaceChildren(h("p", { class: "hint" }, "Searching…"));
  busy(1);
  try {
    const [from, to] = await Promise.all([resolveName($("#path-from").value), resolveName($("#path-to").value)]);
    const max = Number($("#path-max").value) || null;
    const paths = await api.shortestPaths(from, to, max);
    if (!paths.length) {
      out.replaceChildren(h("p", {}, `No path of at most ${max ?? "the server's limit of"} steps joins them.`));
      return;
    }
    const details = await api.pathDetails(paths.flatMap((p) => p.nodes));
    out.replaceChildren(...paths.map((p, i) => renderPath(p, i, details)));
  } catch (err) {
    out.replaceChildren(h("p", { class: "error" }, `Could not find a path: ${err.message}`));
  } finally {
    busy(-1);
  }
}

// ---- wiring ------------------------------------------------------------------------

$("#search").addEventListener("submit", (ev) => {
  ev.preventDefault();
  search($("#q").value);
});
$("#q").addEventListener("input", (ev) => suggest(ev.target.value));
$("#path-from").addEventListener("input", (ev) => suggest(ev.target.value));
$("#path-to").addEventListener("input", (ev) => suggest(ev.target.value));
$("#measure").addEventListener("change", loadScores);
$("#timeline-filter").addEventListener("input", renderTimeline);
$("#timeline-filter").addEventListener("reset", () => setTimeout(renderTimeline, 0));
$("#path-form").addEventListener("submit", findPath);
$("#show-more").addEventListener("click", showMore);
window.addEventListener("popstate", () => {
  const q = new URLSearchParams(location.search).get("q");
  if (q) search(q, { push: false });
});

async function start() {
  const q = new URLSearchParams(location.search).get("q");
  // With a search in the address, its picture comes first; the sizes by centrality follow
  // (a measure over the whole graph would otherwise share the server with it).
  if (q) await search(q, { push: false });
  await loadScores();
  if (!q) {
    renderStart();
    renderTimeline();
    renderMap();
  }
  document.body.dataset.ready = "true";
}
start();
