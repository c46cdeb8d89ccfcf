/* Filter a list of events by tag, actor and claim status, in the reader's browser: on
 * the timeline and archive pages, and on an actor's, a place's or a tag's page.
 *
 * Progressive enhancement: without JavaScript every event shows. Each list item carries
 * its facets as JSON in a `data-facets` attribute on its title ([facet, value, label]
 * triples, rendered by the build); this script adds one <select> per facet above the list, hides the items that
 * do not match, hides day and month groups left empty, and keeps the choice in the URL
 * (`?tag=...&actor=...&status=...`) so a filtered view can be shared as a link.
 */
(function () {
  "use strict";
  var FACETS = [
    ["tag", "Tag", "All tags"],
    ["actor", "Actor", "All actors"],
    ["status", "Claim status", "Any status"]
  ];
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-facets]"))
    .map(function (marked) { return marked.closest("li") || marked; });
  if (items.length < 2) return;

  var facetsOf = new Map();
  var choices = {};
  FACETS.forEach(function (f) { choices[f[0]] = new Map(); });
  items.forEach(function (item) {
    var triples = [];
    var marked = item.hasAttribute("data-facets") ? item : item.querySelector("[data-facets]");
    try { triples = JSON.parse(marked.getAttribute("data-facets")) || []; } catch (e) { triples = []; }
    var mine = {};
    triples.forEach(function (t) {
      if (!choices[t[0]]) return;
      choices[t[0]].set(t[1], t[2]);
      (mine[t[0]] = mine[t[0]] || new Set()).add(t[1]);
    });
    facetsOf.set(item, mine);
  });

  var form = document.createElement("form");
  form.className = "list-filter";
  form.setAttribute("aria-label", "Filter these events");
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  var selects = {};
  var params = new URLSearchParams(window.location.search);
  FACETS.forEach(function (f) {
    var values = Array.from(choices[f[0]].entries()).sort(function (a, b) {
      return a[1].localeCompare(b[1]);
    });
    if (!values.length) return;
    var label = document.createElement("label");
    var select = document.createElement("select");
    select.name = f[0];
    label.append(f[1] + " ", select);
    select.append(new Option(f[2], ""));
    values.forEach(function (v) { select.append(new Option(v[1], v[0])); });
    var wanted = params.get(f[0]);
    if (wanted && choices[f[0]].has(wanted)) select.value = wanted;
    select.addEventListener("change", apply);
    selects[f[0]] = select;
    form.append(label, " ");
  });
  var status = document.createElement("p");
  status.className = "list-filter-status";
  status.setAttribute("role", "status");
  form.append(status);

  var first = items[0];
  // Above the months of a timeline page; above the list on an actor, place or tag page.
  var anchor = first.closest(".month") || first.parentNode;
  anchor.parentNode.insertBefore(form, anchor);

  function matches(item) {
    var mine = facetsOf.get(item);
    return Object.keys(selects).every(function (name) {
      var value = selects[name].value;
      return !value || (mine[name] && mine[name].has(value));
    });
  }

  function hideEmpty(selector) {
    document.querySelectorAll(selector).forEach(function (group) {
      var inside = items.filter(function (item) { return group.contains(item); });
      if (!inside.length) return;
      group.hidden = inside.every(function (item) { return item.hidden; });
    });
  }

  function apply() {
    var shown = 0;
    items.forEach(function (item) {
      item.hidden = !matches(item);
      if (!item.hidden) shown += 1;
    });
    hideEmpty("section.day");
    hideEmpty("div.month");
    status.textContent = "Showing " + shown + " of " + items.length + " events.";
    var next = new URLSearchParams(window.location.search);
    Object.keys(selects).forEach(function (name) {
      if (selects[name].value) next.set(name, selects[name].value); else next.delete(name);
    });
    var query = next.toString();
    window.history.replaceState(null, "", (query ? "?" + query : window.location.pathname) + window.location.hash);
  }

  apply();
})();
