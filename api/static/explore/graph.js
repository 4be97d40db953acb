// An interactive node-link drawing in SVG with a small force-directed layout.
// Nodes and edges are real SVG elements (focusable, clickable, testable); the layout
// runs for a bounded number of animation frames after each change and then stops.

const SVG_NS = "http://www.w3.org/2000/svg";
const WIDTH = 900;
const HEIGHT = 560;
const MAX_TICKS = 320;
const STILL = 0.15; // px: a tick that moves no node further than this ends the layout
const SETTLE_BUDGET = 30; // ms of layout before a new picture is first painted
const FRAME_BUDGET = 6; // ms of layout per animation frame after that
const LINK_LENGTH = 140;
const QUIET_ABOVE = 12; // with more edges than this, event-role labels show on hover only
const MIN_RADIUS = 9;
const MAX_RADIUS = 30;

export function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

// A stable pseudo-random offset per id, so the same search draws the same picture.
function jitter(id, salt) {
  let h = 2166136261 ^ salt;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return ((h >>> 0) % 1000) / 1000 - 0.5;
}

// Many new nodes around one (a hub's first picture, an opened group) start on two rings
// around it, in order, so the first frame is already readable and the layout only
// refines it; a few start near it at random and find their place.
const RING_FROM = 6;
const RING_GAP = 46; // room per node along the inner ring

function ring(from, group) {
  const r = Math.max(LINK_LENGTH, (group.length * RING_GAP) / (2 * Math.PI) / 1.4);
  group.forEach((n, i) => {
    const angle = (2 * Math.PI * i) / group.length - Math.PI / 2;
    const radius = i % 2 ? r * 1.4 : r;
    n.x = from.x + Math.cos(angle) * radius;
    n.y = from.y + Math.sin(angle) * radius;
  });
}

