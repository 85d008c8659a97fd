// The dossier form: shows the per-capita computation and the proposed category as the clerk
// types, fills birth date and sex from an ID number, and adds member rows. The server computes
// again on save; this is only for the clerk's eyes.
(function () {
  "use strict";
  var form = document.getElementById("dossier-form");
  if (!form) return;
  var standards = JSON.parse(document.getElementById("dibao-standards").textContent || "{}");

  function cents(value) {
    var n = parseFloat(String(value || "").replace(/,/g, ""));
    return isFinite(n) ? Math.round(n * 100) : 0;
  }
  function yuan(c) { return (c / 100).toFixed(2); }
  function field(name) { return form.querySelector("[name='h-" + name + "']"); }
  function value(name) { var el = field(name); return el ? el.value : ""; }

  // the household is the people listed: the head and every member row kept and filled in
  function householdSize() {
    var size = 0;
    form.querySelectorAll(".member-form").forEach(function (set) {
      if (set.closest("template")) return;
      var del = set.querySelector("input[name$='-DELETE']");
      var id = set.querySelector("input[name$='-id']");
      var name = set.querySelector("input[name$='-name']");
      if (del && del.checked) return;
      if ((id && id.value) || (name && name.value.trim()) || set.getAttribute("data-prefix") === "head") size += 1;
    });
    return size;
  }

  function recompute() {
    var monthly = 0;
    form.querySelectorAll("[data-calc='monthly_income']").forEach(function (el) {
      var set = el.closest(".member-form");
      var del = set && set.querySelector("input[name$='-DELETE']");
      if (!(del && del.checked) && !(set && set.closest("template"))) monthly += cents(el.value);
    });
    var annual = monthly * 12 + cents(value("other_annual_income"));
    var rigid = cents(value("medical_expense")) + cents(value("education_expense")) + cents(value("other_rigid_expense"));
    var size = householdSize();
    var shown = document.getElementById("calc-size");
    if (shown) shown.textContent = size + " 人";
    document.getElementById("calc-annual").textContent = yuan(annual) + " 元";
    document.getElementById("calc-rigid").textContent = yuan(rigid) + " 元";
    if (!(size >= 1)) {
      document.getElementById("calc-per-capita").textContent = "请填写户主";
      document.getElementById("calc-category").textContent = "—";
      return;
    }
    var perCapita = Math.round((annual - rigid) / 12 / size);
    document.getElementById("calc-per-capita").textContent = yuan(perCapita) + " 元/月";
    var s = standards[value("node")];
    var std = s ? cents(value("hukou_type") === "rural" ? s.rural : s.urban) : null;
    document.getElementById("calc-standard").textContent = std === null ? "本年度未设置" : yuan(std) + " 元/月";
    var category = "—";
    if (std !== null) {
      category = perCapita < std ? "深度困难" : perCapita < std * 2 ? "相对困难" : "不符合建档条件（不低于标准2倍）";
    }
    if (value("category") === "accident") category = "意外致困（经办人选择）";
    document.getElementById("calc-category").textContent = category;
    // the test some places use for 意外致困: the year's costs exceed 80% of the family's income
    var hint = document.getElementById("calc-accident-hint");
    if (hint) hint.hidden = !(rigid > 0 && rigid * 10 > annual * 8 && value("category") !== "accident");
  }

  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  function normalizeId(v) {
    return v.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, function (ch) {
      return String.fromCharCode(ch.charCodeAt(0) - 0xfee0);
    }).replace(/[\s-]/g, "").toUpperCase();
  }
  function fillFromId(input) {
    var v = normalizeId(input.value);
    var set = input.closest(".member-form");
    if (!set || !/^\d{17}[\dX]$/.test(v)) return;
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += parseInt(v[i], 10) * WEIGHTS[i];
    if ("10X98765432"[sum % 11] !== v[17]) return;
    var prefix = set.getAttribute("data-prefix");
    var birth = set.querySelector("[name='" + prefix + "-birth_date']");
    var sex = set.querySelector("[name='" + prefix + "-sex']");
    if (birth) birth.value = v.slice(6, 10) + "-" + v.slice(10, 12) + "-" + v.slice(12, 14);
    if (sex) sex.value = parseInt(v[16], 10) % 2 ? "M" : "F";
  }

  form.addEventListener("input", function (e) {
    if (e.target.matches("[data-idcard]")) fillFromId(e.target);
    recompute();
  });
  form.addEventListener("change", recompute);

  var add = document.getElementById("add-member");
  var template = document.getElementById("member-template");
  var total = form.querySelector("[name='m-TOTAL_FORMS']");
  if (add && template && total) {
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      document.getElementById("members").insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
    });
  }
  recompute();
})();
