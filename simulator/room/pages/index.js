"use strict";
// The organiser's page: pick a scenario, seat the team, open a room, hand out the links.

const organiser = codeFrom("k", "crisis-organiser");
let scenarios = [];

function roleFields() {
  const team = document.getElementById("team");
  for (const node of Array.from(team.querySelectorAll("label"))) node.remove();
  const chosen = scenarios.find((s) => s.id === document.getElementById("scenario").value);
  if (!chosen) return;
  for (const role of chosen.roles) {
    const label = el("label", null, role.id + " (" + role.title + ") ");
    label.appendChild(el("input", { name: "role-" + role.id, maxLength: 60, placeholder: "name", dataset: { role: role.id } }));
    team.appendChild(label);
  }
}

function showLinks(made) {
  document.getElementById("create").hidden = true;
  document.getElementById("links").hidden = false;
  document.getElementById("room-id").textContent = made.room;
  const list = document.getElementById("link-list");
  clear(list);
  const base = window.location.origin + "/room/" + made.room + "/";
  for (const [role, code] of Object.entries(made.codes)) {
    const view = ["facilitator", "observer", "projector"].includes(role) ? role : "seat";
    const url = base + view + "#" + code;
    const item = el("li");
    item.appendChild(el("strong", null, role + ": "));
    item.appendChild(el("a", { href: url, target: "_blank", rel: "noopener noreferrer", dataset: { role } }, url));
    list.appendChild(item);
  }
}

async function start() {
  if (!organiser) {
    document.getElementById("need-code").hidden = false;
    return;
  }
  const answer = await api("GET", "/api/scenarios", organiser);
  if (!answer.ok) {
    say((answer.data && answer.data.error) || "the server refused the organiser link");
    return;
  }
  scenarios = answer.data.scenarios;
  const select = document.getElementById("scenario");
  for (const s of scenarios) select.appendChild(el("option", { value: s.id }, s.title + " (" + s.id + ")"));
  if (scenarios.some((s) => s.id === "viral-receipt")) select.value = "viral-receipt";
  select.addEventListener("change", roleFields);
  roleFields();
  const form = document.getElementById("create");
  form.hidden = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const team = {};
    for (const input of form.querySelectorAll("input[data-role]")) {
      if (input.value.trim()) team[input.dataset.role] = input.value.trim();
    }
    const body = { scenario: select.value, drill: true, team };
    const seed = document.getElementById("seed").value;
    if (seed !== "") body.seed = Number(seed);
    const facilitator = document.getElementById("facilitator").value.trim();
    if (facilitator) body.facilitator = facilitator;
    say("opening the room…", true);
    const made = await api("POST", "/api/rooms", organiser, body);
    if (!made.ok) { say((made.data && made.data.error) || "the room could not be opened"); return; }
    say("", true);
    showLinks(made.data);
  });
}

start();
