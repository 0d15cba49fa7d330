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
const trialYaml = () => fieldsMode() ? fieldsYaml(false) : $('yaml').value;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
// A number the user typed goes in as they typed it; anything else as a quoted string, so the reader names it.
const yNum = v => NUMBER.test(v.trim()) ? v.trim() : JSON.stringify(v.trim());
const yStr = v => JSON.stringify(v.trim());

// The file's blocks with one field per key (docs/scenarios.md, docs/calendar.md), in the order the page
// writes them: [key, kind, label, id]. kind: 'num' (a number, written as typed), 'text', 'notes' (free
// text, kept exactly) or the list of allowed words (a select whose empty choice is the reader's default).
const BLOCKS = {
  timeline: [
    ['accrual_rate_per_month', 'num', 'Eligible patients per month', 'tl-accrual'],
    ['accrual_interval_days', 'num', 'Or: a fixed number of days between patients (instead of patients per month)'],
    ['accrual_gaps', ['exponential', 'uniform'], 'Gaps between patients at that rate (default: exponential, Poisson arrivals)'],
    ['arrivals', ['queue', 'next-arrival'], 'Patients who arrive while a cohort is observed (default: queue)'],
    ['first_arrival', ['after-gap', 'at-opening'], 'First patient (default: after-gap, one gap after opening)'],
    ['screening_failure', 'num', 'Screening failure rate (0 to 0.95)', 'tl-screening'],
    ['enrolment_to_infusion_days', 'num', 'Days from enrolment to treatment', 'tl-infusion'],
    ['dlt_window_days', 'num', "DLT window in days on the calendar (default: the trial's DLT window)"],
    ['dlt_time_shape', 'num', 'Shape of the DLT time in the window (1 = uniform; below 1 early, above 1 late)'],
    ['sentinel_days', 'num', 'Days between a cohort\'s first patient and the others (sentinel; default 0)'],
    ['max_wait_days', 'num', 'Longest wait for a slot in days; a patient waiting longer is lost (default: no limit)'],
    ['max_waiting', 'num', 'Most patients waiting at once; one more is lost (default: no limit)'],
    ['non_evaluable_days', 'num', 'Day a non-evaluable patient leaves and is replaced (default: the window)'],
    ['response_days', 'num', 'Days from treatment to the response read', 'tl-response'],
    ['notes', 'notes', 'Timeline notes (optional)'],
  ],
  selection: [
    ['correct_selection', ['highest-at-or-below-target', 'closest-to-target', 'window'], 'What counts as a correct selection'],
    ['correct_window[0]', 'num', 'Window below the target, d1 (correct_selection window: [target - d1, target + d2])'],
    ['correct_window[1]', 'num', 'Window above the target, d2'],
  ],
  protocol: [
    ['non_evaluable_rate', 'num', 'Non-evaluable rate: patients leaving the DLT window early without a DLT, replaced (0 to 0.95)'],
    ['expansion_cohort', 'num', 'Expansion cohort: patients added at the selected MTD'],
    ['planned_n', 'num', "The protocol's planned sample size"],
    ['min_responses', 'num', 'Responses of interest among the patients at the selected dose'],
  ],
  utility: [
    ['response_no_dlt', 'num', 'Utility of a response without DLT (0 to 100; default 100)'],
    ['neither', 'num', 'Utility of neither response nor DLT (default 40)'],
    ['dlt_response', 'num', 'Utility of a DLT with a response (default 60)'],
    ['dlt_no_response', 'num', 'Utility of a DLT without response (default 0)'],
    ['min_response', 'num', 'Lowest response rate of an acceptable dose (0 to 1; default 0)'],
  ],
};
const blockPath = (block, key) => block === 'selection' ? key : block + '.' + key;
const blockId = (block, key, given) => given || 'f-' + blockPath(block, key).replace(/[.[\]]+/g, '-').replace(/-$/, '');

function buildBlocks() {
  for (const [block, fields] of Object.entries(BLOCKS)) {
    const grid = $(block).querySelector('.grid');
    for (const [key, kind, label, given] of fields) {
      const id = blockId(block, key, given);
      let i;
      if (Array.isArray(kind)) {
        i = el('select');
        i.append(el('option', '(not set: the default)', { value: '' }));
        for (const c of kind) i.append(el('option', c, { value: c }));
        i.addEventListener('change', checkSoon);
      } else if (kind === 'notes') { i = el('textarea', undefined, { rows: '2' }); i.addEventListener('input', checkSoon); }
      else i = input(kind === 'num' ? { inputmode: 'decimal' } : {});
      Object.entries({ id, 'data-path': blockPath(block, key), 'aria-describedby': id + '-error' }).forEach(([k, v]) => i.setAttribute(k, v));
      const box = el('div', undefined, kind === 'notes' ? { class: 'wide' } : {});
      box.append(el('label', label, { for: id }), i, el('p', undefined, { id: id + '-error', class: 'error field-error' }));
      grid.append(box);
    }
  }
}

