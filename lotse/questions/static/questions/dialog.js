// Dialog digital: progressive enhancement of the polled question lists (htmx). Every page
// works without this file: votes and moderation are plain forms, the lists reload with the
// page.
(function () {
  "use strict";

  var FIELDS = "textarea, select, input:not([type=hidden]):not([type=submit])";

  // Someone works inside a polled list (an open "Reject…" box, a merge form, a focused field):
  // skip the poll so that nothing they type is replaced. The next poll catches up.
  function busy(board) {
    if (board.querySelector("details[open], [data-dialog-busy]")) { return true; }
    var active = document.activeElement;
    return !!(active && board.contains(active) && active.matches(FIELDS));
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-dialog-poll") &&
        event.detail.requestConfig && event.detail.requestConfig.verb === "get" && busy(elt)) {
      event.preventDefault();
    }
  });

  // Refused requests (400 bad input, 409 session closed, 429 too many, 503 busy) come back
  // with the form or the list and the message: show them instead of ignoring the answer.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.elt;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    // Only the refusals the views render themselves; any other error page (a 500, a proxy's
    // 502) must not replace the live board.
    var refusals = [400, 409, 429, 503];
    if (refusals.indexOf(status) !== -1 && elt && elt.closest &&
        elt.closest("[data-dialog-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // After a swap, move focus to a new error summary (as on a full page load).
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var scope = target && target.isConnected ? target : document;
    var summary = scope.querySelector ? scope.querySelector("[data-focus-on-load]") : null;
    if (summary) { summary.focus(); }
  });

  // "Cancel" in a merge form loaded into the live list closes it without leaving the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-dialog-dismiss]") : null;
    if (!link) { return; }
    var box = link.closest("[data-dialog-busy]");
    if (!box) { return; }
    event.preventDefault();
    box.remove();
  });
})();
