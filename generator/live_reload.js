// Added to HTML responses by `python build.py serve` only; never part of the built site.
// Polls /__reload: a new build number reloads the page; build errors show in a panel.
// A build with search puts the pages in place first (build number) and then the search
// index (search number), which reloads only the search page: the one page that reads it.
(function () {
  "use strict";
  var seen = null;
  var panel = null;
  var readsIndex = document.querySelector("#search[data-bundles]") !== null;

  function show(problems) {
    if (panel) {
      panel.remove();
      panel = null;
    }
    if (!problems.length) {
      return;
    }
    panel = document.createElement("section");
    panel.id = "serve-problems";
    panel.setAttribute("role", "alert");
    panel.style.cssText =
      "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;z-index:2147483647;" +
      "margin:0;padding:1em;background:#fff3f3;color:#5c0000;border-top:4px solid #b00020;" +
      "font:14px/1.4 ui-monospace,monospace;white-space:pre-wrap";
    var heading = document.createElement("strong");
    heading.textContent =
      "Build failed: " + problems.length + " error(s). This is the last good site.\n";
    panel.appendChild(heading);
    var list = document.createElement("ol");
    problems.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    panel.appendChild(list);
    document.body.appendChild(panel);
  }

  function poll() {
    fetch("/__reload", { cache: "no-store" })
      .then(function (response) {
        return response.json();
      })
      .then(function (state) {
        if (
          seen !== null &&
          (state.build !== seen.build || (readsIndex && state.search !== seen.search))
        ) {
          location.reload();
          return;
        }
        seen = { build: state.build, search: state.search };
        show(state.problems);
      })
      .catch(function () {
        // The server is restarting or stopped: keep the page, try again.
      })
      .then(function () {
        setTimeout(poll, 300);
      });
  }

  poll();
})();