// Free text is written exactly as it stands (a notes block may end in a line break); other text trimmed.
const yText = (kind, v) => kind === 'num' ? yNum(v) : kind === 'notes' ? JSON.stringify(v) : yStr(v);
const filled = i => i.value.trim() !== '';

// The lines of one block (timeline, protocol, utility): the keys with a value, none when all are empty.
function blockLines(block) {
  const set = BLOCKS[block].filter(([key, , , given]) => filled($(blockId(block, key, given))));
  if (!set.length) return [];
  return [block + ':', ...set.map(([key, kind, , given]) => '  ' + key + ': ' + yText(kind, $(blockId(block, key, given)).value))];
}

// A design option's value as the scenario file writes it (the option form has the command line's text).
function optionYaml(o, v) {
  if (o.kind === 'switch') return v;
  if (o.kind === 'integer' || o.kind === 'number') return yNum(v);
  if (o.kind === 'probabilities') return '[' + v.split(',').map(yNum).join(', ') + ']';
  return yStr(v);
}

let saveProblems = [];

// The design part of a saved file: the design chosen with its own options (design:), or, when designs
// to compare are given, those designs (designs:) with the chosen design's options on its entry; the
// options common to every design (start_dose, max_n, cohort_size) at trial level, as the CLI reads them.
function designLines() {
  const d = designs.find(x => x.name === $('design').value);
  if (!d) return { lines: [], common: [] };
  const own = [], common = [];
  document.querySelectorAll('#design-options [data-key]').forEach(i => {
    if (!filled(i)) return;
    const o = d.options.find(x => x.key === i.dataset.key);
    (o.common ? common : own).push(o.key + ': ' + optionYaml(o, i.value.trim()));
  });
  const list = $('designs').value.split(',').map(x => x.trim()).filter(x => x !== '');
  if (!list.length) return { lines: ['design:', '  name: ' + yStr(d.name), ...own.map(l => '  ' + l)], common };
  const lines = ['designs:'];
  let placed = own.length === 0;
  for (const name of list) {
    if (!placed && name.toLowerCase() === d.name.toLowerCase()) { lines.push('  - name: ' + yStr(name), ...own.map(l => '    ' + l)); placed = true; }
    else lines.push('  - ' + yStr(name));
  }
  if (!placed) saveProblems.push('The options of design ' + d.name + ' (' + own.join(', ') + ') are not in the saved file: ' + d.name + ' is not among the designs to compare (' + list.join(', ') + ').');
  return { lines, common };
}

