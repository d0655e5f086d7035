// keyplan's page behaviour: small, on top of htmx.
document.addEventListener("click", (event) => {
  // "Cancel" on an inline form: drop the form, leaving the record as it was.
  const cancel = event.target.closest("[data-cancel]");
  if (cancel) {
    cancel.closest("form").remove();
    return;
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
