// The timeline of events and the map of places, both plain SVG with a text list beside.

import { el } from "./graph.js";

// ---- dates -------------------------------------------------------------------------

const DAY = 86400000;

// "2022", "2022-07" or "2022-07-14" -> [first day, last day] as UTC milliseconds
export function dayRange(value) {
  if (!value) return null;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value);
  if (!m) return null;
  const y = Number(m[1]);
  if (m[3]) {
    const t = Date.UTC(y, Number(m[2]) - 1, Number(m[3]));
    return [t, t];
  }
  if (m[2]) return [Date.UTC(y, Number(m[2]) - 1, 1), Date.UTC(y, Number(m[2]), 1) - DAY];
  return [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1) - DAY];
}

export function eventSpan(ev) {
  const a = dayRange(ev.start);
  const b = dayRange(ev.end);
  if (!a && !b) return null;
  return [(a ?? b)[0], (b ?? a)[1]];
}

export function when(ev) {
  if (ev.start && ev.end && ev.end !== ev.start) return `${ev.start} – ${ev.end}`;
  return ev.start ?? ev.end ?? "undated";
}

// A colour per event type, from a fixed palette, stable for a given name.
const PALETTE = ["#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#c53030", "#2b6cb0", "#276749", "#744210"];
export function typeColour(name) {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

// ---- evidence ----------------------------------------------------------------------

// The sentence around a span of an article: [text before, the span, text after], cut at
// sentence ends or line breaks, at most `reach` characters either side.
export function sentenceAround(text, start, end, reach = 400) {
  let a = start;
  while (a > 0 && start - a < reach) {
    const c = text[a - 1];
    if (c === "\n") break;
    if (/\s/.test(c) && /[.!?]["”’)]?$/.test(text.slice(Math.max(0, a - 4), a - 1))) break;
    a--;
  }
  let b = end;
  while (b < text.length && b - end < reach) {
    const c = text[b];
    if (c === "\n") break;
    b++;
    if (/[.!?]/.test(c) && (b >= text.length || /[\s"”’)]/.test(text[b]))) {
      while (b < text.length && /["”’)]/.test(text[b])) b++;
      break;
    }
  }
  return [text.slice(a, start).trimStart(), text.slice(start, end), text.slice(end, b).trimEnd()];
}

// ---- timeline ----------------------------------------------------------------------

// Filter events by an inclusive day range (either side may be open) and a type.
export function filterEvents(events, { from, to, type }) {
  const lo = from ? Date.parse(from) : -Infinity;
  const hi = to ? Date.parse(to) : Infinity;
  return events.filter((ev) => {
    if (type && ev.type !== type) return false;
    if (!from && !to) return true;
    const span = eventSpan(ev);
    return span !== null && span[1] >= lo && span[0] <= hi;
  });
}

function ticks(lo, hi) {
  const span = hi - lo;
  const out = [];
  const start = new Date(lo);
  if (span > 3 * 365 * DAY) {
    for (let y = start.getUTCFullYear(); Date.UTC(y, 0, 1) <= hi; y++) out.push([Date.UTC(y, 0, 1), String(y)]);
  } else if (span > 45 * DAY) {
    const step = span > 400 * DAY ? 3 : 1;
    for (let y = start.getUTCFullYear(), m = start.getUTCMonth(); Date.UTC(y, m, 1) <= hi; m += step) {
      const t = Date.UTC(y, m, 1);
      const d = new Date(t);
      out.push([t, `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`]);
    }
  } else {
    const step = span > 14 * DAY ? 7 : 1;
    for (let t = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()); t <= hi; t += step * DAY) {
      out.push([t, new Date(t).toISOString().slice(0, 10)]);
    }
  }
  return out.filter(([t]) => t >= lo && t <= hi);
}

const MAX_LANES = 10;

// More dated events than this are drawn as counts per week or month.
export const DENSE = 40;

const iso = (t) => new Date(t).toISOString().slice(0, 10);

// Buckets of a dense timeline: weeks (Monday first) when the events span at most half a
// year, else calendar months. Each is [start ms, end ms (exclusive), label, events].
export function buckets(dated) {
  const lo = Math.min(...dated.map(([, s]) => s[0]));
  const hi = Math.max(...dated.map(([, s]) => s[0]));
  const weekly = hi - lo <= 183 * DAY;
  const startOf = (t) => {
    const d = new Date(t);
    if (weekly) return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  };
  const next = (t) => {
    const d = new Date(t);
    return weekly ? t + 7 * DAY : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  };
  const out = new Map();
  for (const [ev, [s]] of dated) {
    const b = startOf(s);
    if (!out.has(b)) out.set(b, []);
    out.get(b).push(ev);
  }
  return [...out.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([b, evs]) => [b, next(b), weekly ? `week of ${iso(b)}` : iso(b).slice(0, 7), evs]);
}

function drawBuckets(svg, dated, onRange) {
  const W = 900;
  const H = 120;
  const groups = buckets(dated);
  const lo = groups[0][0];
  const hi = groups[groups.length - 1][1];
  const x = (t) => 30 + ((t - lo) / Math.max(1, hi - lo)) * (W - 60);
  const most = Math.max(...groups.map((g) => g[3].length));
  const axisY = H - 26;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  el("line", { x1: 30, x2: W - 30, y1: axisY, y2: axisY, class: "axis" }, svg);
  for (const [t, label] of ticks(lo, hi)) {
    el("line", { x1: x(t), x2: x(t), y1: axisY, y2: axisY + 5, class: "axis" }, svg);
    const text = el("text", { x: x(t), y: axisY + 18, "text-anchor": "middle", class: "tick" }, svg);
    text.textContent = label;
  }
  for (const [start, end, label, evs] of groups) {
    const height = Math.max(3, ((axisY - 16) * evs.length) / most);
    const g = el("g", { class: "tl-bucket", tabindex: 0, role: "button", "data-count": evs.length, "data-from": iso(start) }, svg);
    g.setAttribute("aria-label", `${evs.length} event${evs.length === 1 ? "" : "s"}, ${label}: show only these`);
    el("rect", { x: x(start) + 1, y: axisY - height, width: Math.max(2, x(end) - x(start) - 2), height, fill: typeColour(evs[0].type) }, g);
    const title = el("title", {}, g);
    title.textContent = `${label}: ${evs.length} event${evs.length === 1 ? "" : "s"}`;
    const pick = () => onRange?.(iso(start), iso(end - DAY));
    g.addEventListener("click", pick);
    g.addEventListener("keydown", (k) => {
      if (k.key === "Enter" || k.key === " ") pick();
    });
  }
}

const shortLabel = (ev) => (ev.label.length > 22 ? `${ev.label.slice(0, 21)}…` : ev.label);

export function drawTimeline(svg, events, { onEvent, selected, onRange }) {
  svg.replaceChildren();
  const W = 900;
  const dated = events.map((ev) => [ev, eventSpan(ev)]).filter(([, s]) => s);
  if (!dated.length) {
    svg.setAttribute("viewBox", `0 0 ${W} 60`);
    const t = el("text", { x: W / 2, y: 35, "text-anchor": "middle", class: "empty" }, svg);
    t.textContent = events.length ? "None of these events has a date." : "No events for this selection.";
    return;
  }
  if (dated.length > DENSE) {
    drawBuckets(svg, dated, onRange);
    return;
  }
  let lo = Math.min(...dated.map(([, s]) => s[0]));
  let hi = Math.max(...dated.map(([, s]) => s[1]));
  const pad = Math.max(DAY, (hi - lo) * 0.05);
  lo -= pad;
  hi += pad;
  const x = (t) => 30 + ((t - lo) / (hi - lo)) * (W - 60);
  // greedy lanes so overlapping events stack instead of hiding each other
  const lanes = [];
  const placed = [];
  dated.sort((a, b) => a[1][0] - b[1][0]);
  for (const [ev, [s, e]] of dated) {
    const x0 = x(s);
    const x1 = Math.max(x(e), x0 + 1);
    let lane = lanes.findIndex((end) => end < x0 - 6);
    if (lane < 0 && lanes.length < MAX_LANES) lane = lanes.length;
    // Every lane full (many events on a few days): the mark goes where it crowds least and
    // carries no label, which would overlap another; its title, its focus and the list name it.
    const labelled = lane >= 0;
    if (!labelled) lane = lanes.indexOf(Math.min(...lanes));
    // a label starts at the mark and is about 0.6 em (11 px) a character wide: its lane stays
    // taken until it ends, so no later label in the lane runs into it
    lanes[lane] = labelled ? Math.max(x1, x0 + shortLabel(ev).length * 6.8 + 8) : Math.max(lanes[lane], x1 + 6);
    placed.push([ev, x0, x1, lane, labelled]);
  }
  const axisY = 14 + lanes.length * 26;
  svg.setAttribute("viewBox", `0 0 ${W} ${axisY + 26}`);
  el("line", { x1: 30, x2: W - 30, y1: axisY, y2: axisY, class: "axis" }, svg);
  for (const [t, label] of ticks(lo, hi)) {
    el("line", { x1: x(t), x2: x(t), y1: axisY, y2: axisY + 5, class: "axis" }, svg);
    const text = el("text", { x: x(t), y: axisY + 18, "text-anchor": "middle", class: "tick" }, svg);
    text.textContent = label;
  }
  for (const [ev, x0, x1, lane, labelled] of placed) {
    const y = axisY - 12 - lane * 26;
    const g = el("g", { class: "tl-event", tabindex: 0, role: "button", "data-id": ev.id }, svg);
    g.classList.toggle("selected", ev.id === selected);
    g.setAttribute("aria-label", `${ev.label}, ${ev.type}, ${when(ev)}`);
    const colour = typeColour(ev.type);
    if (x1 - x0 > 8) el("rect", { x: x0, y: y - 5, width: x1 - x0, height: 10, rx: 4, fill: colour }, g);
    else el("circle", { cx: x0, cy: y, r: 6, fill: colour }, g);
    if (labelled) {
      const label = el("text", { x: x0, y: y - 8, class: "tl-label" }, g);
      label.textContent = shortLabel(ev);
    }
    const title = el("title", {}, g);
    title.textContent = `${ev.label} (${ev.type}) ${when(ev)}`;
    g.addEventListener("click", () => onEvent(ev));
    g.addEventListener("keydown", (k) => {
      if (k.key === "Enter" || k.key === " ") onEvent(ev);
    });
  }
}

// ---- map ---------------------------------------------------------------------------

const NICE_STEPS = [0.25, 0.5, 1, 2, 5, 10, 15, 30, 45];

// An equirectangular projection fitted to the places, with x scaled by cos(mean latitude)
// so that distances near the middle look right. No tiles: a graticule gives the scale.
export function project(places, width, height, margin = 30) {
  const lats = places.map((p) => p.latitude);
  const lons = places.map((p) => p.longitude);
  let [s, n] = [Math.min(...lats), Math.max(...lats)];
  let [w, e] = [Math.min(...lons), Math.max(...lons)];
  const minSpan = 2;
  if (n - s < minSpan) [s, n] = [(s + n) / 2 - minSpan / 2, (s + n) / 2 + minSpan / 2];
  if (e - w < minSpan) [w, e] = [(w + e) / 2 - minSpan / 2, (w + e) / 2 + minSpan / 2];
  const k = Math.cos((((s + n) / 2) * Math.PI) / 180);
  const scale = Math.min((width - 2 * margin) / ((e - w) * k), (height - 2 * margin) / (n - s));
  const cx = width / 2;
  const cy = height / 2;
  const mlon = (w + e) / 2;
  const mlat = (s + n) / 2;
  const fn = (lat, lon) => [cx + (lon - mlon) * k * scale, cy - (lat - mlat) * scale];
  const bounds = { s: mlat - (height / 2) / scale, n: mlat + (height / 2) / scale, w: mlon - width / 2 / (k * scale), e: mlon + width / 2 / (k * scale) };
  return { fn, bounds };
}

export function drawMap(svg, places, { onPlace, selected }) {
  svg.replaceChildren();
  const W = 440;
  const H = places.length ? 300 : 50;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  el("rect", { x: 0, y: 0, width: W, height: H, class: "sea" }, svg);
  if (!places.length) {
    const t = el("text", { x: W / 2, y: H / 2 + 5, "text-anchor": "middle", class: "empty" }, svg);
    t.textContent = "No place in view has coordinates.";
    return;
  }
  const { fn, bounds } = project(places, W, H);
  const span = Math.max(bounds.n - bounds.s, bounds.e - bounds.w);
  const step = NICE_STEPS.find((st) => span / st <= 8) ?? 90;
  for (let lat = Math.ceil(bounds.s / step) * step; lat <= bounds.n; lat += step) {
    const [, y] = fn(lat, 0);
    el("line", { x1: 0, x2: W, y1: y, y2: y, class: "graticule" }, svg);
    const t = el("text", { x: 3, y: y - 2, class: "grat-label" }, svg);
    t.textContent = `${Math.abs(lat).toFixed(step < 1 ? 2 : 0)}°${lat >= 0 ? "N" : "S"}`;
  }
  for (let lon = Math.ceil(bounds.w / step) * step; lon <= bounds.e; lon += step) {
    const [x] = fn(0, lon);
    el("line", { x1: x, x2: x, y1: 0, y2: H, class: "graticule" }, svg);
    const t = el("text", { x: x + 2, y: H - 3, class: "grat-label" }, svg);
    t.textContent = `${Math.abs(lon).toFixed(step < 1 ? 2 : 0)}°${lon >= 0 ? "E" : "W"}`;
  }
  for (const p of places) {
    const [x, y] = fn(p.latitude, p.longitude);
    const g = el("g", { class: "place", tabindex: 0, role: "button", "data-id": p.id, transform: `translate(${x.toFixed(1)} ${y.toFixed(1)})` }, svg);
    g.classList.toggle("selected", p.id === selected);
    g.setAttribute("aria-label", `${p.label}, ${p.latitude.toFixed(3)}, ${p.longitude.toFixed(3)}`);
    el("circle", { r: p.id === selected ? 7 : 5 }, g);
    const t = el("text", { x: 8, y: 4, class: "place-label" }, g);
    t.textContent = p.label;
    g.addEventListener("click", () => onPlace(p));
    g.addEventListener("keydown", (k) => {
      if (k.key === "Enter" || k.key === " ") onPlace(p);
    });
  }
}
