"use strict";
// One page for every role in a room: the path says which view (/room/ROOM/VIEW), the code in the
// link's fragment says which role, and the server decides what that role sees and may do.

const parts = window.location.pathname.split("/");
const roomId = decodeURIComponent(parts[2] || "");
const view = parts[3] || "seat";
const code = codeFrom(null, "crisis-room-" + roomId + "-" + view);
const base = "/api/rooms/" + encodeURIComponent(roomId);
let state = null;
let socket = null;
let retry = 500;

const $ = (id) => document.getElementById(id);
const show = (id, on) => { $(id).hidden = !on; };

async function act(action, extra) {
  const body = Object.assign({ action }, extra || {});
  const answer = await api("POST", base + "/actions", code, body);
  if (!answer.ok) {
    say((answer.data && answer.data.error) || ("refused (" + answer.status + ")"));
    return null;
  }
  say("done", true);
  return answer.data;
}

// ------------------------------------------------------------------ rendering

function renderHeader(s) {
  document.title = s.title + " — " + view;
  $("title").textContent = s.title;
  $("clock").textContent = s.clock;
  let pace = s.closed ? "room closed" : s.finished ? "ended: " + s.end_reason
    : s.running ? "running ×" + s.speed : "paused";
  $("pace").textContent = pace;
  if (s.you) $("who").textContent = "You: " + s.you.title + (s.you.person ? " (" + s.you.person + ")" : "") + " · role " + s.you.role;
  else $("who").textContent = view === "facilitator" ? "Facilitator" : view === "observer" ? "Observer" : "Projector";
}

function renderBriefing(s) {
  if (!s.briefing) { show("briefing", false); return; }
  show("briefing", true);
  $("situation").textContent = s.briefing.situation;
  keyed($("objectives"), s.briefing.objectives, (o) => o.id, (o) => el("li"), (node, o) => {
    node.textContent = o.text + " [" + o.id + "]";
  });
  keyed($("seats").tBodies[0], s.briefing.seats, (x) => x.role, () => el("tr"), (row, x) => {
    clear(row);
    for (const value of [x.role, x.title, x.person || "unassigned", x.authority, x.responds_in]) row.appendChild(el("td", null, value));
  });
}

function renderWorld(s) {
  const m = s.metrics;
  const metrics = $("metrics");
  clear(metrics);
  for (const [label, value] of [["reach", m.reach.toLocaleString()], ["negative reach", m.negative_reach.toLocaleString()],
    ["sentiment", m.sentiment.toFixed(2)], ["spillovers", m.spillovers]]) {
    const box = el("div", { class: "metric", dataset: { metric: label } });
    box.appendChild(el("b", null, value));
    box.appendChild(el("span", null, label));
    metrics.appendChild(box);
  }
  const ripple = $("ripple");
  clear(ripple);
  const peak = Math.max(1, ...m.history.map((h) => h.negative_reach));
  for (const h of m.history) {
    const bar = el("span", { title: "T+" + Math.round(h.t) + "m: " + h.negative_reach });
    bar.style.height = Math.round(100 * h.negative_reach / peak) + "%";
    ripple.appendChild(bar);
  }
  if (s.customer) {
    const c = s.customer;
    $("customer").textContent = c.name + (c.handle ? " (" + c.handle + ")" : "") + " — " + c.mood
      + " · anger " + c.anger.toFixed(2) + " · trust " + c.trust.toFixed(2) + " · patience " + c.patience.toFixed(2);
  }
  const feed = s.feed.slice().reverse();
  keyed($("feed"), feed, (f) => f.t + "|" + f.event + "|" + f.item + "|" + f.text.slice(0, 40), (f) => {
    const li = el("li", { class: f.kind });
    li.appendChild(el("span", { class: "meta" }, f.clock + (f.platform && f.platform !== "main" ? " · " + f.platform : "")));
    if (f.author) li.appendChild(el("span", { class: "author" }, f.author));
    li.appendChild(el("span", { class: "text" }, f.text));
    return li;
  });
}