// The fields as the CLI's scenario file. full: the whole file a save gives (with the design, its
// options and the run's trials and seed); otherwise the trial alone, which a run sends with the design,
// options, trials and seed as the command line's flags.
function fieldsYaml(full) {
  const v = id => $(id).value.trim();
  const lines = ['trial:', '  name: ' + yStr(v('trial-name'))];
  if (v('trial-registry') !== '') lines.push('  registry_id: ' + yStr(v('trial-registry')));
  if (v('trial-source') !== '') lines.push('  source: ' + yStr(v('trial-source')));
  if (v('trial-window') !== '') lines.push('  dlt_window_days: ' + yNum(v('trial-window')));
  if (v('trial-notes') !== '') lines.push('  notes: ' + yText('notes', $('trial-notes').value));
  lines.push('doses:');
  for (const row of $('doses').tBodies[0].rows) {
    const [label, dose] = row.querySelectorAll('input');
    lines.push('  - label: ' + yStr(label.value));
    if (dose.value.trim() !== '') lines.push('    dose: ' + yStr(dose.value));
  }
  lines.push('target: ' + yNum(v('trial-target')));
  if (full) {
    saveProblems = [];
    const { lines: design, common } = designLines();
    lines.push(...design, ...common);
  }
  const rule = $(blockId('selection', 'correct_selection')), w = [0, 1].map(j => $(blockId('selection', 'correct_window[' + j + ']')));
  if (filled(rule)) lines.push('correct_selection: ' + rule.value);
  if (w.some(filled)) lines.push('correct_window: [' + w.map(i => yNum(i.value)).join(', ') + ']');
  lines.push('scenarios:');
  for (const sc of $('scenarios').querySelectorAll('.scenario')) {
    lines.push('  - name: ' + yStr(sc.querySelector('.scenario-name').value));
    const rates = cls => [...sc.querySelectorAll(cls)].map(i => i.value);
    lines.push('    dlt: [' + rates('.dlt').map(yNum).join(', ') + ']');
    const response = rates('.response');
    if (response.some(r => r.trim() !== '')) lines.push('    response: [' + response.map(yNum).join(', ') + ']');
    const grade2 = rates('.grade2');
    if (grade2.some(r => r.trim() !== '')) lines.push('    grade2: [' + grade2.map(yNum).join(', ') + ']');
    const association = sc.querySelector('.association').value, rho = sc.querySelector('.rho');
    if (association === 'independent') lines.push('    association: independent');
    else if (association !== '') lines.push('    association: {' + association + ': ' + yNum(rho.value) + '}');
    if (filled(sc.querySelector('.rationale'))) lines.push('    rationale: ' + yStr(sc.querySelector('.rationale').value));
  }
  if (full && (v('trials') !== '' || v('seed') !== '')) {
    lines.push('simulation:');
    if (v('trials') !== '') lines.push('  trials: ' + yNum(v('trials')));
    if (v('seed') !== '') lines.push('  seed: ' + yNum(v('seed')));
  }
  lines.push(...blockLines('protocol'), ...blockLines('timeline'), ...blockLines('utility'));
  return lines.join('\n') + '\n';
}

// ---- Loading a scenario file: the server reads it (the CLI's reader: one source for the rules) and
// sends every key it sets, as written; each fills the field whose data-path it is. A key with no field
// is listed on the page, never dropped in silence.

// Every value of the file by its path, as the reader's messages name it: scenarios[0].dlt[1].
function flatten(node, path, out) {
  if (Array.isArray(node)) node.forEach((v, i) => flatten(v, path + '[' + i + ']', out));
  else if (node !== null && typeof node === 'object') Object.entries(node).forEach(([k, v]) => flatten(v, path === '' ? k : path + '.' + k, out));
  else out.set(path, String(node));
  return out;
}

// Sets a field; false when a select has no such choice.
function setValue(i, v) {
  if (i.tagName === 'SELECT') {
    const o = [...i.options].find(x => x.value !== '' && x.value === v) || [...i.options].find(x => x.value !== '' && x.value.toLowerCase() === v.toLowerCase());
    if (!o) return false;
    i.value = o.value;
    return true;
  }
  i.value = v;
  return true;
}

