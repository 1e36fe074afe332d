// What every view of the dashboard draws with: times in the browser's zone, table cells, badges,
// links, and rows kept as they are while what they show does not change.
"use strict";

/** The zone the page shows times in, the browser's, named where times are shown ("CET", "UTC"). */
const ZONE = (new Intl.DateTimeFormat(undefined, { timeZoneName: "short" }).formatToParts(new Date())
  .find(p => p.type === "timeZoneName") || { value: "local time" }).value;

/** A time of the API's (ISO, UTC) in the browser's zone, as "2026-12-06 08:21:21"; "" for none. */
function when(t) {
  const d = t ? new Date(t) : null;
  if (!d || isNaN(d)) return t || "";
  const p = n => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} `
    + `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** How long from one time of the API's to another: "850 ms", "4.2 s", "3 min 4 s", "2 h 5 min". */
function took(from, to) {
  const ms = from && to ? Date.parse(to) - Date.parse(from) : NaN;
  if (!(ms >= 0)) return "";
  if (ms < 1000) return ms + " ms";
  const s = Math.round(ms / 1000);
  if (ms < 10000) return (ms / 1000).toFixed(1) + " s";
  if (s < 60) return s + " s";
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor(s % 3600 / 60)} min`;
}

/** How long a finished job ran: from its process's start to its end; "" for any other. */
const jobTook = j => FINAL.has(j.state) ? took(j.startedAt, j.finishedAt) : "";

// every column of times says in which zone they are
document.querySelectorAll("th.time").forEach(th => { th.textContent += ` (${ZONE})`; });

/**
 * A value as JSON whose invisible characters that change how a line reads (Unicode's format
 * characters: a right-to-left override, a zero-width space) are written as escapes: an argv
 * that runs one file must not read as another. The command line the API gives does the same.
 */
const visibleJson = v => JSON.stringify(v)
  .replace(/\p{Cf}/gu, c => Array.from({ length: c.length }, (_, i) => "\\u" + c.charCodeAt(i).toString(16).toUpperCase()
    .padStart(4, "0")).join(""));

function cell(tr, text, cls) {
  const td = document.createElement("td");
  if (text instanceof Node) td.appendChild(text); else td.textContent = text ?? "";
  if (cls) td.className = cls;
  if (cls === "long") td.title = td.textContent; // cut short on the line; whole when pointed at
  tr.appendChild(td);
  return td;
}

function badge(text) {
  const s = document.createElement("span");
  s.className = "state " + text;
  s.textContent = text;
  return s;
}

function slots(w) {
  const span = document.createElement("span");
  span.title = `${w.busy} busy of ${w.slots}`;
  for (let i = 0; i < w.slots; i++) {
    const b = document.createElement("span");
    b.className = "slot " + (i < w.busy ? "busy" : "free");
    span.appendChild(b);
  }
  return span;
}

function button(text, onClick) {
  const b = document.createElement("button");
  b.textContent = text;
  b.className = "danger";
  b.addEventListener("click", e => { e.stopPropagation(); onClick(b); });
  return b;
}

const plural = (n, what) => `${n} ${what}${n === 1 ? "" : "s"}`;

/** A link to a job's or a run's page: the row opens with a click, the link also with the keyboard. */
function link(id, page) {
  return Object.assign(document.createElement("a"), { href: `#${page}/${id}`, textContent: id });
}

/** What each row (or group) was drawn from, so that an unchanged one is left as it is. */
const drawnFrom = new WeakMap();

/**
 * Makes {@code parent}'s children the rows of {@code items}, in order, each {key, from, build}:
 * {@code from} says what the row shows (a string); a row whose {@code from} did not change stays
 * the same element, unmoved, so a selection in it survives a redraw. Only new and changed rows are
 * built again (with {@code build}).
 */
function syncRows(parent, items) {
  const focus = focusIn(parent);
  const old = new Map([...parent.children].map(e => [e.dataset.key, e]));
  const wanted = new Set(items.map(it => String(it.key)));
  old.forEach((e, key) => { if (!wanted.has(key)) e.remove(); });
  items.forEach((it, i) => {
    let row = old.get(String(it.key));
    if (!row || drawnFrom.get(row) !== it.from) {
      const fresh = it.build();
      fresh.dataset.key = it.key;
      drawnFrom.set(fresh, it.from);
      if (row) row.replaceWith(fresh);
      row = fresh;
    }
    const at = parent.children[i];
    if (at !== row) parent.insertBefore(row, at || null);
  });
  if (focus) refocus(parent, focus);
}

/** What the keyboard can reach in a row: a link, a button. */
const FOCUSABLE = "a[href], button, input, select, [tabindex]";

/** Which row of {parent} has the focus, and which of its links and buttons: {key, index}, or null. */
function focusIn(parent) {
  const el = document.activeElement;
  const row = parent.contains(el) && [...parent.children].find(r => r.contains(el));
  return row ? { key: row.dataset.key, index: [...row.querySelectorAll(FOCUSABLE)].indexOf(el) } : null;
}

/**
 * Gives the focus back to the same link or button of the same row, drawn again: a keyboard user
 * reading the job table on a busy pool lost their place to the page's top at every job's end.
 */
function refocus(parent, { key, index }) {
  if (parent.contains(document.activeElement)) return;
  const row = [...parent.children].find(r => r.dataset.key === key);
  const el = row && row.querySelectorAll(FOCUSABLE)[index];
  if (el) el.focus({ preventScroll: true });
}

/** Sets an element's text only when it changed: setting it again would end a selection in it. */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** What is to be said next through the live region: what one turn of the page says, together. */
let toAnnounce = [];

/** Says {text} to screen readers, through the page's polite live region (aria-live="polite"). */
function announce(text) {
  if (toAnnounce.length === 0) {
    setTimeout(() => {
      $("#announce").textContent = toAnnounce.join(" ");
      toAnnounce = [];
    }, 0);
  }
  toAnnounce.push(text);
}