function renderComposer(s) {
  const mine = s.you && s.you.composer && !s.finished;
  show("composer", Boolean(mine));
  if (!mine) return;
  $("owner").textContent = "";
  keyed($("suggestions"), s.suggestions || [], (c) => c.id, (c) => {
    const button = el("button", { type: "button", dataset: { choice: c.id } });
    button.addEventListener("click", () => act({ choose: c.id }));
    return button;
  }, (button, c) => { button.textContent = c.label + (c.text ? " — " + c.text : ""); });
  fillSelect($("escalate-role"), (s.roles || []).map((r) => [r.id, r.title]));
  fillSelect($("offer-remedy"), (s.remedies || []).map((r) => [r.id, r.label]));
  fillSelect($("hide-post"), (s.hideable || []).map((id) => [id, id + ": " + ((s.feed.find((f) => f.item === id) || {}).text || "").slice(0, 60)]));
}

function fillSelect(select, options) {
  const keep = select.value;
  const wanted = options.map((o) => o[0] + "\u0000" + o[1]).join("\u0001");
  if (select.dataset.options === wanted) return;
  select.dataset.options = wanted;
  clear(select);
  for (const [value, label] of options) select.appendChild(el("option", { value }, label));
  if (options.some((o) => o[0] === keep)) select.value = keep;
}

function renderApprovals(s) {
  const mine = s.you ? (s.pending || []).filter((p) => p.role === s.you.role) : [];
  show("approvals", mine.length > 0 && !s.finished);
  keyed($("approval-list"), mine, (p) => p.role + "@" + p.since, (p) => {
    const card = el("div", { class: "card approval", dataset: { role: p.role } });
    card.appendChild(el("p", { class: "ask" }));
    const note = el("input", { maxLength: 500, placeholder: "a note for the team (optional)", class: "approval-note" });
    const limit = el("input", { type: "number", min: 0, step: "any", placeholder: "up to (optional)", class: "approval-limit" });
    const yes = el("button", { type: "button", class: "approve" }, "Approve");
    const no = el("button", { type: "button", class: "deny" }, "Deny");
    const decide = (approve) => {
      const decision = { approve };
      if (note.value.trim()) decision.note = note.value.trim();
      if (approve && limit.value !== "") decision.limit = Number(limit.value);
      act({ decide: decision });
    };
    yes.addEventListener("click", () => decide(true));
    no.addEventListener("click", () => decide(false));
    for (const node of [note, limit, yes, no]) card.appendChild(node);
    return card;
  }, (card, p) => {
    card.querySelector(".ask").textContent = p.title + ": the front line asks since " + p.clock
      + (p.note ? " — “" + p.note + "”" : "") + ". You may approve up to " + p.authority + ".";
  });
}

function renderQuestions(s) {
  const raised = s.questions || [];
  const seat = Boolean(s.you);
  show("questions", raised.length > 0 && (seat || view === "facilitator"));
  keyed($("question-list"), raised, (q) => q.question, (q) => {
    const card = el("div", { class: "card question", dataset: { question: q.question } });
    card.appendChild(el("p", { class: "prompt" }));
    if (seat) {
      const text = el("textarea", { rows: 2, maxLength: 2000, class: "answer-text" });
      const send = el("button", { type: "button", class: "answer" }, "Answer for the team");
      send.addEventListener("click", async () => {
        if (await act({ answer: { question: q.question, text: text.value } })) text.value = "";
      });
      card.appendChild(text);
      card.appendChild(send);
    } else {
      card.appendChild(el("p", { class: "hint" }, "Raised: waiting for the team's answer."));
    }
    return card;
  }, (card, q) => { card.querySelector(".prompt").textContent = "Q" + q.question + ". " + q.title + ": " + q.prompt + " (" + q.reason + ")"; });
}