function fillFields(info) {
  const file = info.file;
  const left = flatten(file, '', new Map());
  const take = prefix => { for (const k of [...left.keys()]) if (k === prefix || k.startsWith(prefix + '.') || k.startsWith(prefix + '[')) left.delete(k); };
  // The form as the reader's defaults leave it, then the file's values.
  document.querySelectorAll('#trial-fields [data-path]').forEach(i => { i.value = ''; delete i.dataset.touched; });
  $('trial-target').value = '0.30';
  for (const id of ['designs', 'trials', 'seed']) $(id).value = '';
  $('doses').tBodies[0].replaceChildren(); $('scenarios').replaceChildren();
  (file.doses || []).forEach((d, i) => { if (typeof d === 'string') { addDose(d); left.delete('doses[' + i + ']'); } else addDose(); });
  (file.scenarios || []).forEach(() => addScenario());
  layout();
  // association: independent, or {gumbel: rho} / {gaussian: rho}: a choice and a number.
  $('scenarios').querySelectorAll('.scenario').forEach((box, s) => {
    const a = file.scenarios[s].association, path = 'scenarios[' + s + '].association';
    if (typeof a === 'string') { if (setValue(box.querySelector('.association'), a)) left.delete(path); }
    else if (a && typeof a === 'object' && Object.keys(a).length === 1) {
      const [kind, rho] = Object.entries(a)[0];
      if (typeof rho === 'string' && setValue(box.querySelector('.association'), kind)) { box.querySelector('.rho').value = rho; left.delete(path + '.' + kind); }
    }
    showRho(box);
  });
  // The design: the file's one design, or the first of its designs with the others' names to compare.
  const single = file.design !== undefined;
  const entries = single ? [file.design] : Array.isArray(file.designs) ? file.designs : [];
  const names = info.designs.map(d => d.name);
  setValue($('design'), entries.length ? names[0] : '3+3'); // no design in the file: the reader's 3+3
  showDesign();
  // Two entries of one design (told apart by their labels) have one name here: the second is listed below.
  const first = names.map((n, i) => names.indexOf(n) === i);
  if (!single && entries.length) $('designs').value = names.filter((n, i) => first[i]).join(',');
  const optionInput = key => document.querySelector('#design-options [data-key="' + CSS.escape(key) + '"]');
  const descriptor = designs.find(x => x.name === $('design').value);
  entries.forEach((e, i) => {
    const path = single ? 'design' : 'designs[' + i + ']';
    if (!first[i]) return;
    if (typeof e === 'string') { left.delete(path); return; }
    left.delete(path + '.name');
    if (i > 0 || $('design').value !== names[0]) return; // the options of a design other than the chosen one have no field
    for (const [key, value] of Object.entries(e)) {
      const o = descriptor && descriptor.options.find(x => x.key === key), field = optionInput(key);
      // A common setting on one entry of several applies to that design alone: the page writes it for all.
      if (!o || !field || (o.common && entries.length > 1)) continue;
      if (setValue(field, Array.isArray(value) ? value.join(',') : String(value))) take(path + '.' + key);
    }
  });
  // The trial-level common settings (start_dose, max_n, cohort_size, accelerated_titration, ...): the page writes them there too.
  for (const key of descriptor ? descriptor.options.filter(o => o.common).map(o => o.key) : []) {
    const field = optionInput(key);
    if (left.has(key) && field && !filled(field) && setValue(field, left.get(key))) left.delete(key);
  }
  const fields = [...document.querySelectorAll('[data-path]')];
  for (const [path, value] of [...left]) {
    const field = fields.find(x => x.dataset.path.split(' ').includes(path));
    if (field && setValue(field, value)) left.delete(path);
  }
  layout();
  const notice = $('load-notice');
  notice.replaceChildren();
  if (left.size) {
    notice.append(el('p', 'The page has no field for ' + (left.size === 1 ? 'this setting' : 'these ' + left.size + ' settings') + ' of the file. They are not in the fields, so a run here or a saved file leaves them out; run the file itself on the command line to keep them:'));
    const list = el('ul');
    for (const [path, value] of left) list.append(el('li', path + ' = ' + value));
    notice.append(list);
  } else notice.append(el('p', 'Every setting of the file is in the fields below.', { class: 'ok' }));
  for (const w of info.warnings) notice.append(el('p', w));
}

// Reads a scenario file's text into the fields; a file the reader refuses stays as text, with its error.
async function loadYaml(text) {
  $('load-notice').replaceChildren();
  try {
    const info = await (await api('POST', '/api/scenario', text, true)).json();
    $('yaml').value = text; // the file itself, as the YAML box's starting point
    $('mode-fields').checked = true; showMode();
    fillFields(info);
    checkYaml(false);
  } catch (e) {
    $('yaml').value = text; $('mode-yaml').checked = true; showMode();
    $('yaml-error').textContent = e.message;
    $('load-notice').append(el('p', 'The file was not read into the fields: it has a mistake (below). Correct it and press "Fill the fields from this file".'));
  }
}

