// The batch delivery screen: changing anything in a row ticks its 登记 box; the header box ticks all.
(function () {
  "use strict";
  var rows = document.querySelectorAll("tr.delivery-row");
  rows.forEach(function (row) {
    var tick = row.querySelector("input[name$='-record']");
    if (!tick) { return; }
    row.addEventListener("input", function (event) {
      if (event.target !== tick) { tick.checked = true; }
    });
  });
  var all = document.getElementById("record-all");
  if (all) {
    all.addEventListener("change", function () {
      rows.forEach(function (row) {
        var tick = row.querySelector("input[name$='-record']");
        if (tick) { tick.checked = all.checked; }
      });
    });
  }
})();
