// Small behaviours of selects and check boxes, declared by data attributes (no inline handlers:
// the Content-Security-Policy refuses them):
//   <select data-submits-form>      sends its form when a choice is made (a <noscript> button stays)
//   <select data-sets-form-action>  makes the chosen option's value the form's action
//   <input type="checkbox" data-checks="selected">  checks or clears every box named "selected"
(function () {
  document.querySelectorAll("select[data-submits-form]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("select[data-sets-form-action]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.action = select.value; });
  });
  document.querySelectorAll("input[type=checkbox][data-checks]").forEach(function (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll('input[type=checkbox][name="' + all.dataset.checks + '"]').forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });
})();
