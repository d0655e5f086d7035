// keyplan's page behaviour: small, on top of htmx.
document.addEventListener("click", (event) => {
  // The org chart's zoom buttons: out, fit to the box, in.
  const zoomButton = event.target.closest("[data-zoom]");
  if (zoomButton) {
    zoom(document.getElementById(zoomButton.dataset.zoomTarget), zoomButton.dataset.zoom);
    return;
  }
  // On a phone the header's links sit behind "Menu".
  const menu = event.target.closest(".menu-toggle");
  if (menu) {
    openMenu(menu, menu.getAttribute("aria-expanded") !== "true");
    return;
  }
  // "Cancel" on an inline form: drop the form, leaving the record as it was.
  const cancel = event.target.closest("[data-cancel]");
  if (cancel) {
    closeForm(cancel.closest("form"));
    return;
  }
  // A plan section's "Hide"/"Show" button folds it away (remembered in this browser).
  const toggle = event.target.closest(".section-toggle");
  if (toggle) {
    const section = toggle.closest(".plan-section");
    foldSection(section, !section.classList.contains("collapsed"));
    remember(section.id, section.classList.contains("collapsed"));
    return;
  }
  // Going to a folded section from the section index unfolds it.
  const jump = event.target.closest('.section-index a[href^="#"]');
  const target = jump && document.getElementById(jump.getAttribute("href").slice(1));
  if (target?.classList.contains("collapsed")) {
    foldSection(target, false);
    remember(target.id, false);
  }
  // A cell of the whitespace grid (an SVG link) opens its form below the grid.
  const cell = event.target.closest(".whitespace-picture a");
  if (cell && window.htmx) {
    event.preventDefault();
    const picture = cell.closest(".whitespace-picture");
    htmx.ajax("GET", cell.getAttribute("href"), { target: picture.dataset.cellTarget });
  }
});

// A form that arrives puts the cursor in its first field.
document.addEventListener("htmx:afterSwap", (event) => {
  const field = event.detail.target.querySelector?.(".record-form input:not([type=hidden]), .record-form select");
  if (field) field.focus();
});

// A search box over a table (data-filter="#table"): rows without the words typed
// are hidden; a data-filter-count element says how many are shown.
document.addEventListener("input", (event) => {
  const box = event.target.closest("input[data-filter]");
  if (!box) return;
  const selector = box.dataset.filter;
  const words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
  const rows = document.querySelectorAll(`${selector} tbody tr`);
  let shown = 0;
  rows.forEach((row) => {
    const text = row.textContent.toLowerCase();
    row.hidden = !words.every((word) => text.includes(word));
    shown += !row.hidden;
  });
  const count = document.querySelector(`[data-filter-count="${selector}"]`);
  if (count) count.textContent = words.length ? `${shown} of ${rows.length} shown` : "";
});

// The alert list: a group's checkbox ticks (or clears) every alert of the group.
document.addEventListener("change", (event) => {
  const group = event.target.closest("input[data-select-group]");
  if (!group) return;
  const key = CSS.escape(group.dataset.selectGroup);
  document.querySelectorAll(`input[name=alert][data-group="${key}"]`).forEach((box) => {
    box.checked = group.checked;
  });
});

// A field to copy from (a secret address): focusing it selects all of it.
document.addEventListener("focusin", (event) => {
  if (event.target.matches?.("input[data-select-on-focus]")) event.target.select();
});

// Inline forms and the keyboard: Escape cancels a form as its Cancel button does, and
// after a cancel or a save the focus goes back to the button that opened the form
// (the record's "Edit", or the section's "Add"), not to the top of the page.
let savingFrom = null; // the slot of the inline form being saved, if any

function opener(slotId) {
  return slotId ? document.querySelector(`[hx-target="#${CSS.escape(slotId)}"]`) : null;
}

function closeForm(form) {
  const slotId = form.closest(".slot")?.id;
  if (savingFrom === slotId) savingFrom = null;
  form.remove();
  opener(slotId)?.focus();
}

function openMenu(button, open) {
  button.setAttribute("aria-expanded", String(open));
  button.closest(".bar").classList.toggle("open", open);
}

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || event.defaultPrevented) return;
  // Escape closes the open menu and gives the focus back to its button.
  const menu = document.querySelector('.menu-toggle[aria-expanded="true"]');
  if (menu) {
    event.preventDefault();
    openMenu(menu, false);
    menu.focus();
    return;
  }
  const form = event.target.closest?.(".record-form");
  if (!form || !form.querySelector("[data-cancel]")) return;
  event.preventDefault();
  closeForm(form);
});

// A save answers with the re-rendered sections (the form's slot comes back empty);
// a refused save answers with the form again, which keeps the focus on its fields.
document.addEventListener("htmx:beforeRequest", (event) => {
  // The form's own post only: a request from a field inside it is no save.
  const form = event.detail.elt;
  const slotId = form.matches?.(".record-form") && form.closest(".slot")?.id;
  if (slotId) savingFrom = slotId;
  // An action on a record (move a play, mark an action done): its record re-renders;
  // remember where the focus was, to put it back in the same record.
  const acted = form.matches?.("button[hx-post]:not(.danger)") && form.closest("li.record[id]");
  if (acted) {
    const group = form.closest("[role=group][aria-label]")?.getAttribute("aria-label");
    acting = { xhr: event.detail.xhr, id: acted.id, group };
  }
  // A Remove: remember the records beside the one going, and its section.
  const remove = form.closest?.(".controls .danger");
  const record = remove?.closest("[id]");
  if (record) {
    const beside = [record.nextElementSibling, record.previousElementSibling];
    removing = {
      xhr: event.detail.xhr,
      id: record.id,
      beside: beside.filter((el) => el?.id).map((el) => el.id),
      section: remove.closest(".plan-section")?.id,
    };
  }
});

