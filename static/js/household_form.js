// The dossier form: shows the per-capita computation and the proposed category as the clerk
// types, fills birth date and sex from an ID number and warns of a wrong one as it is typed, adds
// member rows, and after a failed save takes the clerk to the summary of what to correct. The
// server checks and computes again on save; this is only for the clerk's eyes.
(function () {
  "use strict";
  var form = document.getElementById("dossier-form");
  if (!form) return;
  var standards = JSON.parse(document.getElementById("dibao-standards").textContent || "{}");

  // an amount as people type it: 6000, 6,000, 6000元, ６０００, ¥6,000.50; blank is zero, anything
  // else NaN. The same reading as cases/money.py normalize_yuan, which decides on save.
  function parseCents(text) {
    var v = String(text || "").normalize("NFKC").replace(/\s/g, "").replace(/，/g, ",");
    v = v.replace(/^(¥|RMB|人民币)/i, "").replace(/(元整|元|块钱|块)$/, "");
    if (v.indexOf(",") >= 0) {
      if (!/^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(v)) return NaN;
      v = v.replace(/,/g, "");
    }
    if (v === "") return 0;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(v)) return NaN;
    var negative = v[0] === "-";
    var parts = v.replace(/^[+-]/, "").split(".");
    var fen = (parts[1] || "").padEnd(3, "0");
    var c = parseInt(parts[0] || "0", 10) * 100 + parseInt(fen.slice(0, 2), 10) + (parseInt(fen[2], 10) >= 5 ? 1 : 0);
    return negative ? -c : c;
  }
  var badAmount = false;
  function cents(el) {
    var c = el ? parseCents(el.value) : 0;
    var wrapper = el && el.closest(".field");
    if (wrapper) wrapper.classList.toggle("amount-invalid", isNaN(c));
    if (isNaN(c)) { badAmount = true; return 0; }
    return c;
  }
  function yuan(c) { return (c / 100).toFixed(2); }
  function field(name) { return form.querySelector("[name='h-" + name + "']"); }
  function value(name) { var el = field(name); return el ? el.value : ""; }

  // the household is the people listed: the head and every member row kept and filled in
  // (a new row counts once something is filled in, as the server keeps a row that was changed)
  function householdSize() {
    var size = 0;
    form.querySelectorAll(".member-form").forEach(function (set) {
      var del = set.querySelector("input[name$='-DELETE']");
      set.classList.toggle("removed", !!(del && del.checked));
      if (del && del.checked) return;
      var id = set.querySelector("input[name$='-id']");
      var filled = ["name", "id_number", "relation"].some(function (name) {
        var el = set.querySelector("[name$='-" + name + "']");
        return el && el.value.trim();
      });
      if ((id && id.value) || filled || set.getAttribute("data-prefix") === "head") size += 1;
    });
    return size;
  }

  function recompute() {
    var monthly = 0;
    badAmount = false;
    form.querySelectorAll("[data-calc='monthly_income']").forEach(function (el) {
      var set = el.closest(".member-form");
      var del = set && set.querySelector("input[name$='-DELETE']");
      if (!(del && del.checked)) monthly += cents(el);
    });
    var annual = monthly * 12 + cents(field("other_annual_income"));
    var rigid = cents(field("medical_expense")) + cents(field("education_expense")) + cents(field("other_rigid_expense"));
    var size = householdSize();
    var shown = document.getElementById("calc-size");
    if (shown) shown.textContent = size + " 人";
    document.getElementById("calc-annual").textContent = badAmount ? "—" : yuan(annual) + " 元";
    document.getElementById("calc-rigid").textContent = badAmount ? "—" : yuan(rigid) + " 元";
    if (badAmount || !(size >= 1)) {
      document.getElementById("calc-per-capita").textContent = badAmount ? "请核对标红的金额" : "请填写户主";
      document.getElementById("calc-category").textContent = "—";
      return;
    }
    var perCapita = Math.round((annual - rigid) / 12 / size);
    document.getElementById("calc-per-capita").textContent = yuan(perCapita) + " 元/月";
    var s = standards[value("node")];
    var std = s ? parseCents(value("hukou_type") === "rural" ? s.rural : s.urban) : null;
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
  var PROVINCES = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split(" ");
  function normalizeId(v) {
    return v.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, function (ch) {
      return String.fromCharCode(ch.charCodeAt(0) - 0xfee0);
    }).replace(/[\s-]/g, "").toUpperCase();
  }
  // what is wrong with a complete ID number (the server's messages, cases/idcard.py), or "";
  // an incomplete one is judged only when the clerk leaves the field
  function idProblem(v, leaving) {
    if (v.length < 18) {
      if (!leaving || !v) return "";
      if (/^\d{15}$/.test(v)) return "这是15位的旧身份证号码，请填写18位的新身份证号码。";
      return "身份证号码应为18位，现在只有" + v.length + "位。";
    }
    if (v.length > 18) return "身份证号码超过了18位，请核对。";
    if (!/^\d{17}[\dX]$/.test(v)) return "身份证号码应为18位：前17位是数字，最后一位是数字或X。";
    if (PROVINCES.indexOf(v.slice(0, 2)) < 0) return "身份证号码前两位的地区代码不存在。";
    var y = +v.slice(6, 10), m = +v.slice(10, 12), d = +v.slice(12, 14);
    var birth = new Date(y, m - 1, d);
    if (birth.getFullYear() !== y || birth.getMonth() !== m - 1 || birth.getDate() !== d) {
      return "身份证号码中的出生日期（第7至14位）不是一个真实的日期。";
    }
    if (birth > new Date() || y < 1900) return "身份证号码中的出生日期（第7至14位）不可能：不能晚于今天。";
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += parseInt(v[i], 10) * WEIGHTS[i];
    if ("10X98765432"[sum % 11] !== v[17]) return "身份证号码校验位不正确：可能有一位输错了，请对照证件逐位核对。";
    return "";
  }
  function warnId(input, leaving) {
    var wrapper = input.closest(".field");
    if (!wrapper) return;
    var warning = wrapper.querySelector(".id-warning");
    var problem = idProblem(normalizeId(input.value), leaving);
    if (!problem) {
      if (warning) warning.remove();
      input.removeAttribute("aria-invalid");
      return;
    }
    if (!warning) {
      warning = document.createElement("p");
      warning.className = "warning id-warning";
      warning.id = input.id + "-warning";
      warning.setAttribute("role", "status");
      input.insertAdjacentElement("afterend", warning);
      input.setAttribute("aria-describedby", warning.id);
    }
    warning.textContent = problem;
    input.setAttribute("aria-invalid", "true");
  }
  function fillFromId(input) {
    var v = normalizeId(input.value);
    var set = input.closest(".member-form");
    if (!set || idProblem(v, false) || v.length !== 18) return;
    var prefix = set.getAttribute("data-prefix");
    var birth = set.querySelector("[name='" + prefix + "-birth_date']");
    var sex = set.querySelector("[name='" + prefix + "-sex']");
    if (birth) birth.value = v.slice(6, 10) + "-" + v.slice(10, 12) + "-" + v.slice(12, 14);
    if (sex) sex.value = parseInt(v[16], 10) % 2 ? "M" : "F";
  }

  form.addEventListener("input", function (e) {
    if (e.target.matches("[data-idcard]")) {
      fillFromId(e.target);
      warnId(e.target, false);
    }
    recompute();
  });
  form.addEventListener("change", function (e) {
    if (e.target.matches("[data-idcard]")) warnId(e.target, true);
    recompute();
  });

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
  // after a failed save: the summary takes the focus, and each of its links the focus to its field
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (e) {
      var link = e.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      e.preventDefault();
      var control = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
      var label = control && control.id && form.querySelector("label[for='" + control.id + "']");
      (label || target).scrollIntoView({block: "center"});
      if (control) control.focus({preventScroll: true});
    });
  }
  recompute();
})();
