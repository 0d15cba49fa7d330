// dose-escalation serve: the page. Every number shown comes from the API (the application layer's results);
// every name the user or the server gives is put in with textContent, never as HTML.
'use strict';
const token = new URLSearchParams(location.search).get('token');
const $ = id => document.getElementById(id);
let designs = [];
let runId = null;
let pollTimer = null;
let runYaml = ''; // the trial of the run shown, as the scenario file its command line reads

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
  const yaml = trialYaml();
  if (yaml.trim() !== '') f.yaml = yaml;
  const text = (id, key) => { const v = $(id).value.trim(); if (v !== '') f[key] = v; };
  const num = (id, key) => { const v = $(id).value.trim(); if (v !== '') f[key] = Number.isFinite(Number(v)) ? Number(v) : v; };
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

// ---- The trial, field by field: the fields are written as the command line's scenario file, and the
// server's scenario reader checks it (one source for the rules); its message names the field's path
// (scenarios[0].dlt[1] = 1.3: ...), which finds the field by its data-path.

const fieldsMode = () => $('mode-fields').checked;
const trialYaml = () => fieldsMode() ? fieldsYaml() : $('yaml').value;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
// A number the user typed goes in as they typed it; anything else as a quoted string, so the reader names it.
const yNum = v => NUMBER.test(v.trim()) ? v.trim() : JSON.stringify(v.trim());
const yStr = v => JSON.stringify(v.trim());

function fieldsYaml() {
  const v = id => $(id).value.trim();
  const lines = ['trial:', '  name: ' + yStr(v('trial-name'))];
  if (v('trial-registry') !== '') lines.push('  registry_id: ' + yStr(v('trial-registry')));
  if (v('trial-window') !== '') lines.push('  dlt_window_days: ' + yNum(v('trial-window')));
  lines.push('doses:');
  for (const row of $('doses').tBodies[0].rows) {
    const [label, dose] = row.querySelectorAll('input');
    lines.push('  - label: ' + yStr(label.value));
    if (dose.value.trim() !== '') lines.push('    dose: ' + yStr(dose.value));
  }
  lines.push('target: ' + yNum(v('trial-target')));
  lines.push('scenarios:');
  for (const sc of $('scenarios').querySelectorAll('.scenario')) {
    lines.push('  - name: ' + yStr(sc.querySelector('.scenario-name').value));
    const rates = cls => [...sc.querySelectorAll(cls)].map(i => i.value);
    lines.push('    dlt: [' + rates('.dlt').map(yNum).join(', ') + ']');
    const response = rates('.response');
    if (response.some(r => r.trim() !== '')) lines.push('    response: [' + response.map(yNum).join(', ') + ']');
  }
  const timeline = [['tl-accrual', 'accrual_rate_per_month'], ['tl-screening', 'screening_failure'], ['tl-infusion', 'enrolment_to_infusion_days'], ['tl-response', 'response_days']]
    .filter(([id]) => v(id) !== '');
  if (timeline.length) { lines.push('timeline:'); for (const [id, key] of timeline) lines.push('  ' + key + ': ' + yNum(v(id))); }
  return lines.join('\n') + '\n';
}

function input(attrs) {
  const i = el('input', undefined, Object.assign({ type: 'text' }, attrs));
  i.addEventListener('input', checkSoon);
  return i;
}

function addDose(label, dose) {
  const row = el('tr');
  row.append(el('td'), el('td'), el('td'), el('td'));
  row.cells[1].append(input({ class: 'dose-label' })); row.cells[1].firstChild.value = label || '';
  row.cells[2].append(input({ class: 'dose-amount' })); row.cells[2].firstChild.value = dose || '';
  const remove = el('button', 'Remove', { type: 'button' });
  remove.addEventListener('click', () => { if ($('doses').tBodies[0].rows.length > 1) { row.remove(); layout(); checkSoon(); } });
  row.cells[3].append(remove);
  $('doses').tBodies[0].append(row);
  row.cells[1].firstChild.addEventListener('input', layout);
  layout();
}