let acting = null;
document.addEventListener("htmx:afterSettle", (event) => {
  if (!acting || event.detail.xhr !== acting.xhr) return;
  const { id, group } = acting;
  acting = null;
  setTimeout(() => {
    const record = document.getElementById(id);
    const inGroup = group && record?.querySelector(`[role=group][aria-label="${CSS.escape(group)}"] button`);
    (inGroup || record?.querySelector(":scope > .controls button"))?.focus();
  });
});

// After a Remove the focus goes to the next record's first control (or the one
// before, or the section's Add button), not to the top of the page. A refused
// Remove leaves the record, and the focus on its own controls. Other requests (a
// section loading itself) settle meanwhile: only the Remove's own answer counts,
// once all of its sections are in.
let removing = null;
document.addEventListener("htmx:afterSettle", (event) => {
  if (!removing || event.detail.xhr !== removing.xhr) return;
  const { id, beside, section } = removing;
  removing = null;
  setTimeout(() => {
    const places = [id, ...beside].map((place) => document.getElementById(place));
    const near = places.find((place) => place?.querySelector(":scope > .controls button"));
    const target =
      near?.querySelector(":scope > .controls button") ??
      document.getElementById(section)?.querySelector("header button.add");
    target?.focus();
  });
});

function refocusAfterSave() {
  if (!savingFrom) return;
  const slot = document.getElementById(savingFrom);
  if (slot && slot.querySelector(".record-form")) return;
  const button = opener(savingFrom);
  savingFrom = null;
  if (button) {
    button.focus();
    button.closest(".record, .plan-section")?.scrollIntoView({ block: "nearest" });
  }
}
document.addEventListener("htmx:afterSettle", refocusAfterSave);
document.addEventListener("htmx:load", refocusAfterSave);

// Plan sections fold away: each section's header gets a "Hide"/"Show" button
// (aria-expanded); the folded ones are kept in localStorage by section id, so they
// stay folded after a reload. Sections re-rendered by an edit keep their state.
const FOLDED = "keyplan.folded-sections";

function folded() {
  try {
    return new Set(JSON.parse(localStorage.getItem(FOLDED) || "[]"));
  } catch {
    return new Set();
  }
}

function remember(id, isFolded) {
  const ids = folded();
  if (isFolded) ids.add(id);
  else ids.delete(id);
  try {
    localStorage.setItem(FOLDED, JSON.stringify([...ids]));
  } catch {
    // Storage refused (private mode): the section still folds, for this visit.
  }
}

function foldSection(section, isFolded) {
  section.classList.toggle("collapsed", isFolded);
  const toggle = section.querySelector(":scope > header > .section-toggle");
  if (!toggle) return;
  toggle.setAttribute("aria-expanded", String(!isFolded));
  toggle.firstChild.textContent = isFolded ? "Show" : "Hide";
}

function foldable(root) {
  const ids = folded();
  // A section filled in later (the numbers) loads its header, inside the section.
  const around = root.closest?.(".plan .plan-section");
  const sections = around ? [around] : [];
  sections.push(...(root.querySelectorAll?.(".plan .plan-section") || []));
  sections.forEach((section) => {
    const header = section.querySelector(":scope > header");
    const heading = header?.querySelector("h2");
    if (!section.id || !heading) return;
    let toggle = header.querySelector(":scope > .section-toggle");
    if (!toggle) {
      toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "link section-toggle";
      toggle.setAttribute("aria-controls", section.id);
      const name = document.createElement("span");
      name.className = "visually-hidden";
      name.textContent = ` ${heading.firstChild?.textContent.trim() || "section"}`;
      toggle.append(document.createTextNode("Hide"), name);
      header.append(toggle);
    }
    foldSection(section, ids.has(section.id));
  });
}
document.addEventListener("htmx:load", (event) => foldable(event.detail.elt));
foldable(document);

// Zooming a picture in a scrolling box: its drawn width against its own (the SVG's
// width attribute), between a quarter and three times, the box's centre kept in view.
const ZOOM_STEP = 1.25;
function zoom(box, how) {
  const svg = box?.querySelector("svg");
  if (!svg) return;
  const natural = Number(svg.getAttribute("width"));
  const current = Number(box.dataset.scale || 1);
  const fit = Math.min(1, box.clientWidth / natural);
  const wanted = how === "fit" ? fit : how === "in" ? current * ZOOM_STEP : current / ZOOM_STEP;
  const scale = Math.min(3, Math.max(0.25, wanted));
  const centre = [(box.scrollLeft + box.clientWidth / 2) / current, (box.scrollTop + box.clientHeight / 2) / current];
  box.dataset.scale = String(scale);
  svg.style.width = `${natural * scale}px`;
  svg.style.height = "auto";
  box.scrollLeft = centre[0] * scale - box.clientWidth / 2;
  box.scrollTop = centre[1] * scale - box.clientHeight / 2;
}

// Dragging the org chart with a mouse pans it (touch and trackpads scroll natively).
let drag = null;
document.addEventListener("pointerdown", (event) => {
  const box = event.target.closest(".scroll.pan");
  if (!box || event.pointerType !== "mouse" || event.button !== 0 || event.target.closest("a")) return;
  drag = { box, x: event.clientX, y: event.clientY, left: box.scrollLeft, top: box.scrollTop };
  box.classList.add("dragging");
});
document.addEventListener("pointermove", (event) => {
  if (!drag) return;
  drag.box.scrollLeft = drag.left - (event.clientX - drag.x);
  drag.box.scrollTop = drag.top - (event.clientY - drag.y);
});
document.addEventListener("pointerup", () => {
  drag?.box.classList.remove("dragging");
  drag = null;
});
