// The notice form: one box chooses every household on the list; it shows whether all, some or none are chosen.
(function () {
  var all = document.getElementById("choose-all");
  var boxes = document.querySelectorAll('input[name="households"]');
  function sync() {
    var checked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
    all.checked = boxes.length > 0 && checked === boxes.length;
    all.indeterminate = checked > 0 && checked < boxes.length;
  }
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
  });
  boxes.forEach(function (b) { b.addEventListener("change", sync); });
  sync();
})();