function renderFacilitator(s) {
  show("controls", true);
  show("facilitation", true);
  show("links", true);
  keyed($("events").tBodies[0], s.events, (e) => e.id, (e) => {
    const row = el("tr", { dataset: { inject: e.id } });
    for (let i = 0; i < 6; i++) row.appendChild(el("td"));
    const cell = el("td");
    const fire = el("button", { type: "button", class: "fire" }, "Fire");
    fire.addEventListener("click", () => act({ inject: e.id }));
    const skip = el("button", { type: "button", class: "skip" }, "Skip");
    skip.addEventListener("click", () => act({ skip: e.id }));
    cell.appendChild(fire);
    cell.appendChild(skip);
    row.appendChild(cell);
    return row;
  }, (row, e) => {
    const cells = row.children;
    cells[0].textContent = (e.clock || "") + (e.when ? " if " + e.when : "");
    cells[1].textContent = e.id + " (" + e.kind + ")";
    cells[2].textContent = (e.from || "?") + " → " + (e.to || "?") + (e.delivery ? " · " + e.delivery : "");
    cells[3].textContent = e.text;
    cells[4].textContent = e.expected + (e.objective ? " [" + e.objective + "]" : "");
    cells[5].textContent = e.contingency || "";
    row.classList.toggle("fired", e.fired);
    row.classList.toggle("skipped", e.skipped);
    cells[6].firstChild.textContent = e.fired ? "Fire again" : "Fire";
    cells[6].lastChild.hidden = e.fired || e.skipped;
    if (e.skipped) cells[0].textContent += " (skipped)";
  });
  keyed($("queue"), s.queue || [], (q) => q.question, (q) => {
    const li = el("li", { dataset: { question: q.question } });
    li.appendChild(el("span", { class: "q" }));
    const raise = el("button", { type: "button", class: "raise" }, "Raise to the team");
    raise.addEventListener("click", () => act({ raise: q.question }));
    li.appendChild(raise);
    return li;
  }, (li, q) => { li.firstChild.textContent = "Q" + q.question + " " + q.title + " — since " + q.clock + ": " + q.reason + " "; });
  const links = [];
  for (const [role, c] of Object.entries(s.codes || {})) {
    const v = ["facilitator", "observer", "projector"].includes(role) ? role : "seat";
    links.push([role, window.location.origin + "/room/" + encodeURIComponent(roomId) + "/" + v + "#" + c]);
  }
  keyed($("link-list"), links, (l) => l[0], (l) => {
    const li = el("li");
    li.appendChild(el("strong", null, l[0] + ": "));
    li.appendChild(el("a", { href: l[1], target: "_blank", rel: "noopener noreferrer", dataset: { role: l[0] } }, l[1]));
    return li;
  });
}

function renderObservations(s) {
  const list = s.observations || [];
  show("notes", view === "facilitator" || view === "observer");
  keyed($("observations"), list, (o) => o.t + "|" + o.who + "|" + o.text, () => el("li"), (li, o) => {
    li.textContent = o.clock + " " + o.who + " (" + o.by + "): " + o.text;
  });
}

function renderObserver(s) {
  show("observe", true);
  const objectives = s.briefing ? s.briefing.objectives : [];
  keyed($("rating-list"), objectives, (o) => o.id, (o) => {
    const card = el("div", { class: "card rating", dataset: { objective: o.id } });
    card.appendChild(el("p", { class: "objective" }));
    let chosen = "";
    const buttons = [];
    for (const r of ["P", "S", "M", "U"]) {
      const b = el("button", { type: "button", dataset: { rating: r } }, r);
      b.addEventListener("click", () => {
        chosen = r;
        for (const other of buttons) other.classList.toggle("chosen", other === b);
      });
      buttons.push(b);
      card.appendChild(b);
    }
    const note = el("input", { maxLength: 2000, placeholder: "what you saw", class: "rating-note" });
    const send = el("button", { type: "button", class: "rate" }, "Record rating");
    send.addEventListener("click", async () => {
      if (!chosen) { say("choose P, S, M or U first"); return; }
      const done = await act({ rate: { objective: o.id, rating: chosen, note: note.value } },
        { as: $("observer-name").value.trim() });
      if (done) note.value = "";
    });
    card.appendChild(note);
    card.appendChild(send);
    card.appendChild(el("p", { class: "given hint" }));
    return card;
  }, (card, o) => {
    card.querySelector(".objective").textContent = o.text;
    const given = (s.observations || []).filter((x) => x.objective === o.id).map((x) => x.rating + " by " + x.who);
    card.querySelector(".given").textContent = given.length ? "Rated: " + given.join("; ") : "";
  });
}

function render(s) {
  state = s;
  document.body.className = view;
  renderHeader(s);
  renderWorld(s);
  if (view === "projector") {
    for (const id of ["briefing", "composer", "approvals", "questions", "facilitation", "observe", "notes", "documents", "controls", "links"]) show(id, false);
    return;
  }
  renderBriefing(s);
  show("documents", true);
  renderComposer(s);
  renderApprovals(s);
  renderQuestions(s);
  renderObservations(s);
  if (view === "facilitator" && s.role === "facilitator") renderFacilitator(s);
  if (view === "observer" && s.role === "observer") renderObserver(s);
  if (s.closed) say("The facilitator closed the room.");
}

