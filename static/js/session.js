// Keeps what a user types when his session would end (30 idle minutes): typing into a form keeps
// the session alive (a keep-alive request at most every few minutes); shortly before it ends, on a
// page with a form, a warning lets him extend it; once it has ended the page says so and stays,
// and a save waits until he has signed in again (in another tab) instead of losing the POST on the
// way to the login page. Nothing typed is stored in the browser: only the expiry time, shared
// between the tabs of the office browser.
(function () {
  "use strict";
  var body = document.body;
  var age = parseInt(body.getAttribute("data-session-age"), 10);
  var url = body.getAttribute("data-keep-alive-url");
  var loginUrl = body.getAttribute("data-login-url");
  var logoutUrl = body.getAttribute("data-logout-url");
  var user = body.getAttribute("data-session-user");
  if (!(age > 0) || !url || !window.fetch) return;

  var KEY = "union-aid-session-expires";
  var LOGGED_OUT = "union-aid-logged-out";
  var WARN_BEFORE = Math.min(120, age / 4) * 1000;
  var PING_EVERY = Math.min(300, age / 3) * 1000;
  var expiresAt = Date.now() + age * 1000;
  var lastPing = Date.now();
  var lastContact = Date.now();  // when the server last said this user is signed in
  var ended = false;
  var endedMark = 0;  // the shared expiry when this page saw the session end
  var banner = null;

  function shared() {
    try { return parseInt(window.localStorage.getItem(KEY) || "0", 10) || 0; } catch (e) { return 0; }
  }
  function share(time) {
    try { if (time > shared()) window.localStorage.setItem(KEY, String(time)); } catch (e) { /* private mode */ }
  }
  share(expiresAt);
  function remaining() { return Math.max(expiresAt, shared()) - Date.now(); }
  function loggedOutSince(time) {
    try { return (parseInt(window.localStorage.getItem(LOGGED_OUT) || "0", 10) || 0) > time; } catch (e) { return false; }
  }

  function postForms() {
    return Array.prototype.filter.call(document.querySelectorAll("main form"), function (form) {
      return (form.method || "").toLowerCase() === "post";
    });
  }
  function guarded(form) {
    return form && (form.method || "").toLowerCase() === "post" && form.closest("main") !== null;
  }

  // asks the server; resolves to "alive", "other" (someone else signed in since) or "ended"
  function ping() {
    lastPing = Date.now();
    return fetch(url, {credentials: "same-origin", cache: "no-store", headers: {"X-Requested-With": "fetch"}})
      .then(function (response) {
        if (response.status !== 204) return "ended";
        if (response.headers.get("X-Session-User") !== user) return "other";
        var token = response.headers.get("X-CSRF-Token");
        if (token) {
          // signing in again changes the token: the forms on this page must send the new one
          document.querySelectorAll("input[name='csrfmiddlewaretoken']").forEach(function (input) { input.value = token; });
        }
        var seconds = parseInt(response.headers.get("X-Session-Age"), 10) || age;
        expiresAt = Date.now() + seconds * 1000;
        lastContact = Date.now();
        share(expiresAt);
        ended = false;
        return "alive";
      }, function () { return "unreachable"; });
  }

  function showBanner(kind, text, action) {
    if (!banner) {
      banner = document.createElement("div");
      banner.id = "session-banner";
      banner.setAttribute("role", "alert");
      banner.innerHTML = '<p class="session-text"></p><div class="session-actions"></div>';
      body.appendChild(banner);
    }
    banner.className = "session-banner session-" + kind;
    banner.querySelector(".session-text").textContent = text;
    var actions = banner.querySelector(".session-actions");
    actions.innerHTML = "";
    if (kind !== "warning") {
      var login = document.createElement("a");
      login.href = loginUrl;
      login.target = "_blank";
      login.rel = "noopener";
      login.className = "button";
      login.textContent = "在新窗口重新登录";
      actions.appendChild(login);
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "primary";
    button.textContent = action;
    button.addEventListener("click", resume);
    actions.appendChild(button);
    banner.hidden = false;
  }
  function hideBanner() { if (banner) banner.hidden = true; }

  function end() {
    if (!ended) endedMark = Math.max(expiresAt, shared());
    ended = true;
  }
  function showEnded() {
    end();
    showBanner("ended", "会话已过期，您已自动退出。本页填写的内容还在，没有丢失：请先在新窗口重新登录，"
      + "再回到本页点“我已登录，继续”，然后保存。", "我已登录，继续");
  }
  function showOther() {
    end();
    showBanner("other", "现在这台电脑上登录的是另一位工作人员，本页不能以他的身份保存。请用您自己的账号在新窗口"
      + "重新登录后，回到本页点“我已登录，继续”。", "我已登录，继续");
  }
  function resume() {
    return ping().then(function (state) {
      if (state === "alive") hideBanner();
      else if (state === "other") showOther();
      else showEnded();
      return state;
    });
  }

  function minutes(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    return s >= 60 ? Math.floor(s / 60) + " 分 " + (s % 60) + " 秒" : s + " 秒";
  }
  function tick() {
    var left = remaining();
    if (ended) {
      // another tab has signed in again since: ask, which also brings this page the new CSRF token
      if (shared() > endedMark) {
        endedMark = shared();
        resume();
      }
    } else if (left <= 0) {
      if (postForms().length) showEnded();
      else end();
    } else if (left <= WARN_BEFORE && postForms().length) {
      showBanner("warning", "会话即将过期：再过 " + minutes(left) + "没有操作将自动退出，未保存的内容会丢失。", "继续工作");
    } else if (banner && !banner.hidden && banner.classList.contains("session-warning")) {
      hideBanner();
    }
  }
  window.setInterval(tick, 1000);

  // typing keeps the session alive, however long the form takes
  function typed(e) {
    if (!guarded(e.target.form || (e.target.closest && e.target.closest("form")))) return;
    if (!ended && Date.now() - lastPing >= PING_EVERY) ping().then(function (state) {
      if (state === "ended") showEnded();
      else if (state === "other") showOther();
    });
  }
  document.addEventListener("input", typed, true);
  document.addEventListener("change", typed, true);

  // a save after the session may have ended asks first, and keeps the page if it has
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.matches("form[action='" + logoutUrl + "']")) {
      // the other tabs must not take the session for alive on their next save
      try { window.localStorage.setItem(LOGGED_OUT, String(Date.now())); } catch (err) { /* private mode */ }
      return;
    }
    if (e.defaultPrevented || !guarded(form) || (!ended && remaining() > 5000 && !loggedOutSince(lastContact))) return;
    e.preventDefault();
    var submitter = e.submitter;
    ping().then(function (state) {
      if (state === "alive" || state === "unreachable") {
        hideBanner();
        if (submitter && submitter.name) {
          var hidden = document.createElement("input");
          hidden.type = "hidden";
          hidden.name = submitter.name;
          hidden.value = submitter.value;
          form.appendChild(hidden);
        }
        if (submitter && submitter.hasAttribute("formaction")) form.action = submitter.formAction;
        HTMLFormElement.prototype.submit.call(form);
      } else if (state === "other") {
        showOther();
      } else {
        showEnded();
      }
    });
  });

  // back from signing in in another tab: look again
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && ended) resume();
  });
})();
