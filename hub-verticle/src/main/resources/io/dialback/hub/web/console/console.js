// The dialback web console: one more bridge client, over the hub's WebSocket. No framework, no
// build step. Everything an agent or the hub supplies is put on the page as text (textContent),
// never as markup.
'use strict';

(function () {
  const TOKEN_KEY = 'dialback.token';
  const CALL_TIMEOUT_MS = 30000;
  const UPLOAD_CHUNK = 45 * 1024; // base64 JSON stays under the hub's 64 KiB WebSocket frames
  const RATE_POINTS = 60;

  const $ = (id) => document.getElementById(id);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  // ---- the bridge protocol over a WebSocket -------------------------------------------------

  class BridgeError extends Error {
    constructor(code, message) {
      super(message || 'failed');
      this.code = code;
    }
  }

  /** A bridge connection: 4-byte length + JSON frames, read from the messages as one stream. */
  class Bridge {
    constructor(url) {
      this.url = url;
      this.pending = new Map();
      this.handlers = new Map();
      this.next = 0;
      this.inbox = new Uint8Array(0);
      this.onclose = () => {};
    }

    open() {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(this.url);
        ws.binaryType = 'arraybuffer';
        this.ws = ws;
        let opened = false;
        ws.onopen = () => {
          opened = true;
          this.keepalive = setInterval(() => this.write({ type: 'ping' }), 20000);
          resolve();
        };
        ws.onmessage = (e) => {
          if (e.data instanceof ArrayBuffer) {
            this.read(new Uint8Array(e.data));
          }
        };
        ws.onclose = (e) => {
          clearInterval(this.keepalive);
          const why = new BridgeError(503, 'unavailable: the connection to the hub closed');
          for (const p of this.pending.values()) {
            clearTimeout(p.timer);
            p.reject(why);
          }
          this.pending.clear();
          if (!opened) {
            reject(new BridgeError(503, 'unavailable: cannot open a WebSocket to the hub'));
          } else {
            this.onclose(e);
          }
        };
      });
    }

    close() {
      this.onclose = () => {};
      if (this.ws) {
        this.ws.close();
      }
    }

    write(frame) {
      const json = encoder.encode(JSON.stringify(frame));
      const bytes = new Uint8Array(4 + json.length);
      new DataView(bytes.buffer).setUint32(0, json.length);
      bytes.set(json, 4);
      if (this.ws && this.ws.readyState === WebSocket.OPEN) {
        this.ws.send(bytes);
      }
    }

    read(chunk) {
      const all = new Uint8Array(this.inbox.length + chunk.length);
      all.set(this.inbox);
      all.set(chunk, this.inbox.length);
      let at = 0;
      while (all.length - at >= 4) {
        const length = new DataView(all.buffer, at, 4).getUint32(0);
        if (all.length - at - 4 < length) {
          break;
        }
        const payload = all.subarray(at + 4, at + 4 + length);
        at += 4 + length;
        if (payload.length > 0 && payload[0] === 0) {
          continue; // binary-extension frames: never asked for here
        }
        let frame;
        try {
          frame = JSON.parse(decoder.decode(payload));
        } catch (e) {
          continue;
        }
        this.dispatch(frame);
      }
      this.inbox = all.slice(at);
    }

    dispatch(frame) {
      const waiting = frame.address ? this.pending.get(frame.address) : undefined;
      if (frame.type === 'message') {
        if (waiting) {
          this.pending.delete(frame.address);
          clearTimeout(waiting.timer);
          waiting.resolve(frame.body);
        } else if (this.handlers.has(frame.address)) {
          this.handlers.get(frame.address)(frame.body);
        }
      } else if (frame.type === 'err') {
        const error = new BridgeError(frame.failureCode, frame.message || frame.failureType);
        if (frame.failureType === 'NO_HANDLERS') {
          error.code = 503;
          error.message = 'nobody serves ' + (frame.sourceAddress || 'that address') +
            ' (the agent is gone, or does not offer this)';
        } else if (frame.failureType === 'TIMEOUT') {
          error.code = 503;
          error.message = 'no answer in time from ' + (frame.sourceAddress || 'the agent');
        }
        if (waiting) {
          this.pending.delete(frame.address);
          clearTimeout(waiting.timer);
          waiting.reject(error);
        } else {
          showError(error.message);
        }
      }
    }

    request(address, body, timeoutMs) {
      const replyAddress = 'r.' + (++this.next);
      const timeout = timeoutMs || CALL_TIMEOUT_MS;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(replyAddress);
          reject(new BridgeError(503, 'no answer from ' + address + ' in ' + timeout / 1000 + ' s'));
        }, timeout + 1000);
        this.pending.set(replyAddress, { resolve, reject, timer });
        this.write({ type: 'send', address, replyAddress, headers: { timeout }, body });
      });
    }

    register(address, handler) {
      this.handlers.set(address, handler);
      this.write({ type: 'register', address });
    }
  }

  // ---- small helpers ------------------------------------------------------------------------

  function el(tag, text, className) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    if (className) {
      e.className = className;
    }
    return e;
  }

  function button(text, onClick, className) {
    const b = el('button', text, className);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  function size(bytes) {
    if (typeof bytes !== 'number' || bytes < 0) {
      return '';
    }
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let v = bytes;
    let u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (u === 0 ? String(v) : v.toFixed(v < 10 ? 1 : 0)) + ' ' + units[u];
  }

  function when(ms) {
    return typeof ms === 'number' && ms > 0 ? new Date(ms).toLocaleString() : '';
  }

  function join(dir, name) {
    return dir ? dir + '/' + name : name;
  }

  function showError(text) {
    $('error').textContent = text ? String(text) : '';
  }

  function describe(e) {
    return e && e.message ? e.message : String(e);
  }

  // ---- state --------------------------------------------------------------------------------

  let bridge = null;
  let agents = [];
  let current = null; // {agent, path}
  let rates = [];
  let statsTimer = null;
  let reconnectDelay = 1000;
  let listRefresh = null;

  function bridgeUrl() {
    const meta = document.querySelector('meta[name="dialback-bridge-path"]');
    const path = meta ? meta.content : '/bridge';
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path;
  }

  // ---- login --------------------------------------------------------------------------------

  async function login(token) {
    const b = new Bridge(bridgeUrl());
    await b.open();
    let reply;
    try {
      reply = await b.request('hub.login', { token }, 15000);
    } catch (e) {
      b.close();
      throw e;
    }
    return { bridge: b, reply };
  }

  async function start(token, fromForm) {
    $('login-error').textContent = '';
    $('login-button').disabled = true;
    try {
      const { bridge: b, reply } = await login(token);
      sessionStorage.setItem(TOKEN_KEY, token);
      bridge = b;
      reconnectDelay = 1000;
      bridge.onclose = () => lost();
      loggedIn(reply);
    } catch (e) {
      if (e.code === 401 || e.code === 403 || e.code === 400) {
        sessionStorage.removeItem(TOKEN_KEY);
        showLogin('The hub refused this token: ' + describe(e));
      } else if (fromForm) {
        showLogin('Cannot log in: ' + describe(e));
      } else {
        $('link').textContent = 'Cannot reach the hub (' + describe(e) + '); trying again…';
        setTimeout(() => start(token, false), reconnectDelay);
        reconnectDelay = Math.min(reconnectDelay * 2, 15000);
      }
    } finally {
      $('login-button').disabled = false;
    }
  }

  function showLogin(message) {
    $('console').hidden = true;
    $('logout').hidden = true;
    $('who').hidden = true;
    $('login').hidden = false;
    $('link').textContent = '';
    $('login-error').textContent = message || '';
    $('token').value = '';
    $('token').focus();
  }

  function loggedIn(reply) {
    $('login').hidden = true;
    $('console').hidden = false;
    $('logout').hidden = false;
    $('who').hidden = false;
    $('who').textContent = 'as ' + reply.identity + ' on hub ' + reply.hub;
    $('link').textContent = 'connected';
    showError('');
    bridge.register('hub.agents.events', () => scheduleFleet());
    refreshFleet();
    clearInterval(statsTimer);
    statsTimer = setInterval(refreshStats, 1000);
    refreshStats();
    if (current) {
      openFolder(current.agent, current.path);
    }
  }

  function lost() {
    clearInterval(statsTimer);
    $('link').textContent = 'Connection to the hub lost; reconnecting…';
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) {
      setTimeout(() => start(token, false), reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 15000);
    } else {
      showLogin('');
    }
  }

  function logout() {
    sessionStorage.removeItem(TOKEN_KEY);
    clearInterval(statsTimer);
    if (bridge) {
      bridge.close();
      bridge = null;
    }
    current = null;
    $('files').hidden = true;
    showLogin('Logged out.');
  }

  // ---- fleet and hubs -----------------------------------------------------------------------

  function scheduleFleet() {
    clearTimeout(listRefresh);
    listRefresh = setTimeout(refreshFleet, 150);
  }

  async function refreshFleet() {
    try {
      const reply = await bridge.request('hub.agents.list', {});
      agents = Array.isArray(reply.agents) ? reply.agents : [];
      renderFleet();
    } catch (e) {
      showError('Cannot list the agents: ' + describe(e));
    }
  }

  function renderFleet() {
    const body = $('fleet').tBodies[0];
    body.replaceChildren();
    for (const a of agents) {
      const meta = a.meta && typeof a.meta === 'object' ? a.meta : {};
      const tr = el('tr');
      tr.dataset.agent = String(a.name);
      if (current && current.agent === a.name) {
        tr.className = 'selected';
      }
      const name = el('td', null, 'name');
      name.append(button(a.name, () => openFolder(String(a.name), ''), 'link-like'));
      tr.append(
        name,
        el('td', a.hub),
        el('td', meta.writable === true ? 'read-write' : 'read-only'),
        el('td', meta.host),
        el('td', when(a.connectedAt)));
      body.append(tr);
    }
    $('fleet-count').textContent = '(' + agents.length + ')';
    $('fleet-empty').hidden = agents.length > 0;
    if (current && !agents.some((a) => a.name === current.agent)) {
      showError('Agent ' + current.agent + ' has left.');
    }
  }

  async function refreshStats() {
    if (!bridge) {
      return;
    }
    try {
      const stats = await bridge.request('hub.stats', {}, 5000);
      const hubs = Array.isArray(stats.hubs) ? stats.hubs : [];
      const body = $('hubs').tBodies[0];
      body.replaceChildren();
      let total = 0;
      for (const h of hubs) {
        total += Number(h.callsPerSecond) || 0;
        const tr = el('tr');
        tr.append(
          el('td', h.name),
          el('td', h.connections, 'num'),
          el('td', h.agents, 'num'),
          el('td', h.callsPerSecond, 'num'));
        body.append(tr);
      }
      rates.push(total);
      if (rates.length > RATE_POINTS) {
        rates = rates.slice(-RATE_POINTS);
      }
      $('rate-now').textContent = String(total);
      drawRates();
    } catch (e) {
      // the next tick tries again; a lost connection is reported elsewhere
    }
  }

  function drawRates() {
    const max = Math.max(1, ...rates);
    const step = 300 / (RATE_POINTS - 1);
    const offset = RATE_POINTS - rates.length;
    const points = rates.map((r, i) =>
      ((offset + i) * step).toFixed(1) + ',' + (58 - (r / max) * 54).toFixed(1));
    $('rate-line').setAttribute('points', points.join(' '));
  }

  // ---- files --------------------------------------------------------------------------------

  function agentInfo(name) {
    return agents.find((a) => a.name === name);
  }

  function writable(name) {
    const a = agentInfo(name);
    return !!(a && a.meta && a.meta.writable === true);
  }

  async function call(agent, op, body) {
    return bridge.request('agent.' + agent + '.fs.' + op, body);
  }

  async function listAll(agent, path) {
    const entries = [];
    let offset = 0;
    for (let page = 0; page < 50; page++) {
      const reply = await call(agent, 'list', { path, offset });
      const got = Array.isArray(reply.entries) ? reply.entries : [];
      entries.push(...got);
      if (!reply.more || got.length === 0) {
        break;
      }
      offset += got.length;
    }
    return entries;
  }

  async function openFolder(agent, path) {
    showError('');
    let entries;
    try {
      entries = await listAll(agent, path);
    } catch (e) {
      showError('Cannot list ' + agent + ':' + (path || '/') + ' — ' + describe(e));
      return;
    }
    const first = !current || current.agent !== agent;
    current = { agent, path };
    renderFleet();
    $('files').hidden = false;
    $('files-agent').textContent = agent;
    renderCrumbs(agent, path);
    const canWrite = writable(agent);
    $('actions').hidden = !canWrite;
    $('read-only').hidden = canWrite;
    entries.sort((a, b) =>
      (a.type === 'dir' ? 0 : 1) - (b.type === 'dir' ? 0 : 1) ||
      String(a.name).localeCompare(String(b.name)));
    const body = $('entries').tBodies[0];
    body.replaceChildren();
    for (const entry of entries) {
      body.append(entryRow(agent, path, entry, canWrite));
    }
    $('entries-empty').hidden = entries.length > 0;
    if (first) {
      $('files-title').focus();
    }
  }

  function renderCrumbs(agent, path) {
    const nav = $('crumbs');
    nav.replaceChildren();
    nav.append(button(agent + ':', () => openFolder(agent, ''), 'link-like'));
    const parts = path ? path.split('/') : [];
    parts.forEach((part, i) => {
      nav.append(el('span', '/', 'sep'));
      const to = parts.slice(0, i + 1).join('/');
      nav.append(button(part, () => openFolder(agent, to), 'link-like'));
    });
  }

  function entryRow(agent, dir, entry, canWrite) {
    const name = String(entry.name);
    const path = join(dir, name);
    const tr = el('tr');
    tr.dataset.name = name;
    const cell = el('td', null, 'name');
    if (entry.type === 'dir') {
      cell.append(button(name + '/', () => openFolder(agent, path), 'link-like'));
    } else {
      cell.append(el('span', name));
    }
    const actions = el('div', null, 'row-actions');
    if (entry.type === 'file') {
      actions.append(button('Download', () => download(agent, path), 'quiet'));
    }
    if (canWrite) {
      actions.append(button('Rename', () => rename(tr, agent, dir, name), 'quiet'));
      actions.append(button('Delete', () => confirmDelete(tr, agent, path, entry.type), 'quiet'));
    }
    const sizeCell = el('td', entry.type === 'file' ? size(entry.size) : '', 'num');
    if (entry.type === 'file') {
      sizeCell.title = entry.size + ' bytes';
    }
    const actionCell = el('td');
    actionCell.append(actions);
    tr.append(cell, sizeCell, el('td', when(entry.modified)), actionCell);
    return tr;
  }

  async function download(agent, path) {
    showError('');
    try {
      const stat = await call(agent, 'stat', { path });
      if (stat.type !== 'file') {
        showError(path + ' is not a file');
        return;
      }
    } catch (e) {
      showError('Cannot download ' + path + ': ' + describe(e));
      return;
    }
    // The hub streams the file to the browser's download as the agent sends it, chunk by chunk;
    // the token goes in the form's body, never into a URL.
    const form = $('download-form');
    form.elements.token.value = sessionStorage.getItem(TOKEN_KEY) || '';
    form.elements.agent.value = agent;
    form.elements.path.value = path;
    form.submit();
    form.elements.token.value = '';
  }

  function confirmDelete(tr, agent, path, type) {
    const actions = tr.querySelector('.row-actions');
    const original = Array.from(actions.childNodes);
    const question = el('span', 'Delete ' + path + (type === 'dir' ? ' and all it holds' : '') + '?');
    const yes = button('Delete', async () => {
      try {
        await call(agent, 'delete', { path, recursive: type === 'dir' });
        await openFolder(agent, current.path);
      } catch (e) {
        actions.replaceChildren(...original);
        showError('Cannot delete ' + path + ': ' + describe(e));
      }
    }, 'danger');
    const no = button('Cancel', () => actions.replaceChildren(...original), 'quiet');
    actions.replaceChildren(question, yes, no);
    no.focus();
  }

  function rename(tr, agent, dir, name) {
    const actions = tr.querySelector('.row-actions');
    const original = Array.from(actions.childNodes);
    const form = el('form', null, 'inline');
    const input = el('input');
    input.type = 'text';
    input.value = name;
    input.setAttribute('aria-label', 'New name for ' + name);
    input.spellcheck = false;
    const ok = el('button', 'Rename');
    ok.type = 'submit';
    const cancel = button('Cancel', () => actions.replaceChildren(...original), 'quiet');
    form.append(input, ok, cancel);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const to = input.value.trim();
      if (!to || to === name) {
        actions.replaceChildren(...original);
        return;
      }
      try {
        await call(agent, 'move', { from: join(dir, name), to: join(dir, to) });
        await openFolder(agent, current.path);
      } catch (err) {
        showError('Cannot rename ' + name + ': ' + describe(err));
      }
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        actions.replaceChildren(...original);
      }
    });
    actions.replaceChildren(form);
    input.focus();
    input.select();
  }

  async function mkdir(e) {
    e.preventDefault();
    const name = $('mkdir-name').value.trim();
    if (!name || !current) {
      return;
    }
    try {
      await call(current.agent, 'mkdir', { path: join(current.path, name) });
      $('mkdir-name').value = '';
      await openFolder(current.agent, current.path);
    } catch (err) {
      showError('Cannot create folder ' + name + ': ' + describe(err));
    }
  }

  function base64(bytes) {
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }

  async function upload() {
    const file = $('upload-file').files[0];
    if (!file || !current) {
      showError('Choose a file to upload first.');
      return;
    }
    const { agent, path: dir } = current;
    const target = join(dir, file.name);
    const progress = $('upload-progress');
    const status = $('upload-status');
    progress.hidden = false;
    progress.max = Math.max(1, file.size);
    progress.value = 0;
    $('upload-button').disabled = true;
    showError('');
    try {
      let offset = 0;
      do {
        const slice = file.slice(offset, offset + UPLOAD_CHUNK);
        const bytes = new Uint8Array(await slice.arrayBuffer());
        const last = offset + bytes.length >= file.size;
        await call(agent, 'write', { path: target, offset, data: base64(bytes), last });
        offset += bytes.length;
        progress.value = offset;
        status.textContent = size(offset) + ' of ' + size(file.size);
      } while (offset < file.size);
      status.textContent = 'Uploaded ' + file.name + ' (' + size(file.size) + ')';
      $('upload-file').value = '';
      await openFolder(agent, current.path);
    } catch (e) {
      status.textContent = '';
      showError('Upload of ' + file.name + ' failed: ' + describe(e));
    } finally {
      progress.hidden = true;
      $('upload-button').disabled = false;
    }
  }

  // A download that fails before its first byte shows the hub's answer in the hidden frame.
  function downloadFrameLoaded() {
    try {
      const doc = $('download-frame').contentDocument;
      const text = doc && doc.body ? doc.body.textContent.trim() : '';
      if (text) {
        showError('Download failed: ' + text);
      }
    } catch (e) {
      // not ours to read
    }
  }

  // ---- wiring -------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const token = $('token').value.trim();
      if (token) {
        start(token, true);
      }
    });
    $('logout').addEventListener('click', logout);
    $('mkdir-form').addEventListener('submit', mkdir);
    $('upload-button').addEventListener('click', upload);
    $('download-frame').addEventListener('load', downloadFrameLoaded);
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) {
      $('login').hidden = true;
      $('link').textContent = 'connecting…';
      start(token, false);
    } else {
      $('token').focus();
    }
  });
})();
