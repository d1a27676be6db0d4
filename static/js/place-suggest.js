// Type-ahead for place fields: fills the field's <datalist> from /places/suggest.json.
// Every input with data-suggest-url and a list="..." attribute gets it; no inline script.
(function () {
  "use strict";

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.suggestUrl;
    if (!list || !url) return;
    var timer = null;
    var asked = "";
    var controller = null;

    function fill(places) {
      list.replaceChildren();
      places.forEach(function (place) {
        var option = document.createElement("option");
        option.value = place.label; // text, never HTML
        list.appendChild(option);
      });
    }

    function ask() {
      var q = input.value.trim();
      if (q.length < 2 || q === asked) return;
      asked = q;
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller.signal,
      })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(fill)
        .catch(function () { /* aborted or offline: keep the old suggestions */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
  }

  document.querySelectorAll("input[data-suggest-url][list]").forEach(attach);
})();