function addScenario(name, dlt, response) {
  const box = el('fieldset', undefined, { class: 'scenario' });
  box.append(el('legend'));
  const nameLabel = el('label'); const nameInput = input({ class: 'scenario-name' }); nameInput.value = name || '';
  box.append(nameLabel, nameInput);
  const table = el('table'); table.append(el('thead'), el('tbody'));
  table.tHead.append(el('tr')); table.tBodies[0].append(el('tr'), el('tr'));
  const [dltRow, responseRow] = table.tBodies[0].rows;
  dltRow.append(el('th', 'DLT rate', { scope: 'row' })); responseRow.append(el('th', 'response rate (optional)', { scope: 'row' }));
  box.append(table);
  box.append(el('p', undefined, { class: 'error field-error' }));
  const remove = el('button', 'Remove this scenario', { type: 'button', class: 'remove-scenario' });
  remove.addEventListener('click', () => { if ($('scenarios').querySelectorAll('.scenario').length > 1) { box.remove(); layout(); checkSoon(); } });
  box.append(remove);
  $('scenarios').append(box);
  layout();
  (dlt || []).forEach((p, j) => { box.querySelectorAll('.dlt')[j].value = p; });
  (response || []).forEach((p, j) => { box.querySelectorAll('.response')[j].value = p; });
}

// Numbers the rows and scenarios, gives each input its label, path and error line, and keeps one rate cell per dose.
function layout() {
  const rows = [...$('doses').tBodies[0].rows];
  const labels = rows.map((r, i) => r.cells[1].firstChild.value.trim() || 'dose ' + (i + 1));
  rows.forEach((r, i) => {
    r.cells[0].textContent = String(i + 1);
    const [label, dose] = r.querySelectorAll('input');
    Object.entries({ id: 'dose-' + i + '-label', 'aria-label': 'Dose ' + (i + 1) + ' label', 'data-path': 'doses[' + i + '].label', 'aria-describedby': 'doses-error' }).forEach(([k, v]) => label.setAttribute(k, v));
    Object.entries({ id: 'dose-' + i + '-amount', 'aria-label': 'Dose ' + (i + 1) + ' amount (text with units)', 'data-path': 'doses[' + i + '].dose', 'aria-describedby': 'doses-error' }).forEach(([k, v]) => dose.setAttribute(k, v));
    r.cells[3].firstChild.setAttribute('aria-label', 'Remove dose ' + (i + 1));
  });
  $('scenarios').querySelectorAll('.scenario').forEach((box, s) => {
    const errorId = 'scenario-' + s + '-error';
    box.querySelector('legend').textContent = 'Scenario ' + (s + 1);
    const nameInput = box.querySelector('.scenario-name');
    Object.entries({ id: 'scenario-' + s + '-name', 'data-path': 'scenarios[' + s + '].name', 'aria-describedby': errorId }).forEach(([k, v]) => nameInput.setAttribute(k, v));
    const nameLabel = box.querySelector('label'); nameLabel.textContent = 'Scenario ' + (s + 1) + ' name'; nameLabel.setAttribute('for', nameInput.id);
    box.querySelector('.field-error').id = errorId;
    box.querySelector('.remove-scenario').setAttribute('aria-label', 'Remove scenario ' + (s + 1));
    const table = box.querySelector('table');
    const head = table.tHead.rows[0];
    head.replaceChildren(el('th', 'dose', { scope: 'col' }), ...labels.map(l => el('th', l, { scope: 'col' })));
    for (const [row, kind, what] of [[table.tBodies[0].rows[0], 'dlt', 'DLT rate'], [table.tBodies[0].rows[1], 'response', 'response rate']]) {
      while (row.cells.length - 1 > labels.length) row.lastChild.remove();
      while (row.cells.length - 1 < labels.length) { const td = el('td'); td.append(input({ class: kind, inputmode: 'decimal' })); row.append(td); }
      [...row.querySelectorAll('input')].forEach((i, j) => Object.entries({
        id: 'scenario-' + s + '-' + kind + '-' + j, 'aria-label': 'Scenario ' + (s + 1) + ', ' + labels[j] + ': ' + what,
        'data-path': 'scenarios[' + s + '].' + kind + '[' + j + ']', 'aria-describedby': errorId,
      }).forEach(([k, v]) => i.setAttribute(k, v)));
    }
  });
}

