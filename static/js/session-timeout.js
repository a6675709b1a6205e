// The idle-timeout warning (templates/accounts/session_timeout.html).
// A minute before the session would end for want of activity, a modal dialog
// says so and offers "Stay signed in", which makes a request and so restarts
// the server's idle clock. The server decides: before warning, and before
// leaving, this asks it how long is left (activity in another tab counts).
(function () {
  "use strict";
  var dialog = document.querySelector("[data-module='app-session-timeout']");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var statusUrl = dialog.dataset.statusUrl;
  var extendUrl = dialog.dataset.extendUrl;
  var loginUrl = dialog.dataset.loginUrl;
  var warningSeconds = parseInt(dialog.dataset.warningSeconds, 10);
  var countdown = dialog.querySelector("[data-countdown]");
  var announce = dialog.querySelector("[data-announce]");
  var stay = dialog.querySelector("[data-stay-signed-in]");
  var csrf = dialog.querySelector("input[name='csrfmiddlewaretoken']");
  var timer = null;
  var ticker = null;
  var deadline = 0;

  function words(seconds) {
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes");
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function signedOut() {
    window.location.href = loginUrl + "?next=" + encodeURIComponent(window.location.pathname + window.location.search);
  }

  function schedule(idleSecondsLeft) {
    window.clearTimeout(timer);
    deadline = Date.now() + idleSecondsLeft * 1000;
    timer = window.setTimeout(check, Math.max(0, (idleSecondsLeft - warningSeconds) * 1000));
  }

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = words(left);
    if (left === 0) {
      window.clearInterval(ticker);
      check();
    }
  }

  function warn() {
    if (!dialog.open) {
      tick();
      dialog.showModal();
      stay.focus();
      announce.textContent = "You will be signed out in " + words(Math.round((deadline - Date.now()) / 1000)) + ".";
      ticker = window.setInterval(tick, 1000);
    }
  }

  function handle(response) {
    if (response.status === 401 || response.redirected) {
      signedOut();
      return null;
    }
    return response.json();
  }

  function apply(status) {
    if (!status) {
      return;
    }
    var left = Math.min(status.idle_seconds_left, status.absolute_seconds_left);
    if (left <= 0) {
      signedOut();
    } else if (left <= warningSeconds) {
      deadline = Date.now() + left * 1000;
      warn();
    } else {
      if (dialog.open) {
        window.clearInterval(ticker);
        dialog.close();
      }
      schedule(left);
    }
  }

  function check() {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(handle)
      .then(apply)
      .catch(function () {
        schedule(warningSeconds + 5);
      });
  }

  stay.addEventListener("click", function () {
    fetch(extendUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
    })
      .then(handle)
      .then(apply);
  });

  // Escape would close the dialog without an answer: treat it as staying.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    stay.click();
  });

  schedule(parseInt(dialog.dataset.idleSeconds, 10));
})();
