/* Jumin staff UI: the little behaviour htmx does not cover. No framework, no build step.
 *
 * - focus moves to the first field in error (or the error summary) after a failed submit;
 * - inline validation results (htmx out-of-band swaps into .field-error slots) are mirrored
 *   into aria-invalid on the inputs that reference the slot with aria-describedby;
 * - the entry form remembers which fields the clerk has touched, so inline validation only
 *   talks about those;
 * - person blocks can be removed; foreign-resident fields follow the 住民種別 select;
 * - after paging the search results, focus moves to the result count (the page button is gone);
 * - a guarded form (data-guard) is submitted once, never while its inline validation request
 *   is in flight, and no validation request starts once it is being submitted.
 */
(function () {
  "use strict";

  function focusFirstError(root) {
    root = root || document;
    var marker = root.querySelector("[data-focus-first-error]");
    if (!marker) return;
    var target = root.querySelector('[aria-invalid="true"]:not([type="hidden"])');
    if (!target || target.offsetParent === null) {
      target = root.querySelector(".error-summary, .alert-list, .notice.error");
    }
    if (target) {
      if (!target.matches("input, select, textarea, button, a")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  }

  function syncInvalid(root) {
    root = root || document;
    var slots = root.querySelectorAll(".field-error[id]");
    slots.forEach(function (slot) {
      var hasError = slot.querySelector(".sev-error") !== null;
      document.querySelectorAll('[aria-describedby~="' + slot.id + '"]').forEach(function (el) {
        if (hasError) el.setAttribute("aria-invalid", "true");
        else el.removeAttribute("aria-invalid");
      });
    });
  }

  function toggleResidentType(select) {
    var block = select.closest("[data-person-block]");
    if (!block) return;
    var foreign = select.value === "foreign";
    block.querySelectorAll("[data-foreign-only]").forEach(function (el) { el.hidden = !foreign; });
    block.querySelectorAll("[data-japanese-only]").forEach(function (el) { el.hidden = foreign; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    syncInvalid(document);
    focusFirstError(document);
    document.querySelectorAll("select[data-resident-type]").forEach(toggleResidentType);
  });

  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.matches && el.matches("select[data-resident-type]")) toggleResidentType(el);
    var form = el.form;
    if (form && form.hasAttribute("data-validate") && el.name && el.name.charAt(0) !== "_") {
      var touched = form.querySelector('input[name="_touched"]');
      if (touched) {
        var names = touched.value ? touched.value.split(",") : [];
        if (names.indexOf(el.name) < 0) names.push(el.name);
        touched.value = names.join(",");
      }
    }
  }, true);

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("[data-remove-block]") : null;
    if (!btn) return;
    var block = btn.closest("[data-person-block], [data-change-row]");
    var focusAfter = document.getElementById(btn.getAttribute("data-remove-block"));
    if (block) block.remove();
    if (focusAfter) focusAfter.focus();
  });

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.hasAttribute || !form.hasAttribute("data-guard")) return;
    if (form.dataset.submitting === "1") { ev.preventDefault(); return; }
    if (form.classList.contains("htmx-request")) {
      ev.preventDefault();
      var submitter = ev.submitter;
      form.addEventListener("htmx:afterRequest", function () {
        if (submitter) form.requestSubmit(submitter); else form.requestSubmit();
      }, { once: true });
      return;
    }
    form.dataset.submitting = "1";
  }, true);

  document.addEventListener("htmx:confirm", function (ev) {
    var elt = ev.detail && ev.detail.elt;
    var form = elt && elt.closest ? elt.closest("form") : null;
    if (form && form.dataset.submitting === "1") ev.preventDefault();
  });

  window.addEventListener("pageshow", function (ev) {
    if (ev.persisted) {
      document.querySelectorAll("form[data-submitting]").forEach(function (f) { delete f.dataset.submitting; });
    }
  });

  document.addEventListener("htmx:afterSettle", function (ev) {
    syncInvalid(document);
    var root = ev.detail && ev.detail.target ? ev.detail.target : document;
    root.querySelectorAll("select[data-resident-type]").forEach(toggleResidentType);
    focusFirstError(root);
    // paging replaced the button that had the focus: keyboard users continue from the count line
    var elt = ev.detail && ev.detail.requestConfig ? ev.detail.requestConfig.elt : null;
    if (elt && elt.closest && elt.closest("[data-pagination]")) {
      var meta = root.querySelector(".results-meta");
      if (meta) meta.focus();
    }
  });
  document.addEventListener("htmx:oobAfterSwap", function () { syncInvalid(document); });
})();