function showRho(box) {
  const kind = box.querySelector('.association').value, rho = box.querySelector('.rho');
  rho.disabled = kind !== 'gumbel' && kind !== 'gaussian';
  if (rho.disabled) rho.value = '';
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

function addScenario(name, dlt, response, grade2) {
  const box = el('fieldset', undefined, { class: 'scenario' });
  box.append(el('legend'));
  const nameLabel = el('label'); const nameInput = input({ class: 'scenario-name' }); nameInput.value = name || '';
  box.append(nameLabel, nameInput);
  const table = el('table'); table.append(el('thead'), el('tbody'));
  table.tHead.append(el('tr')); table.tBodies[0].append(el('tr'), el('tr'), el('tr'));
  const [dltRow, responseRow, grade2Row] = table.tBodies[0].rows;
  dltRow.append(el('th', 'DLT rate', { scope: 'row' })); responseRow.append(el('th', 'response rate (optional)', { scope: 'row' }));
  // P(grade 2 or worse in the DLT window): accelerated titration's grade-2 trigger (titration_grade2_events).
  grade2Row.append(el('th', 'grade \u2265 2 rate (optional)', { scope: 'row' }));
  box.append(table);
  const association = el('select', undefined, { class: 'association' });
  for (const [v, t] of [['', '(not set: independent)'], ['independent', 'independent'], ['gumbel', 'Gumbel copula, rho'], ['gaussian', 'Gaussian copula, rho']]) association.append(el('option', t, { value: v }));
  association.addEventListener('change', () => { showRho(box); checkSoon(); });
  const rho = input({ class: 'rho', inputmode: 'decimal' });
  box.append(el('label', undefined, { class: 'association-label' }), association, el('label', undefined, { class: 'rho-label' }), rho);
  box.append(el('label', undefined, { class: 'rationale-label' }), input({ class: 'rationale' }));
  showRho(box);
  box.append(el('p', undefined, { class: 'error field-error' }));
  const remove = el('button', 'Remove this scenario', { type: 'button', class: 'remove-scenario' });
  remove.addEventListener('click', () => { if ($('scenarios').querySelectorAll('.scenario').length > 1) { box.remove(); layout(); checkSoon(); } });
  box.append(remove);
  $('scenarios').append(box);
  layout();
  (dlt || []).forEach((p, j) => { box.querySelectorAll('.dlt')[j].value = p; });
  (response || []).forEach((p, j) => { box.querySelectorAll('.response')[j].value = p; });
  (grade2 || []).forEach((p, j) => { box.querySelectorAll('.grade2')[j].value = p; });
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
    for (const [cls, key, text] of [['association', 'association', 'association of DLT and response'], ['rho', 'rho', 'association rho (-1 to 1)'], ['rationale', 'rationale', 'rationale (optional)']]) {
      const i = box.querySelector('.' + cls), id = 'scenario-' + s + '-' + key;
      const path = 'scenarios[' + s + '].association';
      Object.entries({ id, 'data-path': cls === 'rho' ? path + '.gumbel ' + path + '.gaussian' : cls === 'association' ? path : 'scenarios[' + s + '].rationale', 'aria-describedby': errorId })
        .forEach(([k, v]) => i.setAttribute(k, v));
      const label = box.querySelector('.' + cls + '-label'); label.textContent = 'Scenario ' + (s + 1) + ' ' + text; label.setAttribute('for', id);
    }
    box.querySelector('.remove-scenario').setAttribute('aria-label', 'Remove scenario ' + (s + 1));
    const table = box.querySelector('table');
    const head = table.tHead.rows[0];
    head.replaceChildren(el('th', 'dose', { scope: 'col' }), ...labels.map(l => el('th', l, { scope: 'col' })));
    for (const [row, kind, what] of [[table.tBodies[0].rows[0], 'dlt', 'DLT rate'], [table.tBodies[0].rows[1], 'response', 'response rate'], [table.tBodies[0].rows[2], 'grade2', 'grade \u2265 2 rate']]) {
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
  $('save-yaml').addEventListener('click', () => {
    const text = fieldsMode() ? fieldsYaml(true) : $('yaml').value;
    $('save-notice').textContent = fieldsMode() ? saveProblems.join(' ') : '';
    save(new Blob([text], { type: 'text/yaml' }), 'scenario.yaml');
  });
  $('yaml-file').addEventListener('change', async e => { const f = e.target.files[0]; if (f) await loadYaml(await f.text()); e.target.value = ''; });
  $('yaml-to-fields').addEventListener('click', () => loadYaml($('yaml').value));
  $('mode-fields').addEventListener('change', showMode);
  $('mode-yaml').addEventListener('change', showMode);
  $('fields-to-yaml').addEventListener('click', () => { $('yaml').value = fieldsYaml(true); $('mode-yaml').checked = true; showMode(); $('yaml').focus(); });
  $('add-dose').addEventListener('click', () => { addDose(); checkSoon(); $('doses').tBodies[0].lastChild.querySelector('input').focus(); });
  $('add-scenario').addEventListener('click', () => { addScenario(); checkSoon(); [...$('scenarios').querySelectorAll('.scenario-name')].pop().focus(); });
  buildBlocks();
  document.querySelectorAll('#trial-fields > .grid input, #trial-fields > .grid textarea').forEach(i => i.addEventListener('input', checkSoon));
  for (const label of ['DL1', 'DL2', 'DL3']) addDose(label);
  addScenario();
  $('design').addEventListener('change', showDesign);
  try {
    designs = await (await api('GET', '/api/designs')).json();
    for (const d of designs) $('design').append(el('option', d.name, { value: d.name }));
    showDesign();
  } catch (e) { $('run-error').textContent = e.message; }
});
