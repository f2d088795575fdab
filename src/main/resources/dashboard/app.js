// tileloop dashboard page: keeps the state streamed by /api/events and draws it. Every value from the server is
// rendered with textContent / DOM APIs, never parsed as HTML.
'use strict';
(() => {
  const MAX_RUNS = 50;
  const COLORS = ['#1f6fb2', '#c0392b', '#2e8b57', '#8e44ad', '#d35400', '#16a085', '#7f8c8d', '#b7950b'];
  const token = new URLSearchParams(location.search).get('token');
  const withToken = (url) => token ? url + '?token=' + encodeURIComponent(token) : url;
  const state = { hosts: new Map(), rigs: new Map(), runs: new Map(), order: [], selected: null, picked: false };
  const views = new Map(); // run_id -> {section, charts...}

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }
  const svgEl = (tag, attrs) => {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  };
  const str = (v) => v == null ? '—' : String(v);
  const num = (v, p = 4) => (typeof v === 'number' && isFinite(v)) ? Number(v.toPrecision(p)).toString() : '—';
  const positive = (v) => (typeof v === 'number' && v > 0 && isFinite(v)) ? v : null;

  function since(iso) {
    if (!iso) return '—';
    const t = Date.parse(iso);
    if (isNaN(t)) return String(iso);
    const s = Math.max(0, Math.round((Date.now() - t) / 1000));
    const ago = s < 60 ? s + ' s' : s < 3600 ? Math.floor(s / 60) + ' min' : Math.floor(s / 3600) + ' h';
    return new Date(t).toLocaleTimeString([], { hour12: false }) + ' (' + ago + ' ago)';
  }

  // ---- connection ----
  function setConn(up, text) {
    const c = document.getElementById('conn');
    c.textContent = text;
    c.className = 'conn ' + (up ? 'up' : 'down');
  }
  function latency(msg) {
    if (typeof msg.mqtt_received_ms !== 'number') return;
    document.getElementById('latency').textContent =
      'last update ' + Math.max(0, Date.now() - msg.mqtt_received_ms) + ' ms after MQTT';
  }
  function connect() {
    const es = new EventSource(withToken('/api/events'));
    es.onopen = () => setConn(true, 'connected');
    es.onerror = () => {
      setConn(false, 'disconnected — reconnecting…');
      if (es.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
    };
    const on = (name, fn) => es.addEventListener(name, (e) => {
      let msg;
      try { msg = JSON.parse(e.data); } catch (err) { return; }
      if (msg && typeof msg === 'object') { fn(msg); latency(msg); }
    });
    on('state', snapshot);
    on('host', (h) => { if (h.host != null) { state.hosts.set(String(h.host), h); drawHosts(); } });
    on('rig', (r) => { if (r.key != null) { state.rigs.set(String(r.key), r); drawRigs(); } });
    on('run', (r) => { if (r.run_id != null) { putRun(r); drawRuns(); } });
  }

  function snapshot(s) {
    setConn(true, 'connected');
    document.getElementById('broker').textContent = s.connected === false ? 'broker disconnected — the server is reconnecting'
      : (s.dropped ? s.dropped + ' malformed messages dropped' : '');
    state.hosts = new Map((s.hosts || []).map((h) => [String(h.host), h]));
    state.rigs = new Map((s.rigs || []).map((r) => [String(r.key), r]));
    state.runs = new Map();
    state.order = [];
    for (const r of (s.runs || []).slice().reverse()) putRun(r);
    drawHosts(); drawRigs(); drawRuns();
  }

  function putRun(r) {
    const id = String(r.run_id);
    if (!state.runs.has(id)) {
      state.order.unshift(id);
      while (state.order.length > MAX_RUNS) state.runs.delete(state.order.pop());
    }
    state.runs.set(id, r);
  }

  // ---- hosts and rigs ----
  function fillBody(table, rows) {
    const body = document.querySelector(table + ' tbody');
    body.replaceChildren(...rows);
    if (!rows.length) body.append(el('tr', {}, el('td', { class: 'empty muted', colspan: '6', text: 'none yet' })));
  }
  function drawHosts() {
    const keys = [...state.hosts.keys()].sort();
    fillBody('#hosts', keys.map((k) => {
      const h = state.hosts.get(k);
      return el('tr', { 'data-host': k },
        el('td', { class: 'mono', text: k }),
        el('td', { class: 'status st-' + String(h.status).replace(/[^a-z]/g, ''), text: str(h.status) }),
        el('td', { title: str(h.since), text: since(h.since) }));
    }));
  }
  function runLink(id) {
    if (id == null) return '—';
    const a = el('a', { href: '#run-' + encodeURIComponent(String(id)), class: 'mono', text: String(id) });
    a.addEventListener('click', (e) => { e.preventDefault(); select(String(id), true); });
    return a;
  }
  function drawRigs() {
    const keys = [...state.rigs.keys()].sort();
    fillBody('#rigs', keys.map((k) => {
      const r = state.rigs.get(k);
      return el('tr', { 'data-rig': k },
        el('td', { class: 'mono', text: k }),
        el('td', { class: 'state st-' + String(r.state).replace(/[^a-z]/g, ''), text: str(r.state) }),
        el('td', { class: 'mono', text: str(r.job) }),
        el('td', { title: str(r.since), text: since(r.since) }),
        el('td', { class: 'mono', text: str(r.calibration_id) }),
        el('td', {}, runLink(r.run_id)));
    }));
  }

  // ---- runs ----
  function select(id, byUser) {
    state.selected = id;
    state.picked = state.picked || byUser;
    drawRuns();
  }
  function drawRuns() {
    const box = document.getElementById('runs');
    if (!state.picked || !state.runs.has(state.selected)) state.selected = state.order[0] || null;
    for (const [id, v] of views) {
      if (!state.runs.has(id)) { destroyCharts(v); views.delete(id); }
    }
    const sections = state.order.map((id) => {
      let v = views.get(id);
      if (!v) { v = makeView(id); views.set(id, v); }
      updateView(v, state.runs.get(id), id === state.selected);
      return v.section;
    });
    if (!sections.length) sections.push(el('p', { class: 'empty muted', text: 'no runs yet' }));
    const same = sections.length === box.children.length && sections.every((s, i) => box.children[i] === s);
    if (!same) box.replaceChildren(...sections);
    for (const id of state.order) { const v = views.get(id); if (v.expanded) drawDetail(v, state.runs.get(id)); }
  }

  function makeView(id) {
    const f = (cls) => el('span', { class: cls });
    const v = {
      id, expanded: false, charts: {}, f: {
        status: f('status'), rig: f('mono'), job: f('mono'), its: f('num'), train: f('num points-train'),
        holdout: f('num points-holdout'), loss: f('num latest-loss-train'), links: f('links'),
      },
    };
    const head = el('div', { class: 'run-head', role: 'button', tabindex: '0' },
      el('span', { class: 'run-id mono', text: id }), v.f.rig, v.f.job, v.f.status,
      el('span', { class: 'kv' }, 'iteration ', v.f.its),
      el('span', { class: 'kv' }, 'points train ', v.f.train, ' holdout ', v.f.holdout),
      el('span', { class: 'kv' }, 'loss (train) ', v.f.loss, ' ns²'), v.f.links);
    head.addEventListener('click', (e) => { if (!e.target.closest('a')) select(id, true); });
    head.addEventListener('keydown', (e) => { if (e.key === 'Enter') select(id, true); });
    v.detail = el('div', { class: 'run-detail' });
    v.section = el('section', { class: 'run', 'data-run': id, id: 'run-' + id }, head, v.detail);
    return v;
  }

  function updateView(v, r, expanded) {
    const its = Array.isArray(r.iterations) ? r.iterations : [];
    const last = its[its.length - 1];
    v.f.rig.textContent = str(r.host) + '/' + str(r.rig);
    v.f.job.textContent = 'job ' + str(r.job);
    v.f.status.textContent = str(r.status);
    v.f.status.className = 'status st-' + String(r.status).replace(/[^a-z]/g, '');
    v.f.its.textContent = (last ? str(last.iteration) : '—') + ' / ' + str(r.iterations_planned);
    v.f.train.textContent = String(its.filter((i) => positive(i.loss_train_ns2) != null).length);
    v.f.holdout.textContent = String(its.filter((i) => positive(i.loss_holdout_ns2) != null).length);
    v.f.loss.textContent = last && last.loss_train_ns2 != null ? String(last.loss_train_ns2) : '—';
    const files = Array.isArray(r.files) ? r.files : [];
    v.f.links.replaceChildren(...files.map((file) => el('a', {
      href: withToken('/runs/' + encodeURIComponent(v.id) + '/' + encodeURIComponent(String(file))),
      target: '_blank', rel: 'noopener', text: String(file),
    })));
    v.section.classList.toggle('expanded', expanded);
    if (v.expanded && !expanded) { destroyCharts(v); v.detail.replaceChildren(); }
    v.expanded = expanded;
  }

  function destroyCharts(v) {
    for (const c of Object.values(v.charts)) c.plot.destroy();
    v.charts = {};
  }

  function drawDetail(v, r) {
    if (!v.detail.firstChild) {
      v.cells = {
        loss: el('div', { class: 'chart loss-chart' }), terms: el('div', { class: 'chart terms-chart' }),
        params: el('div', { class: 'params' }), raster: el('div', { class: 'raster' }),
      };
      const fig = (title, body) => el('figure', { class: 'cell' }, el('figcaption', { text: title }), body);
      v.detail.append(
        fig('Loss (ns², log) by iteration', v.cells.loss), fig('Loss terms (ns², log; terms at 0 throughout left out): train solid, holdout dashed', v.cells.terms),
        fig('Parameters (latest)', v.cells.params), fig('First spikes, latest iteration: ● spike, | target', v.cells.raster));
    }
    const its = Array.isArray(r.iterations) ? r.iterations : [];
    const xs = its.map((i) => i.iteration);
    chart(v, 'loss', v.cells.loss, ['train', 'holdout'], xs,
      [its.map((i) => positive(i.loss_train_ns2)), its.map((i) => positive(i.loss_holdout_ns2))], []);
    const names = [];
    const drawn = (t, k) => positive((t || {})[k]) != null;
    for (const i of its) {
      for (const k of Object.keys(i.terms_train || {})) {
        if (!names.includes(k) && its.some((j) => drawn(j.terms_train, k) || drawn(j.terms_holdout, k))) names.push(k);
      }
    }
    chart(v, 'terms', v.cells.terms, names.flatMap((n) => [n + ' train', n + ' holdout']), xs,
      names.flatMap((n) => [its.map((i) => positive((i.terms_train || {})[n])), its.map((i) => positive((i.terms_holdout || {})[n]))]),
      names.map((_, k) => k));
    drawParams(v.cells.params, its);
    drawRaster(v.cells.raster, Array.isArray(r.timing) ? r.timing : []);
  }

  function chart(v, key, box, labels, xs, ys, pairs) {
    const sig = labels.join('\u0000');
    const data = [xs, ...ys];
    const old = v.charts[key];
    if (old && old.sig === sig) { old.plot.setData(data); return; }
    if (old) old.plot.destroy();
    box.replaceChildren();
    const series = [{ label: 'iteration' }, ...labels.map((label, k) => {
      const colour = pairs.length ? COLORS[Math.floor(k / 2) % COLORS.length] : COLORS[k % COLORS.length];
      return { label, stroke: colour, width: 1.5, spanGaps: true, dash: pairs.length && k % 2 ? [5, 4] : undefined,
        points: { show: true, size: 5, fill: colour }, value: (u, val) => num(val) };
    })];
    const plot = new uPlot({
      width: Math.max(300, box.clientWidth), height: 240, series,
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [{ label: 'iteration', size: 36, labelSize: 16, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
        { label: 'ns²', size: 60, labelSize: 16, values: (u, vals) => vals.map((x) => x == null ? '' : num(x, 3)) }],
      legend: { live: true },
    }, data, box);
    v.charts[key] = { plot, sig };
  }

  function drawParams(box, its) {
    const last = its[its.length - 1];
    const first = its[0];
    const p = (last && last.parameters) || {};
    const rows = Object.keys(p).sort().map((name) => {
      const a = first && first.parameters ? first.parameters[name] : null;
      const b = p[name];
      const d = typeof a === 'number' && typeof b === 'number' && a !== 0 ? (b - a) / Math.abs(a) * 100 : null;
      return el('tr', {}, el('td', { class: 'mono', text: name }), el('td', { class: 'num', text: num(b, 6) }),
        el('td', { class: 'num muted', text: d == null ? '—' : (d >= 0 ? '+' : '') + d.toFixed(2) + ' %' }));
    });
    if (!rows.length) rows.push(el('tr', {}, el('td', { class: 'muted', colspan: '3', text: 'no iteration yet' })));
    box.replaceChildren(el('table', { class: 'ptable' },
      el('thead', {}, el('tr', {}, el('th', { text: 'parameter' }), el('th', { text: 'value' }), el('th', { text: 'since start' }))),
      el('tbody', {}, ...rows)));
  }

  function drawRaster(box, traces) {
    if (!traces.length) { box.replaceChildren(el('p', { class: 'muted', text: 'no traces yet' })); return; }
    const chans = [];
    for (const t of traces) for (const c of t.channels || []) if (!chans.includes(String(c.name))) chans.push(String(c.name));
    let hi = 0;
    for (const t of traces) {
      hi = Math.max(hi, +t.delay_ns || 0);
      for (const c of t.channels || []) hi = Math.max(hi, +c.first_spike_ns || 0, +c.target_ns || 0);
    }
    hi = Math.ceil(hi / 5) * 5 || 5;
    const W = Math.max(320, box.clientWidth), L = 128, R = 12, T = 8, rowH = Math.max(12, Math.min(22, 300 / traces.length));
    const H = T + traces.length * rowH + 34;
    const x = (ns) => L + (W - L - R) * ns / hi;
    const svg = svgEl('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, class: 'raster-svg' });
    for (let ns = 0; ns <= hi; ns += hi > 40 ? 10 : 5) {
      svg.append(svgEl('line', { x1: x(ns), x2: x(ns), y1: T, y2: H - 26, class: 'grid' }));
      const lab = svgEl('text', { x: x(ns), y: H - 14, class: 'tick', 'text-anchor': 'middle' });
      lab.textContent = String(ns);
      svg.append(lab);
    }
    const axis = svgEl('text', { x: (L + W - R) / 2, y: H - 2, class: 'tick', 'text-anchor': 'middle' });
    axis.textContent = 'time (ns)';
    svg.append(axis);
    traces.forEach((t, row) => {
      const y = T + row * rowH + rowH / 2;
      const label = svgEl('text', { x: L - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' });
      label.textContent = str(t.split) + ' ' + num(t.delay_ns, 3) + ' ns';
      svg.append(label, svgEl('line', { x1: L, x2: W - R, y1: y, y2: y, class: 'row' }));
      (t.channels || []).forEach((c) => {
        const colour = COLORS[chans.indexOf(String(c.name)) % COLORS.length];
        const dy = (chans.indexOf(String(c.name)) - (chans.length - 1) / 2) * Math.min(3, rowH / (chans.length + 1));
        const s = typeof c.first_spike_ns === 'number' ? c.first_spike_ns : null;
        const g = typeof c.target_ns === 'number' ? c.target_ns : null;
        if (s != null && g != null) svg.append(svgEl('line', { x1: x(s), x2: x(g), y1: y + dy, y2: y + dy, stroke: colour, class: 'err' }));
        if (g != null) svg.append(svgEl('line', { x1: x(g), x2: x(g), y1: y + dy - 5, y2: y + dy + 5, stroke: colour, class: 'target' }));
        if (s != null) {
          const dot = svgEl('circle', { cx: x(s), cy: y + dy, r: 3.2, fill: colour });
          const tip = svgEl('title', {});
          tip.textContent = String(c.name) + ': spike ' + num(s, 5) + ' ns, target ' + (g == null ? 'none' : num(g, 5) + ' ns');
          dot.append(tip);
          svg.append(dot);
        }
      });
    });
    const legend = el('div', { class: 'raster-legend' }, ...chans.map((n, k) =>
      el('span', { class: 'key' }, el('i', { style: 'background:' + COLORS[k % COLORS.length] }), n)));
    box.replaceChildren(svg, legend);
  }

  window.addEventListener('resize', () => {
    for (const v of views.values()) {
      for (const [key, c] of Object.entries(v.charts)) c.plot.setSize({ width: Math.max(300, v.cells[key].clientWidth), height: 240 });
    }
  });
  // Read-only view of what the charts draw (x and y arrays), for browser tests and the devtools console.
  window.tileloopDashboard = Object.freeze({
    chartData: (runId, key) => {
      const c = (views.get(String(runId)) || { charts: {} }).charts[key];
      return c ? c.plot.data.map((a) => Array.from(a)) : null;
    },
  });
  setInterval(() => { drawHosts(); drawRigs(); }, 10000);
  connect();
})();
