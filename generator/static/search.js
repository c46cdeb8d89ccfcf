/* Start Pagefind's search box on the search page.
 *
 * Paths are worked out from this script's own URL, so search works wherever the site
 * is published (a domain root or a GitHub Pages sub-path). `?q=` runs a search, which
 * is how the search box on every other page (a plain GET form) hands its query over;
 * typing keeps `?q=` up to date so a search can be shared as a link.
 *
 * The index is one Pagefind bundle per year (`data-bundles`, relative to this page);
 * the first is opened and the others merged into it, so results and filters come
 * back as one list.
 */
(function () {
  "use strict";
  var mount = document.getElementById("search");
  if (!mount) return;
  var script = document.currentScript;
  var root = new URL("../", script ? script.src : document.baseURI);

  function explain(text) {
    var note = document.createElement("p");
    note.className = "search-note";
    note.textContent = text;
    mount.appendChild(note);
  }

  if (root.protocol === "file:") {
    explain("Search needs the site to be served over HTTP; opened from disk, browse the timeline, actors, places and tags instead.");
    return;
  }
  var bundles = (mount.getAttribute("data-bundles") || "").split(" ").filter(Boolean).map(
    function (bundle) { return new URL(bundle, document.baseURI).pathname; }
  );
  if (!bundles.length) {
    explain("There is nothing to search yet: the timeline has no events.");
    return;
  }
  if (typeof window.PagefindUI !== "function") {
    explain("The search index is missing from this copy of the site; browse the timeline, actors, places and tags instead.");
    return;
  }
  var ui = new window.PagefindUI({
    element: "#search",
    bundlePath: bundles[0],
    mergeIndex: bundles.slice(1).map(function (bundle) { return { bundlePath: bundle }; }),
    baseUrl: root.pathname,
    showImages: false,
    showSubResults: true,
    autofocus: false,
    processTerm: function (term) {
      var params = new URLSearchParams(window.location.search);
      if (term) params.set("q", term); else params.delete("q");
      var query = params.toString();
      window.history.replaceState(null, "", query ? "?" + query : window.location.pathname);
      return term;
    }
  });
  // Pagefind's input is labelled only by its title; the page heading is its visible label.
  var input = mount.querySelector("input.pagefind-ui__search-input");
  var heading = document.getElementById("search-heading");
  if (input && heading) input.setAttribute("aria-labelledby", heading.id);
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
