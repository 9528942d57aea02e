"use strict";
// Shared by the room pages. Every piece of text is set with textContent, never innerHTML:
// what players, authors and the crowd wrote is data, not markup.

function el(tag, props, text) {
  const node = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key in node && key !== "type") node[key] = value;
      else node.setAttribute(key, String(value));
    }
  }
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

function say(message, ok) {
  const status = document.getElementById("status");
  if (!status) return;
  status.textContent = message || "";
  status.classList.toggle("ok", Boolean(ok));
}

// The code comes from the link's #fragment (never sent to the server, never in its logs) and is
// kept for this tab only, so a reload works and the address bar no longer shows it.
function codeFrom(fragmentKey, storageKey) {
  const hash = window.location.hash.replace(/^#/, "");
  let code = "";
  if (hash) {
    const params = new URLSearchParams(hash);
    code = fragmentKey ? (params.get(fragmentKey) || "") : hash;
  }
  if (code) {
    sessionStorage.setItem(storageKey, code);
    history.replaceState(null, "", window.location.pathname);
  }
  return code || sessionStorage.getItem(storageKey) || "";
}

async function api(method, path, code, body) {
  const headers = { "Accept": "application/json" };
  if (code) headers["Authorization"] = "Bearer " + code;
  const init = { method, headers, credentials: "omit", cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("application/json")) data = await response.json();
  else data = await response.text();
  return { status: response.status, ok: response.ok, data, response };
}

async function download(path, code, fallbackName) {
  const response = await fetch(path, { headers: { "Authorization": "Bearer " + code }, credentials: "omit" });
  if (!response.ok) {
    let message = "download refused (" + response.status + ")";
    try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
    say(message);
    return null;
  }
  const blob = await response.blob();
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = disposition.match(/filename="([^"]+)"/);
  const link = el("a", { href: URL.createObjectURL(blob), download: match ? match[1] : fallbackName });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  return blob;
}

// Rebuild a list without destroying the items that are still there (their inputs keep what
// someone is typing and their focus): `key` names an item, `make` builds its node once,
// `update` refreshes it on every state.
function keyed(container, items, key, make, update) {
  const old = new Map();
  for (const child of Array.from(container.children)) old.set(child.dataset.key, child);
  let previous = null;
  for (const item of items) {
    const k = String(key(item));
    let node = old.get(k);
    if (node) old.delete(k);
    else { node = make(item); node.dataset.key = k; }
    if (update) update(node, item);
    const next = previous ? previous.nextSibling : container.firstChild;
    if (next !== node) container.insertBefore(node, next);
    previous = node;
  }
  for (const node of old.values()) node.remove();
}
