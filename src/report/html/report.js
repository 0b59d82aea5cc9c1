// The HTML report's findings table. Inlined into the report by src/report/html.rs and
// allowed to run by its SHA-256 in the page's Content-Security-Policy.
//
// It reads the findings from the JSON block #data (each check, resource and repeated string
// once; a finding is [check, resource, status, message] plus the mute reason when muted),
// filters them as the form and the URL fragment say, and shows one page of rows at a time.
// Every value reaches the page through textContent, an option's value or a title
// attribute: never as HTML.
(function () {
  'use strict';

  var PAGE_SIZE = 100;
  var SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'];
  var STATUSES = ['FAIL', 'ERROR', 'MANUAL', 'PASS'];
  var STATUS_FILTERS = ['open', 'all'].concat(STATUSES);
  // The measures are the options the page was written with (one per measure of the report).
  var MEASURES = Array.prototype.map.call(
    document.querySelectorAll('#filters select[name="measure"] option'),
    function (o) { return o.value; }
  ).filter(function (v) { return v !== ''; });
  var MUTED_FILTERS = ['', 'hide', 'only'];
  var BASELINE_FILTERS = ['', 'new', 'unchanged'];
  // Filters in the order they are written into the URL fragment, with their defaults.
  var DEFAULTS = {
    status: 'open', severity: '', measure: '', account: '', region: '', check: '',
    control: '', muted: '', baseline: '', q: '', page: 1
  };

  var started = performance.now();
  var data = JSON.parse(document.getElementById('data').textContent);
  var parsed = performance.now();

  var checks = data.checks;
  var strings = data.strings;
  var resources = data.resources;
  // With a baseline: which findings are new (the rest are unchanged).
  var isNew = {};
  (data.new_findings || []).forEach(function (i) { isNew[i] = true; });
  var findings = data.findings;
  var statusNames = data.statuses;
  var total = findings.length;

  // Display order: unmuted before muted, then FAIL, ERROR, MANUAL, PASS, then the report's
  // own order (most severe first, then check, account, region, resource).
  var rank = statusNames.map(function (s) {
    var i = STATUSES.indexOf(s);
    return i < 0 ? STATUSES.length : i;
  });
  var keys = new Float64Array(total);
  for (var i = 0; i < total; i++) {
    var f = findings[i];
    keys[i] = ((f.length > 4 ? 8 : 0) + rank[f[2]]) * total + i;
  }
  keys.sort();
  var order = new Uint32Array(total);
  for (var k = 0; k < total; k++) order[k] = keys[k] % total;
  keys = null;

  var form = document.getElementById('filters');
  var tbody = document.getElementById('rows');
  var shown = document.getElementById('shown');
  var pageLabel = document.getElementById('page');
  var pager = document.getElementById('pager');
  var chip = document.getElementById('control-chip');
  var expand = document.getElementById('expand');
  var columns = document.querySelectorAll('#findings-table thead th').length;

  var state = copy(DEFAULTS);
  var filtered = null;
  var filteredKey = null;
  var haystacks = null;

  function copy(o) {
    var c = {};
    for (var key in o) c[key] = o[key];
    return c;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function number(n) {
    return n.toLocaleString('en-US');
  }

  // Accessors of one finding.
  function check(i) { return checks[findings[i][0]]; }
  function resource(i) { return resources[findings[i][1]]; }
  function status(i) { return statusNames[findings[i][2]]; }
  function message(i) { return strings[findings[i][3]]; }
  function isMuted(i) { return findings[i].length > 4; }
  function muteReason(i) { return isMuted(i) ? strings[findings[i][4]] : null; }

  function uniqueSorted(values) {
    var seen = Object.create(null);
    var out = [];
    values.forEach(function (v) {
      if (!(v in seen)) { seen[v] = true; out.push(v); }
    });
    return out.sort();
  }

  function fillSelect(name, values, label) {
    var select = form.elements[name];
    values.forEach(function (v) {
      var option = el('option', null, label ? label(v) : v);
      option.value = v;
      select.appendChild(option);
    });
    // One account: nothing to choose.
    if (name === 'account' && values.length < 2) select.parentNode.hidden = true;
  }

  // The baseline filter only when the report was made against one.
  if (data.new_findings) document.getElementById('baseline-filter').hidden = false;
  fillSelect('account', uniqueSorted(resources.map(function (r) { return strings[r[0]]; })));
  fillSelect('region', uniqueSorted(resources.map(function (r) { return strings[r[1]]; })));
  fillSelect('check', uniqueSorted(checks.map(function (c) { return c.id; })));

  // The filters in the URL: key=value pairs joined by &, in the fragment or, when it is
  // empty, in the query (for links that use one).
  function readLocation() {
    var next = copy(DEFAULTS);
    var part = location.hash.length > 1 ? location.hash.slice(1) : location.search.slice(1);
    part.split('&').forEach(function (pair) {
      if (!pair) return;
      var at = pair.indexOf('=');
      var key = decode(at < 0 ? pair : pair.slice(0, at));
      var value = at < 0 ? '' : decode(pair.slice(at + 1));
      if (Object.prototype.hasOwnProperty.call(DEFAULTS, key) && value !== null && key !== null) next[key] = value;
    });
    return normalise(next);
  }

  function decode(s) {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return null;
    }
  }

  function normalise(s) {
    if (STATUS_FILTERS.indexOf(s.status) < 0) s.status = DEFAULTS.status;
    if (s.severity && SEVERITIES.indexOf(s.severity) < 0) s.severity = '';
    if (s.measure && MEASURES.indexOf(s.measure) < 0) s.measure = '';
    if (MUTED_FILTERS.indexOf(s.muted) < 0) s.muted = '';
    if (BASELINE_FILTERS.indexOf(s.baseline) < 0 || !data.new_findings) s.baseline = '';
    s.page = Math.max(1, parseInt(s.page, 10) || 1);
    return s;
  }

  function fragment(s) {
    var parts = [];
    Object.keys(DEFAULTS).forEach(function (key) {
      if (String(s[key]) !== String(DEFAULTS[key])) parts.push(key + '=' + encodeURIComponent(s[key]));
    });
    return parts.join('&');
  }

  // The view into the fragment, so that it can be linked and survives a reload. The default
  // view is an empty fragment, or, when the URL has a query, one that overrides it.
  function writeLocation() {
    var hash = fragment(state) || (location.search.length > 1 ? 'status=open' : '');
    if (location.hash.slice(1) === hash) return;
    try {
      history.replaceState(null, '', hash ? '#' + hash : location.pathname);
    } catch {
      // Some browsers refuse to change the URL of a local file: the view still works.
    }
  }

  // The form shows the state; a value the select does not list (from a URL) is added.
  function showState() {
    ['status', 'severity', 'measure', 'account', 'region', 'check', 'muted', 'baseline'].forEach(function (name) {
      var select = form.elements[name];
      var value = state[name];
      var listed = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
      if (!listed) {
        var option = el('option', null, value);
        option.value = value;
        select.appendChild(option);
      }
      select.value = value;
    });
    if (form.elements.q.value !== state.q) form.elements.q.value = state.q;
    chip.replaceChildren();
    chip.hidden = !state.control;
    if (state.control) {
      chip.appendChild(document.createTextNode('Control ' + state.control));
      var clear = el('button', null, '×');
      clear.type = 'button';
      clear.setAttribute('aria-label', 'Clear the control filter');
      clear.addEventListener('click', function () { update({ control: '' }); });
      chip.appendChild(clear);
    }
  }

  // Lower-case text each finding is searched in, built on the first search.
  function haystack(i) {
    if (!haystacks) haystacks = new Array(total);
    var h = haystacks[i];
    if (h === undefined) {
      var c = check(i);
      var r = resource(i);
      var ids = [];
      Object.keys(c.compliance).forEach(function (fw) {
        ids.push(fw);
        ids.push.apply(ids, c.compliance[fw]);
      });
      h = [c.id, c.title, strings[r[0]], strings[r[1]], r[2], r[3] || '', strings[r[4]], r[5] ? tagText(r[5]) : '', message(i),
        muteReason(i) || '', ids.join(' ')].join('\n').toLowerCase();
      haystacks[i] = h;
    }
    return h;
  }

  function controlChecks(control) {
    var set = Object.create(null);
    checks.forEach(function (c, index) {
      Object.keys(c.compliance).forEach(function (fw) {
        if ((!data.framework || fw === data.framework) && c.compliance[fw].indexOf(control) >= 0) set[index] = true;
      });
    });
    return set;
  }

  function applyFilters() {
    var s = state;
    var key = fragment(Object.assign(copy(s), { page: 1 }));
    if (key === filteredKey) return;
    var terms = s.q.toLowerCase().split(/\s+/).filter(Boolean);
    var inControl = s.control ? controlChecks(s.control) : null;
    var out = [];
    for (var n = 0; n < total; n++) {
      var i = order[n];
      var f = findings[i];
      var st = statusNames[f[2]];
      if (s.status === 'open' ? st === 'PASS' : s.status !== 'all' && st !== s.status) continue;
      var muted = f.length > 4;
      if ((s.muted === 'hide' && muted) || (s.muted === 'only' && !muted)) continue;
      if ((s.baseline === 'new' && !isNew[i]) || (s.baseline === 'unchanged' && isNew[i])) continue;
      var c = checks[f[0]];
      if (s.severity && c.severity !== s.severity) continue;
      if (s.measure && c.measure !== s.measure) continue;
      if (s.check && c.id !== s.check) continue;
      if (inControl && !inControl[f[0]]) continue;
      var r = resources[f[1]];
      if (s.account && strings[r[0]] !== s.account) continue;
      if (s.region && strings[r[1]] !== s.region) continue;
      if (terms.length) {
        var h = haystack(i);
        var all = true;
        for (var t = 0; t < terms.length && all; t++) all = h.indexOf(terms[t]) >= 0;
        if (!all) continue;
      }
      out.push(i);
    }
    filtered = out;
    filteredKey = key;
  }

  // Inline text of a remediation: `code` between backticks, **strong** between pairs of
  // asterisks; everything else as it is.
  function inline(parent, text) {
    text.split('`').forEach(function (part, index) {
      if (index % 2) {
        parent.appendChild(el('code', null, part));
        return;
      }
      part.split('**').forEach(function (piece, j) {
        if (piece) parent.appendChild(j % 2 ? el('strong', null, piece) : document.createTextNode(piece));
      });
    });
  }

  // A remediation is the Markdown of a check's documentation: paragraphs, "- " lists and
  // fenced code blocks, made into elements (never parsed as HTML).
  function markdown(parent, text) {
    var blocks = [];
    var fence = null;
    var last = null;
    text.split('\n').forEach(function (line) {
      if (fence) {
        if (/^\s*```/.test(line)) fence = null;
        else fence.lines.push(line);
        return;
      }
      if (/^\s*```/.test(line)) {
        fence = { type: 'pre', lines: [] };
        blocks.push(fence);
        last = null;
        return;
      }
      if (!line.trim()) {
        last = null;
        return;
      }
      var item = /^\s*[-*] (.*)$/.exec(line);
      if (item) {
        last = { type: 'li', lines: [item[1]] };
        blocks.push(last);
      } else if (last) {
        last.lines.push(line.trim());
      } else {
        last = { type: 'p', lines: [line.trim()] };
        blocks.push(last);
      }
    });
    var list = null;
    blocks.forEach(function (block) {
      if (block.type === 'pre') {
        var pre = el('pre');
        pre.appendChild(el('code', null, block.lines.join('\n')));
        parent.appendChild(pre);
      } else {
        var node = el(block.type);
        inline(node, block.lines.join(' '));
        if (block.type === 'li') {
          if (!list) list = parent.appendChild(el('ul'));
          list.appendChild(node);
          return;
        }
        parent.appendChild(node);
      }
      list = null;
    });
  }

  function cell(tr, className, content) {
    var td = el('td', className);
    if (typeof content === 'string') td.textContent = content;
    else if (content) td.appendChild(content);
    tr.appendChild(td);
    return td;
  }

  // A value over a smaller one: a check's title over its id, a resource over its type.
  function stacked(main, sub, mainClass, subClass) {
    var frag = document.createDocumentFragment();
    frag.appendChild(el('span', mainClass, main));
    frag.appendChild(el('span', 'sub' + (subClass ? ' ' + subClass : ''), sub));
    return frag;
  }

  // Tags as `key=value`, comma-separated; shown as text like every value.
  function tagText(tags) {
    return tags.map(function (t) { return t[0] + '=' + t[1]; }).join(', ');
  }

  function detailItem(dl, name, value) {
    dl.appendChild(el('dt', null, name));
    var dd = el('dd');
    if (typeof value === 'string') dd.textContent = value;
    else dd.appendChild(value);
    dl.appendChild(dd);
  }

  function rows(i) {
    var c = check(i);
    var r = resource(i);
    var st = status(i);
    var muted = isMuted(i);
    var reason = muteReason(i);

    var tr = el('tr', 'finding' + (muted ? ' muted' : ''));
    tr.dataset.status = st;
    var toggle = el('button', 'toggle', '▸');
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-label', 'Details');
    cell(tr, null, toggle);

    var statusCell = cell(tr, null, el('span', 'badge st-' + (STATUSES.indexOf(st) >= 0 ? st : 'MANUAL'), st));
    if (data.new_findings && isNew[i]) statusCell.appendChild(el('span', 'badge st-new', 'new'));
    if (muted) {
      var flag = el('span', 'badge st-muted', 'muted');
      if (reason) flag.setAttribute('title', reason);
      statusCell.appendChild(flag);
    }
    var sev = SEVERITIES.indexOf(c.severity) >= 0 ? c.severity : 'informational';
    cell(tr, null, el('span', 'badge sev sev-' + sev, c.severity));
    cell(tr, null, stacked(c.title, c.id, null, 'mono'));
    if (data.many_accounts) cell(tr, 'mono', strings[r[0]]);
    cell(tr, null, strings[r[1]]);
    cell(tr, null, stacked(r[2], strings[r[4]], 'mono'));
    cell(tr, null, message(i));

    var details = el('tr', 'details');
    details.hidden = true;
    var td = el('td');
    td.colSpan = columns;
    var dl = el('dl');
    var remediation = el('div', 'md');
    markdown(remediation, c.remediation || 'none given');
    detailItem(dl, 'Remediation', remediation);
    var frameworks = Object.keys(c.compliance);
    if (frameworks.length) {
      var ids = el('span', 'ids');
      frameworks.forEach(function (fw) {
        ids.appendChild(el('span', null, fw + ': ' + c.compliance[fw].join(', ')));
      });
      detailItem(dl, 'Compliance', ids);
    }
    detailItem(dl, 'Resource', stacked(r[2], r[3] || 'no ARN', 'mono'));
    detailItem(dl, 'Resource type', strings[r[4]]);
    if (r[5] && r[5].length) detailItem(dl, 'Tags', tagText(r[5]));
    detailItem(dl, 'Account, region', strings[r[0]] + ', ' + strings[r[1]]);
    detailItem(dl, 'Check', c.id + ' (' + c.measure + ')');
    if (muted) detailItem(dl, 'Muted', reason ? reason : 'yes, no reason given');
    td.appendChild(dl);
    details.appendChild(td);

    function flip() {
      var open = details.hidden;
      details.hidden = !open;
      tr.classList.toggle('open', open);
      toggle.setAttribute('aria-expanded', String(open));
    }
    tr.addEventListener('click', function (event) {
      // Selecting text to copy it does not toggle the row.
      if (event.target !== toggle && String(window.getSelection())) return;
      flip();
    });
    return [tr, details];
  }

  function render() {
    applyFilters();
    var pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
    if (state.page > pages) state.page = pages;
    var from = (state.page - 1) * PAGE_SIZE;
    var to = Math.min(filtered.length, from + PAGE_SIZE);

    var frag = document.createDocumentFragment();
    for (var n = from; n < to; n++) {
      var pair = rows(filtered[n]);
      frag.appendChild(pair[0]);
      frag.appendChild(pair[1]);
    }
    if (!filtered.length) {
      var empty = el('tr', 'empty');
      var td = cell(empty, null, 'No finding matches these filters. ');
      td.colSpan = columns;
      if (state.status === 'open') {
        var all = el('button', null, 'Show every status');
        all.type = 'button';
        all.addEventListener('click', function () { update({ status: 'all' }); });
        td.appendChild(all);
      }
      frag.appendChild(empty);
    }
    tbody.replaceChildren(frag);
    expand.textContent = 'Expand all';

    shown.textContent = filtered.length
      ? 'Showing ' + number(from + 1) + '–' + number(to) + ' of ' + number(filtered.length) + ' matching findings (' + number(total) + ' in the report)'
      : 'No matching findings (' + number(total) + ' in the report)';
    pageLabel.textContent = 'Page ' + number(state.page) + ' of ' + number(pages);
    pager.querySelector('[data-page=first]').disabled = state.page <= 1;
    pager.querySelector('[data-page=prev]').disabled = state.page <= 1;
    pager.querySelector('[data-page=next]').disabled = state.page >= pages;
    pager.querySelector('[data-page=last]').disabled = state.page >= pages;
    document.getElementById('findings').dataset.matching = String(filtered.length);
    showState();
    writeLocation();
  }

  function update(changes) {
    var next = copy(state);
    for (var key in changes) next[key] = changes[key];
    if (!('page' in changes)) next.page = 1;
    state = normalise(next);
    render();
  }

  form.addEventListener('change', function (event) {
    var name = event.target.name;
    if (name && name !== 'q') {
      var change = {};
      change[name] = event.target.value;
      update(change);
    }
  });
  var typing = null;
  form.elements.q.addEventListener('input', function () {
    clearTimeout(typing);
    typing = setTimeout(function () { update({ q: form.elements.q.value }); }, 150);
  });
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  document.getElementById('reset').addEventListener('click', function () {
    state = copy(DEFAULTS);
    render();
  });
  pager.addEventListener('click', function (event) {
    var to = event.target.dataset ? event.target.dataset.page : null;
    if (!to) return;
    var pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
    var page = { first: 1, prev: state.page - 1, next: state.page + 1, last: pages }[to];
    update({ page: page });
    document.getElementById('findings').scrollIntoView();
  });
  expand.addEventListener('click', function () {
    var details = tbody.querySelectorAll('tr.details');
    var open = Array.prototype.some.call(details, function (d) { return d.hidden; });
    Array.prototype.forEach.call(tbody.querySelectorAll('tr.finding'), function (tr) {
      if (tr.nextSibling.hidden === open) tr.querySelector('.toggle').click();
    });
    expand.textContent = open ? 'Collapse all' : 'Expand all';
  });
  // The summary's links (a measure, a count, an account, a control) set the filters.
  window.addEventListener('hashchange', function () {
    var next = readLocation();
    if (fragment(next) === fragment(state)) return;
    state = next;
    render();
    document.getElementById('findings').scrollIntoView();
  });

  state = readLocation();
  render();
  var done = performance.now();
  // Timings for whoever measures the page (tests/html_browser.rs): milliseconds since
  // navigation started, and those spent parsing the data and building the first page.
  var root = document.documentElement.dataset;
  root.parseMs = String(Math.round(parsed - started));
  root.renderMs = String(Math.round(done - parsed));
  root.readyMs = String(Math.round(done));
}());
