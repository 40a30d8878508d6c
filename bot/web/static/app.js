// Veiviser web chat. Plain ES2020, no dependencies. Server text is only ever
// put into the page as text nodes, never as HTML.
'use strict';
(() => {
  const KEY = 'veiviser-token';
  const EXIT_URL = 'https://www.yr.no/';
  const RTL = new Set(['ar', 'fa', 'ur']);
  const MAX = 1000;

  const $ = (id) => document.getElementById(id);
  const list = $('messages');
  const scroller = document.querySelector('main');
  const form = $('compose');
  const input = $('text');
  const remember = $('remember');
  const endOnExit = $('end-on-exit');
  const noticeEl = $('notice');

  const msgs = new Map(); // bot message id -> <li>
  let token = null;
  let es = null;
  let starting = null;
  let closedRetries = 0;
  let noticeTimer = 0;
  let connNotice = false;
  let followNext = false;
  // The page's own words: English (as in index.html) until her language's come.
  let words = { lang: 'en', tapToRead: 'Tap to read', newConversation: 'A new conversation has started.' };
  const wordsCache = new Map(); // asked code -> answer
  let wordsWanted = '';

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const el = (tag, cls) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    return e;
  };

  // --- Token: kept in memory; in sessionStorage only when she asks. ---
  function stored() {
    try { return sessionStorage.getItem(KEY); } catch { return null; }
  }
  function store() {
    try {
      if (remember.checked && token) sessionStorage.setItem(KEY, token);
      else sessionStorage.removeItem(KEY);
    } catch { /* storage blocked: keep it in memory only */ }
  }

  // --- Quick exit: never waits for the network. ---
  function quickExit() {
    try {
      if (endOnExit.checked && token && navigator.sendBeacon) {
        navigator.sendBeacon('/api/end', new Blob([JSON.stringify({ token })], { type: 'application/json' }));
      }
    } catch { /* leave anyway */ }
    try { sessionStorage.clear(); } catch { /* ignore */ }
    try { if (es) es.close(); } catch { /* ignore */ }
    try { document.title = ''; document.body.textContent = ''; } catch { /* ignore */ }
    location.replace(EXIT_URL);
  }
  $('quick-exit').addEventListener('click', quickExit);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' || e.key === 'Esc') {
      e.preventDefault();
      quickExit();
    }
  }, true);

  // --- Notices ---
  // fromServer: true for the server's words, or the language of the text.
  function notice(text, fromServer) {
    clearTimeout(noticeTimer);
    connNotice = false;
    if (!text) { noticeEl.hidden = true; noticeEl.textContent = ''; return; }
    noticeEl.lang = typeof fromServer === 'string' ? fromServer : fromServer ? document.documentElement.lang : 'en';
    noticeEl.dir = 'auto';
    noticeEl.textContent = text;
    noticeEl.hidden = false;
    noticeTimer = setTimeout(() => notice(''), 8000);
  }
  function status(text) { // connection state: stays until the stream is open
    notice(text);
    clearTimeout(noticeTimer);
    connNotice = true;
  }
  function clearStatus() { if (connNotice) notice(''); }

  // --- Language and direction ---
  const langOf = (l) => String(l || '').toLowerCase().split(/[-_]/)[0];
  function setLang(lang) {
    if (typeof lang !== 'string' || !/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/.test(lang)) return;
    const root = document.documentElement;
    root.lang = lang;
    root.dir = RTL.has(langOf(lang)) ? 'rtl' : 'ltr';
    fetchWords(lang);
  }

  // --- The page's own words in her language (GET /api/labels) ---
  const str = (v) => (typeof v === 'string' && v.trim() ? v.trim() : '');
  // setWords sets the words of an element and keeps its other children
  // (an icon, a number, a checkbox).
  function setWords(node, text, sep) {
    if (!node || !text) return;
    for (const n of [...node.childNodes]) if (n.nodeType === Node.TEXT_NODE) n.remove();
    node.appendChild(document.createTextNode(sep + text));
  }
  function applyWords(w) {
    const lang = /^[a-z]{2,3}$/.test(w.lang) ? w.lang : 'en';
    const dir = RTL.has(lang) ? 'rtl' : 'ltr';
    for (const part of document.querySelectorAll('header.top, footer.bottom')) {
      part.lang = lang;
      part.dir = dir;
    }
    setWords($('quick-exit'), str(w.quickExit), '');
    setWords(document.querySelector('a.call[href="tel:112"]'), str(w.police), ' ');
    setWords(document.querySelector('a.call[href="tel:113"]'), str(w.ambulance), ' ');
    const sosWords = str(w.emergency).replace(/^[^\p{L}\p{N}]+/u, '');
    if (sosWords) {
      $('sos').textContent = sosWords;
      document.querySelector('nav.sos').setAttribute('aria-label', sosWords);
    }
    const hint = document.querySelector('.hint');
    if (hint && str(w.historyHint)) hint.textContent = str(w.historyHint);
    const ph = str(w.placeholder);
    if (ph) {
      input.setAttribute('placeholder', ph);
      input.setAttribute('aria-label', ph.replace(/[\s.…]+$/u, ''));
    }
    const send = str(w.send);
    if (send) {
      $('send').setAttribute('aria-label', send);
      $('send').querySelector('span').textContent = send;
    }
    setWords(remember.parentElement, str(w.remember), ' ');
    setWords(endOnExit.parentElement, str(w.endOnExit), ' ');
    words = {
      lang,
      tapToRead: str(w.tapToRead) || words.tapToRead,
      newConversation: str(w.newConversation) || words.newConversation,
    };
    // A discreet message in this language that came before its words did.
    for (const b of list.querySelectorAll('.reveal')) {
      const li = b.closest('.msg');
      if (li && langOf(li.lang) === lang) { b.lang = lang; b.textContent = words.tapToRead; }
    }
  }
  async function fetchWords(code) {
    code = String(code || '').toLowerCase();
    if (!code || code === wordsWanted) return;
    wordsWanted = code;
    try {
      let w = wordsCache.get(code);
      if (!w) {
        const r = await fetch('/api/labels?lang=' + encodeURIComponent(code), { credentials: 'same-origin' });
        if (!r.ok) throw new Error(String(r.status));
        w = await r.json();
        if (!w || typeof w !== 'object') throw new Error('no labels');
        wordsCache.set(code, w);
      }
      if (code === wordsWanted) applyWords(w); // not overtaken by another language
    } catch {
      if (code === wordsWanted) wordsWanted = ''; // keep what shows; try again next time
    }
  }

  // --- Text: plain text; phone numbers and https URLs become links. ---
  function telHref(p) {
    return 'tel:' + (/^\s*\+/.test(p) ? '+' : '') + p.replace(/\D/g, '');
  }
  function trimUrl(u) {
    while (/[.,;:!?'"»”’…،۔)\]]$/.test(u)) {
      if (u.endsWith(')') && u.split('(').length >= u.split(')').length) break; // balanced
      u = u.slice(0, -1);
    }
    return u;
  }
  function fill(box, text, phones) {
    const marks = [];
    for (const m of text.matchAll(/https:\/\/[^\s<>"]+/g)) {
      const u = trimUrl(m[0]);
      if (u.length > 8) marks.push({ s: m.index, e: m.index + u.length, href: u, web: true });
    }
    for (const p of Array.isArray(phones) ? phones : []) {
      if (typeof p !== 'string' || !/\d/.test(p)) continue;
      for (let i = text.indexOf(p); i !== -1; i = text.indexOf(p, i + 1)) {
        const e = i + p.length;
        // Not a piece of a longer number.
        if (/\d/.test(text.charAt(i - 1)) || /\d/.test(text.charAt(e))) continue;
        marks.push({ s: i, e, href: telHref(p) });
      }
    }
    marks.sort((a, b) => a.s - b.s || b.e - a.e);
    let pos = 0;
    for (const m of marks) {
      if (m.s < pos) continue; // overlaps an earlier link
      if (m.s > pos) box.appendChild(document.createTextNode(text.slice(pos, m.s)));
      const a = el('a');
      a.setAttribute('href', m.href);
      a.dir = 'ltr';
      if (m.web) {
        a.rel = 'noreferrer noopener';
        a.target = '_blank';
      }
      a.textContent = text.slice(m.s, m.e);
      box.appendChild(a);
      pos = m.e;
    }
    if (pos < text.length) box.appendChild(document.createTextNode(text.slice(pos)));
  }

  // --- Messages ---
  function render(li, ev) {
    const text = typeof ev.text === 'string' ? ev.text : '';
    const l = langOf(ev.lang);
    if (ev.lang) li.lang = ev.lang; else li.removeAttribute('lang');
    li.dir = RTL.has(l) ? 'rtl' : l ? 'ltr' : 'auto';
    li.textContent = '';

    if (typeof ev.audio === 'string' && ev.audio.startsWith('/api/audio/')) {
      // A recording of the answer, read aloud; played only when she taps.
      const player = el('audio', 'voice');
      player.controls = true;
      player.preload = 'none';
      player.src = ev.audio;
      li.appendChild(player);
      return;
    }
    const body = el('div', 'text');
    li.appendChild(body);
    const cut = text.indexOf('\n');
    if (ev.discreet && cut !== -1 && text.slice(cut).trim()) {
      // Only the first line shows; the rest waits behind a tap.
      fill(body, text.slice(0, cut), ev.phones);
      const more = el('button', 'reveal');
      more.type = 'button';
      more.lang = words.lang;
      more.textContent = words.tapToRead;
      more.addEventListener('click', () => {
        fill(body, text.slice(cut), ev.phones);
        const keep = more === document.activeElement;
        more.remove();
        if (keep) { body.tabIndex = -1; body.focus({ preventScroll: true }); }
      });
      li.appendChild(more);
    } else {
      fill(body, text, ev.phones);
    }

    const rows = Array.isArray(ev.buttons) ? ev.buttons : [];
    const box = el('div', 'buttons');
    for (const row of rows) {
      if (!Array.isArray(row)) continue;
      const r = el('div', 'row');
      for (const b of row) {
        if (!b || typeof b !== 'object') continue;
        const btn = el('button');
        btn.type = 'button';
        btn.dataset.data = String(b.data ?? '');
        btn.dir = 'auto';
        btn.textContent = String(b.label ?? '');
        r.appendChild(btn);
      }
      if (r.childElementCount) box.appendChild(r);
    }
    if (box.childElementCount) li.appendChild(box);
  }

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }
  function show(li) {
    requestAnimationFrame(() => {
      if (!li.isConnected) return;
      const top = li.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
      // A long message is shown from its beginning, a short one at the bottom.
      if (li.offsetHeight > scroller.clientHeight - 16) scroller.scrollTop += top - 8;
      else scroller.scrollTop = scroller.scrollHeight;
    });
  }

  function upsert(ev) {
    if (ev.id === undefined || ev.id === null) return;
    const id = String(ev.id);
    let li = msgs.get(id);
    const isNew = !li;
    const follow = isNew && (followNext || nearBottom());
    const hadFocus = !isNew && li.contains(document.activeElement);
    if (isNew) {
      li = el('li', 'msg bot');
      li.dataset.id = id;
      li.tabIndex = -1;
      msgs.set(id, li);
      list.appendChild(li);
    }
    render(li, ev);
    if (ev.lang) setLang(ev.lang);
    if (hadFocus) (li.querySelector('button') || li).focus({ preventScroll: true });
    if (follow) { followNext = false; show(li); }
  }

  function remove(ids) {
    for (const id of Array.isArray(ids) ? ids : []) {
      const li = msgs.get(String(id));
      if (li) { li.remove(); msgs.delete(String(id)); }
    }
  }

  function handle(ev) {
    if (!ev || typeof ev !== 'object') return;
    switch (ev.type) {
      case 'message':
      case 'edit': upsert(ev); break;
      case 'delete': remove(ev.ids); break;
      case 'error': notice(String(ev.text || ''), true); break;
    }
  }
  function onData(e) {
    let ev;
    try { ev = JSON.parse(e.data); } catch { return; }
    handle(ev);
  }

  function mine(text) {
    const li = el('li', 'msg me');
    li.dir = 'auto';
    const body = el('div', 'text');
    fill(body, text, []);
    li.appendChild(body);
    list.appendChild(li);
    show(li);
    return li;
  }
  function dropMine() { list.querySelectorAll('.msg.me').forEach((li) => li.remove()); }
  function clearAll() { msgs.clear(); list.textContent = ''; }

  // --- Server ---
  async function errText(r) {
    try {
      const j = await r.json();
      return j && typeof j.error === 'string' ? j.error : '';
    } catch { return ''; }
  }
  const json = (body) => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    cache: 'no-store',
    credentials: 'same-origin',
  });

  function startSession() {
    if (starting) return starting;
    starting = (async () => {
      let delay = 1000;
      for (;;) {
        try {
          const body = { lang: navigator.language || '' };
          // A still-valid token resumes; a gone one gets a new session.
          if (token) body.token = token;
          const r = await fetch('/api/session', json(body));
          if (r.ok) {
            const j = await r.json();
            if (!j || typeof j.token !== 'string' || !j.token) throw new Error('no token');
            if (!j.resumed && list.childElementCount) {
              clearAll(); // ids start again: old messages cannot stay
              notice(words.newConversation, words.lang);
            }
            token = j.token;
            store();
            connect();
            return;
          }
          const msg = await errText(r);
          if (token && r.status >= 400 && r.status < 500 && r.status !== 429) {
            token = null;
            store();
            continue;
          }
          status(msg || 'Could not connect. Trying again…');
        } catch {
          status('No connection. Trying again…');
        }
        await sleep(delay);
        delay = Math.min(delay * 2, 30000);
      }
    })().finally(() => { starting = null; });
    return starting;
  }

  function connect() {
    if (es) es.close();
    const src = new EventSource('/api/events?token=' + encodeURIComponent(token));
    es = src;
    src.onopen = () => { closedRetries = 0; clearStatus(); };
    src.onmessage = onData;
    src.addEventListener('edit', onData);
    src.addEventListener('delete', onData);
    src.onerror = (e) => {
      if (e && typeof e.data === 'string') { onData(e); return; } // a named "error" event
      if (src !== es) return;
      if (src.readyState === EventSource.CLOSED) {
        // The server refused the stream (401: session gone). EventSource
        // does not retry then; ask for the session again.
        src.close();
        es = null;
        status('Reconnecting…');
        const wait = Math.min(1000 * 2 ** closedRetries++, 30000);
        setTimeout(() => { if (!es) startSession(); }, wait);
      } else {
        status('Connection lost. Reconnecting…'); // EventSource retries by itself
      }
    };
  }

  function revive() {
    if (!starting && (!es || es.readyState === EventSource.CLOSED)) {
      es = null;
      startSession();
    }
  }
  window.addEventListener('online', revive);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) revive(); });

  async function post(path, fields) {
    try {
      if (starting || !token) await startSession();
      const r = await fetch(path, json({ token, ...fields }));
      if (r.ok) return true;
      const msg = await errText(r);
      if (r.status === 401) {
        token = null;
        store();
        notice(msg || 'Your conversation had ended. Please try again.', !!msg);
        startSession();
        return false;
      }
      notice(msg || 'Something went wrong. Please try again.', !!msg);
    } catch {
      notice('No connection. Please try again.');
    }
    return false;
  }

  async function press(data, message, btn) {
    if (btn) {
      if (btn.classList.contains('busy')) return; // a double tap on a slow line
      btn.classList.add('busy');
      setTimeout(() => btn.classList.remove('busy'), 1200);
    }
    if (data.startsWith('l:')) setLang(data.slice(2));
    followNext = true;
    // "clear" deletes her messages too; here they exist only in this page.
    if (await post('/api/press', { data, message }) && data === 'clear') dropMine();
  }

  // --- Wiring ---
  list.addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-data]');
    if (!btn || !list.contains(btn)) return;
    const li = btn.closest('.msg');
    const id = li ? Number(li.dataset.id) : 0;
    press(btn.dataset.data, Number.isFinite(id) ? id : 0, btn);
  });

  const sos = $('sos');
  sos.addEventListener('click', () => press(sos.dataset.press, 0, sos));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (text.length > MAX) { notice(`Please write at most ${MAX} characters.`); return; }
    input.value = '';
    input.focus();
    followNext = true;
    const li = mine(text);
    if (await post('/api/send', { text })) {
      if (/^\/clear(@\S*)?$/i.test(text)) dropMine();
    } else {
      li.remove(); // not sent: give the text back to try again
      if (!input.value) input.value = text;
    }
  });

  remember.addEventListener('change', store);

  token = stored();
  remember.checked = !!token;
  fetchWords(navigator.language);
  startSession();
})();