let checkTimer = null;
function checkSoon() { clearTimeout(checkTimer); checkTimer = setTimeout(() => checkYaml(false), 300); }

function clearFieldErrors() {
  document.querySelectorAll('[aria-invalid]').forEach(i => i.removeAttribute('aria-invalid'));
  document.querySelectorAll('.field-error, #doses-error').forEach(e => { e.textContent = ''; });
  $('yaml-error').textContent = '';
}

// Puts a scenario-file message next to the field its path names (the file name and line dropped:
// they are the generated file's); false when no field has that path. live: the check while typing,
// which says nothing about a field not typed in yet (no message jumps up under the pointer for a
// row just added); a run or the Check button shows every mistake.
function showFieldError(message, live) {
  if (!fieldsMode()) return false;
  const bare = message.replace(/^scenario\.yaml(:\d+)?: /, '');
  let path = (bare.match(/^[A-Za-z_]\w*(\[\d+\])*(\.[A-Za-z_]\w*(\[\d+\])*)*/) || [''])[0];
  while (path !== '') {
    const field = [...document.querySelectorAll('#trial-fields [data-path]')].find(i => i.dataset.path.split(' ').includes(path));
    if (field) {
      if (live && !field.dataset.touched) return true;
      field.setAttribute('aria-invalid', 'true');
      const name = field.getAttribute('aria-label') || field.labels[0].textContent;
      $(field.getAttribute('aria-describedby')).textContent = name + ' — ' + bare;
      return true;
    }
    path = path.replace(/(\[\d+\]|\.?[A-Za-z_]\w*)$/, '');
  }
  return false;
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
    const status = s.state + (s.label ? ': ' + s.label + ' ' + s.done.toLocaleString('en') + ' of ' + s.total.toLocaleString('en') : '')
      + (s.messages.length ? ' — ' + s.messages.join('; ') : '');
    // "done" is shown once the results below are in place.
    if (s.state !== 'done') $('run-status').textContent = status;
    if (s.state === 'queued' || s.state === 'running') { pollTimer = setTimeout(poll, 250); return; }
    $('cancel').disabled = true; $('start').disabled = false;
    if (s.state === 'failed') { if (!showFieldError(s.error)) $('run-error').textContent = s.error; else $('run-error').textContent = 'The trial has a mistake: see the field marked in section 1.'; return; }
    if (s.state !== 'done') return;
    $('command-line').textContent = s.commandLine;
    const dl = $('downloads');
    dl.replaceChildren();
    for (const f of s.formats) { const b = el('button', 'Download ' + f, { type: 'button' }); b.addEventListener('click', () => download(f).catch(e => { $('run-error').textContent = e.message; })); dl.append(b); }
    const y = el('button', 'Download the YAML', { type: 'button' }); y.addEventListener('click', () => save(new Blob([runYaml], { type: 'text/yaml' }), 'scenario.yaml')); dl.append(y);
    if (s.formats.includes('table')) $('result').textContent = await (await api('GET', '/api/runs/' + runId + '/result?format=table')).text();
    else $('result').textContent = 'Report ready: download it above.';
    const charts = $('charts'); charts.replaceChildren();
    for (const c of s.charts) {
      const blob = await (await api('GET', '/api/runs/' + runId + '/charts/' + encodeURIComponent(c) + '.svg')).blob();
      charts.append(el('img', undefined, { src: URL.createObjectURL(blob), alt: 'chart: ' + c }));
    }
    $('run-status').textContent = status;
  } catch (e) { $('run-error').textContent = e.message; $('cancel').disabled = true; $('start').disabled = false; }
}

