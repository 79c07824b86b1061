/* The full presence report's progress page (templates/report/export.html): asks the export's
   status every few seconds and moves the progress bar; once the PDF is made (or has failed) it
   reloads the page, which then shows the download link (or what went wrong). A static file, as the
   CSP wants; without script the page keeps its "Look again" link. No timed page refresh: the page
   only changes when there is something new to show. */
(function () {
  "use strict";
  var box = document.querySelector("[data-export-status-url]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-export-status-url");
  var every = Number(box.getAttribute("data-poll-seconds") || "3") * 1000;
  var bar = box.querySelector("progress");
  var figure = box.querySelector("[data-progress]");

  function later(wait) {
    window.setTimeout(poll, wait);
  }

  function show(answer) {
    if (answer.finished) {
      window.location.reload();
      return;
    }
    if (bar) {
      bar.value = answer.progress;
    }
    if (figure) {
      figure.textContent = answer.progress + "%";
      figure.setAttribute("data-progress", String(answer.progress));
    }
    later(every);
  }

  function poll() {
    window.fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (answer) {
          show(answer);
        } else {
          later(every * 2);
        }
      })
      .catch(function () { later(every * 2); });
  }

  later(every);
}());