// ------------------------------------------------------------------ wiring

function wire() {
  const on = (id, fn) => $(id).addEventListener("click", fn);
  on("run", () => act({ run: true }));
  on("pause", () => act({ pause: true }));
  on("step", () => act({ step: true }));
  on("set-speed", () => act({ speed: Number($("speed").value) }));
  on("finish", () => act({ finish: true }));
  on("close", () => act({ close: true }));
  on("send-reply", async () => { if (await act({ reply: $("reply-text").value })) $("reply-text").value = ""; });
  on("send-private", async () => { if (await act({ private: $("reply-text").value })) $("reply-text").value = ""; });
  on("send-escalate", () => {
    const note = $("escalate-note").value.trim();
    act({ escalate: note ? { role: $("escalate-role").value, note } : $("escalate-role").value });
  });
  on("send-offer", () => {
    const value = $("offer-value").value;
    act({ offer: value === "" ? $("offer-remedy").value : { remedy: $("offer-remedy").value, value: Number(value) } });
  });
  on("send-hide", () => act({ hide: $("hide-post").value }));
  on("send-wait", () => act({ wait: $("wait").value }));
  on("send-finish", () => act({ finish: true }));
  on("send-custom", async () => { if (await act({ custom: $("custom-text").value })) $("custom-text").value = ""; });
  on("anger-up", () => act({ pressure: { anger: 0.1 } }));
  on("anger-down", () => act({ pressure: { anger: -0.1 } }));
  on("patience-down", () => act({ pressure: { patience: -0.1 } }));
  on("crowd-up", () => act({ pressure: { audience: 2 } }));
  on("crowd-down", () => act({ pressure: { audience: 0.5 } }));
  on("send-note", async () => {
    const extra = view === "observer" ? { as: $("observer-name").value.trim() } : {};
    if (await act({ note: $("note-text").value }, extra)) $("note-text").value = "";
  });
  on("forecast", async () => {
    $("forecast-out").textContent = "running…";
    const answer = await api("GET", base + "/forecast", code);
    if (!answer.ok) { $("forecast-out").textContent = (answer.data && answer.data.error) || "refused"; return; }
    const courses = ["nothing", "current"].map((k) => answer.data[k]).filter(Boolean);
    $("forecast-out").textContent = courses.map((c) => c.label + ": negative reach p50 " + Math.round(c.negative_reach.p50)
      + ", p90 " + Math.round(c.negative_reach.p90)).join(" · ");
  });
  on("dl-report", () => download(base + "/report?format=md", code, "report.md"));
  on("dl-report-html", () => download(base + "/report?format=html", code, "report.html"));
  on("dl-playbook", () => download(base + "/playbook", code, "playbook.md"));
  on("dl-fork", async () => {
    let action;
    try { action = JSON.parse($("fork-action").value); } catch (e) { say("the fork's action is not JSON"); return; }
    const answer = await api("POST", base + "/fork", code, { at: Number($("fork-at").value), action });
    if (!answer.ok) { say((answer.data && answer.data.error) || "refused"); return; }
    const blob = new Blob([JSON.stringify(answer.data, null, 2)], { type: "application/json" });
    const link = el("a", { href: URL.createObjectURL(blob), download: "fork-" + $("fork-at").value + ".json" });
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
}

function connect() {
  const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  socket = new WebSocket(scheme + window.location.host + base + "/stream");
  socket.addEventListener("open", () => {
    socket.send(JSON.stringify({ code }));
    $("live").textContent = "live";
    retry = 500;
  });
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "state" && (!state || message.state.version >= state.version)) render(message.state);
  });
  socket.addEventListener("close", (event) => {
    $("live").textContent = "disconnected";
    if (event.code === 4403) { say("This link's code is not valid (the room may be closed)."); return; }
    if (event.code === 4410) { say("The facilitator closed the room."); return; }
    if (event.code === 4429) { say("The room is full."); return; }
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 10000);
  });
}

async function start() {
  if (!code) { say("This page needs the link with its code (it ends in #…)."); return; }
  wire();
  const first = await api("GET", base, code);
  if (!first.ok) { say((first.data && first.data.error) || "refused"); return; }
  render(first.data);
  connect();
}

start();