export class GraphView {
  constructor(svg, { onNode, onEdge }) {
    this.svg = svg;
    this.view = svg.querySelector("#graph-view");
    this.onNode = onNode;
    this.onEdge = onEdge;
    this.nodes = new Map(); // id -> layout node {id, x, y, vx, vy, fixed, r, data}
    this.edges = [];
    this.selected = null;
    this.scale = 1;
    this.tx = 0;
    this.ty = 0;
    this.userMoved = false; // once the user pans or zooms, the view stops fitting itself
    this.ticks = MAX_TICKS;
    this.frame = null;
    this.scores = new Map();
    this.edgeLayer = el("g", { class: "edges" }, this.view);
    this.nodeLayer = el("g", { class: "nodes" }, this.view);
    this.defs = el("defs", {}, svg);
    const marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, this.defs);
    el("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow" }, marker);
    this.bindPanZoom();
  }

  // Replace the drawing's content; nodes already placed keep their positions, new ones
  // start beside the node they were reached from.
  setData(nodes, edges, anchors = new Map()) {
    const t0 = performance.now();
    this.svg.querySelector("#graph-empty")?.remove();
    const next = new Map();
    const fresh = new Map(); // anchor node -> the new nodes reached from it
    for (const data of nodes) {
      let n = this.nodes.get(data.id);
      if (!n) {
        const from = this.nodes.get(anchors.get(data.id)) ?? next.get(anchors.get(data.id));
        const cx = from ? from.x : WIDTH / 2;
        const cy = from ? from.y : HEIGHT / 2;
        const spread = from ? LINK_LENGTH : 10;
        n = { id: data.id, x: cx + jitter(data.id, 1) * spread, y: cy + jitter(data.id, 2) * spread, vx: 0, vy: 0, fixed: false };
        if (from) fresh.set(from, [...(fresh.get(from) ?? []), n]);
      }
      n.data = data;
      next.set(data.id, n);
    }
    for (const [from, group] of fresh) if (group.length >= RING_FROM) ring(from, group);
    // the same nodes as drawn (lists or evidence loaded): nothing to lay out again
    const moved = next.size !== this.nodes.size || [...next.keys()].some((id) => !this.nodes.has(id));
    this.nodes = next;
    this.edges = edges.filter((e) => next.has(e.source) && next.has(e.target));
    this.applyScores();
    this.render();
    if (moved) this.kick(MAX_TICKS, SETTLE_BUDGET);
    performance.measure("kg-render", { start: t0 }); // read by bench/explore.py
  }

  setScores(scores) {
    this.scores = scores;
    this.applyScores();
    this.render();
  }

  applyScores() {
    let max = 0;
    for (const n of this.nodes.values()) max = Math.max(max, this.scores.get(n.id) ?? 0);
    for (const n of this.nodes.values()) {
      const s = this.scores.get(n.id);
      if (n.data.kind === "event") n.r = MIN_RADIUS + 2;
      else if (n.data.kind === "group") n.r = Math.min(MAX_RADIUS, MIN_RADIUS + 2 + Math.sqrt(n.data.group.count) * 1.5);
      else if (max > 0 && s !== undefined) n.r = MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * Math.sqrt(s / max);
      else n.r = this.scores.size ? MIN_RADIUS : (MIN_RADIUS + MAX_RADIUS) / 2.5;
    }
  }

  // Mark the edge whose evidence is shown.
  activate(key) {
    this.active = key;
    for (const g of this.edgeLayer.children) g.classList.toggle("active", this.edges[Number(g.dataset.index)]?.key === key);
  }

  select(id) {
    this.selected = id;
    for (const g of this.nodeLayer.children) g.classList.toggle("selected", g.dataset.id === id);
    for (const g of this.edgeLayer.children) {
      const e = this.edges[Number(g.dataset.index)];
      g.classList.toggle("touching", !!e && (e.source === id || e.target === id));
    }
  }

  render() {
    this.edgeLayer.replaceChildren();
    this.nodeLayer.replaceChildren();
    // parallel edges between one pair bend apart
    const seen = new Map();
    const crowded = this.edges.length > QUIET_ABOVE;
    this.edges.forEach((e, index) => {
      const pair = [e.source, e.target].sort().join("\u0000");
      const k = seen.get(pair) ?? 0;
      seen.set(pair, k + 1);
      e.bend = k === 0 ? 0 : (k % 2 ? 1 : -1) * Math.ceil(k / 2) * 28;
      const g = el("g", { class: `edge ${e.kind}${crowded && e.kind === "role" ? " quiet" : ""}`, "data-index": index, "data-predicate": e.label, "data-source": e.source, "data-target": e.target, "data-evidence": e.evidence?.length ?? 0, tabindex: 0, role: "button" }, this.edgeLayer);
      g.setAttribute("aria-label", `${e.sourceLabel} ${e.label} ${e.targetLabel}: show evidence`);
      e.line = el("path", { class: "edge-line", "marker-end": e.kind === "aggregate" || e.kind === "group" ? "" : "url(#arrow)" }, g);
      if (e.weight > 1) e.line.style.strokeWidth = String(Math.min(9, 1.2 + Math.log2(e.weight) * 1.6));
      if (e.weight !== undefined) g.dataset.weight = String(e.weight);
      e.hit = el("path", { class: "edge-hit" }, g);
      e.text = el("text", { class: "edge-label", "text-anchor": "middle" }, g);
      e.text.textContent = e.label;
      const open = (ev) => {
        ev.stopPropagation();
        this.onEdge(e);
      };
      g.classList.toggle("active", e.key === this.active);
      g.addEventListener("click", open);
      g.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") open(ev);
      });
    });
    for (const n of this.nodes.values()) {
      const d = n.data;
      const g = el("g", { class: `node ${d.type} ${d.kind}${d.expanded ? " expanded" : ""}`, "data-id": n.id, tabindex: 0, role: "button" }, this.nodeLayer);
      g.setAttribute("aria-label", `${d.label} (${d.typeName})${d.expanded ? "" : ": expand"}`);
      if (d.kind === "event" || d.kind === "group") {
        const r = n.r * 1.25;
        n.shape = el("path", { class: "shape", d: `M0,${-r} L${r},0 L0,${r} L${-r},0 z` }, g);
      } else {
        n.shape = el("circle", { class: "shape", r: n.r }, g);
      }
      const title = el("title", {}, g);
      const score = this.scores.get(n.id);
      title.textContent = `${d.label} — ${d.typeName}${score !== undefined ? `, score ${score.toFixed(3)}` : ""}`;
      const label = el("text", { class: "node-label", "text-anchor": "middle", y: n.r + 14 }, g);
      const room = d.kind === "event" ? 20 : 28;
      label.textContent = d.label.length > room ? `${d.label.slice(0, room - 1)}…` : d.label;
      n.g = g;
      n.label = label;
      n.labelWidth = null; // measured on first placement
      this.bindNode(n);
    }
    if (this.selected) this.select(this.selected);
    this.draw();
  }

  // Labels never overlap: in order of importance (the selection, then the largest and
  // most linked nodes) a label is shown only where it overlaps no label already shown
  // and no node; the others appear on hover and keyboard focus (CSS .label-hidden).
  placeLabels() {
    const degree = new Map();
    for (const e of this.edges) {
      const w = e.weight ?? 1;
      degree.set(e.source, (degree.get(e.source) ?? 0) + w);
      degree.set(e.target, (degree.get(e.target) ?? 0) + w);
    }
    const order = [...this.nodes.values()].sort(
      (a, b) => (b.id === this.selected) - (a.id === this.selected) || b.r - a.r || (degree.get(b.id) ?? 0) - (degree.get(a.id) ?? 0) || a.id.localeCompare(b.id),
    );
    const shown = [];
    const discs = order.map((n) => [n.x, n.y, n.r]);
    for (const n of order) {
      if (!n.label) continue;
      if (n.labelWidth === null) {
        try {
          n.labelWidth = n.label.getComputedTextLength();
        } catch {
          n.labelWidth = n.label.textContent.length * 7;
        }
      }
      const box = [n.x - n.labelWidth / 2 - 2, n.y + n.r + 2, n.x + n.labelWidth / 2 + 2, n.y + n.r + 18];
      const hitsLabel = shown.some((o) => box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]);
      const hitsNode = discs.some(([x, y, r]) => x + r > box[0] && x - r < box[2] && y + r > box[1] && y - r < box[3]);
      const keep = n.id === this.selected || (!hitsLabel && !hitsNode);
      n.g.classList.toggle("label-hidden", !keep);
      if (keep) shown.push(box);
    }
  }

  bindNode(n) {
    const g = n.g;
    let start = null;
    g.addEventListener("pointerdown", (ev) => {
      ev.stopPropagation();
      start = { x: ev.clientX, y: ev.clientY, moved: false };
      g.setPointerCapture(ev.pointerId);
    });
    g.addEventListener("pointermove", (ev) => {
      if (!start) return;
      if (Math.hypot(ev.clientX - start.x, ev.clientY - start.y) > 3) start.moved = true;
      if (start.moved) {
        this.userMoved = true;
        const p = this.toGraph(ev);
        n.x = p.x;
        n.y = p.y;
        n.fixed = true;
        this.draw();
        this.kick(60);
      }
    });
    g.addEventListener("pointerup", (ev) => {
      const click = start && !start.moved;
      start = null;
      g.releasePointerCapture(ev.pointerId);
      if (click) this.onNode(n.data);
    });
    g.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        this.onNode(n.data);
      }
    });
  }

  // screen -> drawing coordinates, through the SVG's own matrix and our pan/zoom
  toGraph(ev) {
    const pt = this.svg.createSVGPoint();
    pt.x = ev.clientX;
    pt.y = ev.clientY;
    const p = pt.matrixTransform(this.svg.getScreenCTM().inverse());
    return { x: (p.x - this.tx) / this.scale, y: (p.y - this.ty) / this.scale };
  }

  bindPanZoom() {
    let pan = null;
    this.svg.addEventListener("pointerdown", (ev) => {
      pan = { x: ev.clientX, y: ev.clientY, tx: this.tx, ty: this.ty, k: this.svg.getScreenCTM().a, moved: false };
    });
    this.svg.addEventListener("pointermove", (ev) => {
      if (!pan) return;
      if (!pan.moved && Math.hypot(ev.clientX - pan.x, ev.clientY - pan.y) < 3) return;
      pan.moved = true;
      this.userMoved = true;
      this.tx = pan.tx + (ev.clientX - pan.x) / pan.k;
      this.ty = pan.ty + (ev.clientY - pan.y) / pan.k;
      this.transform();
    });
    const stop = () => {
      pan = null;
    };
    this.svg.addEventListener("pointerup", stop);
    this.svg.addEventListener("pointerleave", stop);
    this.svg.addEventListener(
      "wheel",
      (ev) => {
        ev.preventDefault();
        const pt = this.svg.createSVGPoint();
        pt.x = ev.clientX;
        pt.y = ev.clientY;
        const p = pt.matrixTransform(this.svg.getScreenCTM().inverse());
        const k = Math.min(4, Math.max(0.25, this.scale * Math.exp(-ev.deltaY * 0.0015)));
        this.tx = p.x - ((p.x - this.tx) * k) / this.scale;
        this.ty = p.y - ((p.y - this.ty) * k) / this.scale;
        this.scale = k;
        this.userMoved = true;
        this.transform();
      },
      { passive: false },
    );
  }

  transform() {
    this.view.setAttribute("transform", `translate(${this.tx} ${this.ty}) scale(${this.scale})`);
  }

  // Run the layout: at first for up to `budget` ms at once (a change's layout is then
  // mostly done before it is painted), the rest over the next frames, several ticks a
  // frame (a loaded machine gives few frames), until nothing moves or the ticks run out.
  kick(ticks = MAX_TICKS, budget = 0) {
    if (this.svg.dataset.layout !== "running") [this.layoutStart, this.ran] = [performance.now(), 0];
    this.svg.dataset.layout = "running";
    this.ticks = Math.max(this.ticks < MAX_TICKS ? this.ticks : 0, ticks);
    if (budget > 0) {
      this.advance(budget);
      if (!this.userMoved) this.fit();
      this.draw();
    }
    if (this.frame === null) this.frame = requestAnimationFrame(() => this.step());
  }

  // Ticks for up to `budget` ms (at least one).
  advance(budget) {
    const until = performance.now() + budget;
    do {
      this.ticks -= 1;
      this.ran += 1;
      const moved = this.tick(Math.max(0.05, this.ticks / MAX_TICKS));
      if (moved < STILL) this.ticks = 0; // nothing moves any more: stop here
    } while (this.ticks > 0 && performance.now() < until);
  }

  step() {
    this.frame = null;
    if (this.ticks <= 0) {
      // settled: the layout stops until the next change (the bench reads how long it ran)
      this.svg.dataset.layout = "settled";
      performance.measure("kg-layout", { start: this.layoutStart, detail: { ticks: this.ran } });
      return;
    }
    this.advance(FRAME_BUDGET);
    if (!this.userMoved) this.fit();
    this.draw();
    this.frame = requestAnimationFrame(() => this.step());
  }

  // One step of the simulation (returns how far the farthest-moving node went): pairwise repulsion (O(n^2), fine for the few hundred
  // nodes a neighbourhood shows), springs along edges, a weak pull to the centre.
  tick(alpha) {
    const list = [...this.nodes.values()];
    for (let i = 0; i < list.length; i++) {
      const a = list[i];
      for (let j = i + 1; j < list.length; j++) {
        const b = list[j];
        let dx = b.x - a.x;
        let dy = b.y - a.y;
        let d2 = dx * dx + dy * dy;
        if (d2 < 1) {
          dx = jitter(a.id + b.id, 3);
          dy = jitter(b.id + a.id, 4);
          d2 = 1;
        }
        const minGap = a.r + b.r + 30;
        const f = (5200 * alpha) / d2 + (d2 < minGap * minGap ? 0.4 * alpha : 0);
        const d = Math.sqrt(d2);
        a.vx -= (dx / d) * f;
        a.vy -= (dy / d) * f;
        b.vx += (dx / d) * f;
        b.vy += (dy / d) * f;
      }
    }
    for (const e of this.edges) {
      const a = this.nodes.get(e.source);
      const b = this.nodes.get(e.target);
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const d = Math.max(1, Math.hypot(dx, dy));
      const f = ((d - LINK_LENGTH - a.r - b.r) / d) * 0.06 * alpha;
      a.vx += dx * f;
      a.vy += dy * f;
      b.vx -= dx * f;
      b.vy -= dy * f;
    }
    let moved = 0;
    for (const n of list) {
      n.vx += (WIDTH / 2 - n.x) * 0.004 * alpha;
      n.vy += (HEIGHT / 2 - n.y) * 0.004 * alpha;
      if (n.fixed) {
        n.vx = 0;
        n.vy = 0;
        continue;
      }
      n.vx *= 0.6;
      n.vy *= 0.6;
      const dx = Math.max(-30, Math.min(30, n.vx));
      const dy = Math.max(-30, Math.min(30, n.vy));
      n.x += dx;
      n.y += dy;
      moved = Math.max(moved, Math.abs(dx), Math.abs(dy));
    }
    return moved;
  }

  draw() {
    for (const n of this.nodes.values()) n.g?.setAttribute("transform", `translate(${n.x.toFixed(1)} ${n.y.toFixed(1)})`);
    this.placeLabels();
    for (const e of this.edges) {
      const a = this.nodes.get(e.source);
      const b = this.nodes.get(e.target);
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const d = Math.max(1, Math.hypot(dx, dy));
      // control point off the midpoint, perpendicular to the edge, for parallel edges
      const mx = (a.x + b.x) / 2 - (dy / d) * e.bend;
      const my = (a.y + b.y) / 2 + (dx / d) * e.bend;
      const ex = b.x - ((b.x - mx) / Math.max(1, Math.hypot(b.x - mx, b.y - my))) * (b.r + 3);
      const ey = b.y - ((b.y - my) / Math.max(1, Math.hypot(b.x - mx, b.y - my))) * (b.r + 3);
      const sa = Math.max(1, Math.hypot(mx - a.x, my - a.y));
      const sx = a.x + ((mx - a.x) / sa) * a.r;
      const sy = a.y + ((my - a.y) / sa) * a.r;
      const path = `M${sx.toFixed(1)},${sy.toFixed(1)} Q${mx.toFixed(1)},${my.toFixed(1)} ${ex.toFixed(1)},${ey.toFixed(1)}`;
      e.line.setAttribute("d", path);
      e.hit.setAttribute("d", path);
      // the label sits on the curve's midpoint
      e.text.setAttribute("x", ((a.x + 2 * mx + b.x) / 4).toFixed(1));
      e.text.setAttribute("y", ((a.y + 2 * my + b.y) / 4 - 4).toFixed(1));
    }
  }

  // Scale and centre the drawing so every node and label is in view (at most 1.6x).
  fit() {
    if (!this.nodes.size) return;
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const n of this.nodes.values()) {
      x0 = Math.min(x0, n.x - n.r - 70);
      x1 = Math.max(x1, n.x + n.r + 70);
      y0 = Math.min(y0, n.y - n.r - 10);
      y1 = Math.max(y1, n.y + n.r + 24);
    }
    const k = Math.min(1.6, WIDTH / (x1 - x0), HEIGHT / (y1 - y0));
    this.scale = k;
    this.tx = WIDTH / 2 - ((x0 + x1) / 2) * k;
    this.ty = HEIGHT / 2 - ((y0 + y1) / 2) * k;
    this.transform();
  }
}
