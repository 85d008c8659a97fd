// The dossier page's annual review: the warning that an exit takes the household off file shows
// only while "exit" is the chosen outcome.
(function () {
  var outcome = document.getElementById("annual_outcome"), warning = document.getElementById("annual_exit_warning");
  if (!outcome || !warning) return;
  outcome.addEventListener("change", function () { warning.hidden = outcome.value !== "exit"; });
})();