async function start() {
  $('run-error').textContent = ''; $('result').textContent = ''; $('charts').replaceChildren(); $('downloads').replaceChildren();
  clearTimeout(pollTimer);
  try {
    const f = form($('verb').value);
    const r = await (await api('POST', '/api/runs', f)).json();
    runYaml = f.yaml || '';
    runId = r.id; $('command-line').textContent = r.commandLine;
    $('cancel').disabled = false; $('start').disabled = true;
    poll();
  } catch (e) {
    clearFieldErrors();
    $('run-error').textContent = showFieldError(e.message) ? 'The trial has a mistake: see the field marked in section 1.' : e.message;
  }
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

// Checks the trial (the fields or the file) with the server's scenario reader; shows its doses and
// scenarios, or the mistake next to its field. summary: show the table (the Check button).
async function checkYaml(summary) {
  const yaml = trialYaml();
  try {
    const r = await api('POST', '/api/scenario', yaml, true);
    if (yaml !== trialYaml()) return; // edited meanwhile: a newer check follows
    clearFieldErrors(); $('trial-summary').replaceChildren();
    const t = await r.json();
    if (!summary) return;
    const s = $('trial-summary');
    s.append(el('p', t.trial + ': ' + t.doses.map(d => d.label).join(', ') + '; target ' + t.target));
    const table = el('table'); const head = el('tr'); head.append(el('th', 'scenario', { scope: 'col' }));
    t.doses.forEach(d => head.append(el('th', d.label, { scope: 'col' }))); table.append(head);
    for (const sc of t.scenarios) { const row = el('tr'); row.append(el('th', sc.name, { scope: 'row' })); sc.dlt.forEach(p => row.append(el('td', String(p)))); table.append(row); }
    s.append(table);
  } catch (e) {
    if (yaml !== trialYaml()) return;
    clearFieldErrors(); $('trial-summary').replaceChildren();
    if (!showFieldError(e.message, !summary)) $('yaml-error').textContent = e.message;
  }
}

function showMode() {
  $('trial-fields').hidden = !fieldsMode();
  $('trial-yaml').hidden = fieldsMode();
  clearFieldErrors(); $('trial-summary').replaceChildren();
}

document.addEventListener('DOMContentLoaded', async () => {
  document.addEventListener('input', e => { if (e.target.dataset) e.target.dataset.touched = '1'; });
  $('start').addEventListener('click', start);
  $('cancel').addEventListener('click', cancel);
  $('next').addEventListener('click', next);
  $('check-yaml').addEventListener('click', () => checkYaml(true));
  $('save-yaml').addEventListener('click', () => save(new Blob([trialYaml()], { type: 'text/yaml' }), 'scenario.yaml'));
  $('yaml-file').addEventListener('change', async e => { const f = e.target.files[0]; if (f) { $('yaml').value = await f.text(); checkYaml(true); } });
  $('mode-fields').addEventListener('change', showMode);
  $('mode-yaml').addEventListener('change', showMode);
  $('fields-to-yaml').addEventListener('click', () => { $('yaml').value = fieldsYaml(); $('mode-yaml').checked = true; showMode(); $('yaml').focus(); });
  $('add-dose').addEventListener('click', () => { addDose(); checkSoon(); $('doses').tBodies[0].lastChild.querySelector('input').focus(); });
  $('add-scenario').addEventListener('click', () => { addScenario(); checkSoon(); [...$('scenarios').querySelectorAll('.scenario-name')].pop().focus(); });
  document.querySelectorAll('#trial-fields > .grid input, #timeline input').forEach(i => i.addEventListener('input', checkSoon));
  for (const label of ['DL1', 'DL2', 'DL3']) addDose(label);
  addScenario();
  $('design').addEventListener('change', showDesign);
  try {
    designs = await (await api('GET', '/api/designs')).json();
    for (const d of designs) $('design').append(el('option', d.name, { value: d.name }));
    showDesign();
  } catch (e) { $('run-error').textContent = e.message; }
});
