// dose-escalation serve: the page. Every number shown comes from the API (the application layer's results);
// every name the user or the server gives is put in with textContent, never as HTML.
'use strict';
const token = new URLSearchParams(location.search).get('token');
const $ = id => document.getElementById(id);
let designs = [];
let runId = null;
let pollTimer = null;

async function api(method, path, body, raw) {
  const headers = {};
  if (token) headers['X-Access-Token'] = token;
  let payload;
  if (body !== undefined) {
    if (raw) { payload = body; headers['Content-Type'] = 'text/plain'; }
    else { payload = JSON.stringify(body); headers['Content-Type'] = 'application/json'; }
  }
  const r = await fetch(path, { method, headers, body: payload });
  if (!r.ok && r.status !== 204) {
    let message = r.status + ' ' + r.statusText;
    try { message = (await r.json()).error || message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return r;
}

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function showDesign() {
  const d = designs.find(x => x.name === $('design').value);
  const box = $('design-options');
  box.querySelectorAll(':not(legend)').forEach(n => n.remove());
  if (!d) return;
  $('design-summary').textContent = d.summary;
  for (const o of d.options) {
    const id = 'opt-' + o.key;
    box.append(el('label', o.key + (o.range ? ' (' + o.range + ')' : '') + ': ' + o.doc, { for: id }));
    let input;
    if (o.kind === 'switch' || o.kind === 'choice') {
      input = el('select', undefined, { id });
      input.append(el('option', 'default (' + o.default + ')', { value: '' }));
      for (const c of (o.kind === 'switch' ? ['true', 'false'] : o.choices)) input.append(el('option', c, { value: c }));
    } else {
      input = el('input', undefined, { id, type: 'text', placeholder: 'default: ' + o.default });
    }
    input.dataset.key = o.key;
    box.append(input);
  }
}

function form(verb) {
  const f = { verb };
  const yaml = $('yaml').value;
  if (yaml.trim() !== '') f.yaml = yaml;
  const text = (id, key) => { const v = $(id).value.trim(); if (v !== '') f[key] = v; };
  const num = (id, key) => { const v = $(id).value.trim(); if (v !== '') f[key] = Number.isFinite(Number(v)) ? Number(v) : v; };
  text('dlt', 'dlt'); text('response', 'response'); num('target', 'target');
  f.design = $('design').value;
  const options = {};
  document.querySelectorAll('#design-options [data-key]').forEach(i => { if (i.value.trim() !== '') options[i.dataset.key] = i.value.trim(); });
  if (Object.keys(options).length) f.options = options;
  if (verb) {
    text('designs', 'designs'); num('trials', 'trials'); num('seed', 'seed'); num('planned-n', 'plannedN');
    if (verb === 'compare' && f.designs) delete f.design; // compare names its designs itself
  }
  return f;
}

async function download(format) {
  const r = await api('GET', '/api/runs/' + runId + '/result?format=' + encodeURIComponent(format));
  save(await r.blob(), $('verb').value + '.' + (format === 'table' ? 'txt' : format));
}

function save(blob, name) {
  const a = el('a', undefined, { href: URL.createObjectURL(blob), download: name });
  document.body.append(a); a.click(); a.remove();
}

async function poll() {
  try {
    const s = await (await api('GET', '/api/runs/' + runId)).json();
    $('progress').max = Math.max(1, s.total); $('progress').value = s.done;
    $('run-status').textContent = s.state + (s.label ? ': ' + s.label + ' ' + s.done.toLocaleString('en') + ' of ' + s.total.toLocaleString('en') : '')
      + (s.messages.length ? ' — ' + s.messages.join('; ') : '');
    if (s.state === 'queued' || s.state === 'running') { pollTimer = setTimeout(poll, 250); return; }
    $('cancel').disabled = true; $('start').disabled = false;
    if (s.state === 'failed') { $('run-error').textContent = s.error; return; }
    if (s.state !== 'done') return;
    $('command-line').textContent = s.commandLine;
    const dl = $('downloads');
    dl.replaceChildren();
    for (const f of s.formats) { const b = el('button', 'Download ' + f, { type: 'button' }); b.addEventListener('click', () => download(f).catch(e => { $('run-error').textContent = e.message; })); dl.append(b); }
    const y = el('button', 'Download the YAML', { type: 'button' }); y.addEventListener('click', () => save(new Blob([$('yaml').value], { type: 'text/yaml' }), 'scenario.yaml')); dl.append(y);
    if (s.formats.includes('table')) $('result').textContent = await (await api('GET', '/api/runs/' + runId + '/result?format=table')).text();
    else $('result').textContent = 'Report ready: download it above.';
    const charts = $('charts'); charts.replaceChildren();
    for (const c of s.charts) {
      const blob = await (await api('GET', '/api/runs/' + runId + '/charts/' + encodeURIComponent(c) + '.svg')).blob();
      charts.append(el('img', undefined, { src: URL.createObjectURL(blob), alt: 'chart: ' + c }));
    }
  } catch (e) { $('run-error').textContent = e.message; $('cancel').disabled = true; $('start').disabled = false; }
}

async function start() {
  $('run-error').textContent = ''; $('result').textContent = ''; $('charts').replaceChildren(); $('downloads').replaceChildren();
  clearTimeout(pollTimer);
  try {
    const r = await (await api('POST', '/api/runs', form($('verb').value))).json();
    runId = r.id; $('command-line').textContent = r.commandLine;
    $('cancel').disabled = false; $('start').disabled = true;
    poll();
  } catch (e) { $('run-error').textContent = e.message; }
}

async function cancel() {
  if (runId) await api('DELETE', '/api/runs/' + runId).catch(e => { $('run-error').textContent = e.message; });
}

async function next() {
  $('next-error').textContent = ''; $('next-result').textContent = '';
  const f = form(null); delete f.verb;
  f.data = $('data').value; f.final = $('final').checked;
  try { $('next-result').textContent = await (await api('POST', '/api/next?format=table', f)).text(); }
  catch (e) { $('next-error').textContent = e.message; }
}

async function checkYaml() {
  $('yaml-error').textContent = ''; $('trial-summary').replaceChildren();
  try {
    const t = await (await api('POST', '/api/scenario', $('yaml').value, true)).json();
    const s = $('trial-summary');
    s.append(el('p', t.trial + ': ' + t.doses.map(d => d.label).join(', ') + '; target ' + t.target));
    const table = el('table'); const head = el('tr'); head.append(el('th', 'scenario'));
    t.doses.forEach(d => head.append(el('th', d.label))); table.append(head);
    for (const sc of t.scenarios) { const row = el('tr'); row.append(el('td', sc.name)); sc.dlt.forEach(p => row.append(el('td', String(p)))); table.append(row); }
    s.append(table);
  } catch (e) { $('yaml-error').textContent = e.message; }
}

document.addEventListener('DOMContentLoaded', async () => {
  $('start').addEventListener('click', start);
  $('cancel').addEventListener('click', cancel);
  $('next').addEventListener('click', next);
  $('check-yaml').addEventListener('click', checkYaml);
  $('save-yaml').addEventListener('click', () => save(new Blob([$('yaml').value], { type: 'text/yaml' }), 'scenario.yaml'));
  $('yaml-file').addEventListener('change', async e => { const f = e.target.files[0]; if (f) { $('yaml').value = await f.text(); checkYaml(); } });
  $('design').addEventListener('change', showDesign);
  try {
    designs = await (await api('GET', '/api/designs')).json();
    for (const d of designs) $('design').append(el('option', d.name, { value: d.name }));
    showDesign();
  } catch (e) { $('run-error').textContent = e.message; }
});
