// The job page's progress bar: asks the job's progress every second while it runs and reloads the
// page once it has finished, so that the outcome (counts, errors, the download) is shown.
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || !box.dataset.running) return;
  var bar = document.getElementById("job-bar");
  var percent = document.getElementById("job-percent");
  var count = document.getElementById("job-count");
  var message = document.getElementById("job-message");
  var state = document.getElementById("job-state");

  function show(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    percent.textContent = data.percent + "%";
    count.textContent = data.total ? data.done + " / " + data.total : "";
    message.textContent = data.message || "";
    state.textContent = data.state_label;
  }

  function ask() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(ask, 1000);
        }
      })
      .catch(function () { window.setTimeout(ask, 3000); });
  }

  window.setTimeout(ask, 500);
})();
