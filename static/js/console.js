/* Auditdesk console glue: small progressive enhancements on top of server-rendered pages. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  // A select that clears a dependent field before its form is submitted (category → subcategory).
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.dataset && el.dataset.clears) {
      var dep = document.getElementById(el.dataset.clears);
      if (dep) dep.value = "";
    }
    // The page-size select sits below the table but belongs to the filter form (form="…"):
    // its change does not bubble to that form, so hand it over.
    if (el.matches && el.matches("[data-page-size]") && el.form && el.form !== el.closest("form")) {
      el.form.dispatchEvent(new Event("change", { bubbles: true }));
    }
    if (el.dataset && el.dataset.toggles) {
      var box = document.getElementById(el.dataset.toggles);
      if (box) {
        var on = el.value === "custom";
        box.hidden = !on;
        box.querySelectorAll("input").forEach(function (i) { i.disabled = !on; });
      }
    }
  }, true);

  // "Changed by": chips of chosen users / teams, fed by the search-as-you-type list.
  var pickersReady = new WeakSet();
  function actorPicker(root) {
    var input = root.querySelector("[data-actor-input]");
    var list = root.querySelector(".combo-options");
    var chips = root.querySelector("[data-actor-chips]");
    var form = root.closest("form");
    // A WeakSet, not an attribute: htmx's history snapshot would copy an attribute along.
    if (!input || !list || !chips || !form || pickersReady.has(root)) return;
    pickersReady.add(root);
    input.addEventListener("change", function (e) { e.stopPropagation(); });
    // Focusing the box lists people; refocusing it after a pick must not reopen the list.
    var quiet = false;
    input.addEventListener("htmx:confirm", function (e) {
      if (quiet) { quiet = false; e.preventDefault(); }
    });
    function submit() { form.dispatchEvent(new Event("change", { bubbles: true })); }
    function close() { list.innerHTML = ""; input.setAttribute("aria-expanded", "false"); }
    function add(token, label) {
      if (chips.querySelector('input[value="' + token + '"]')) { close(); return; }
      var chip = document.createElement("span");
      chip.className = "chip";
      chip.textContent = label;
      var hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = "actor"; hidden.value = token;
      var remove = document.createElement("button");
      remove.type = "button"; remove.className = "chip-remove"; remove.setAttribute("data-remove-chip", "");
      var removeLabel = chips.dataset.removeLabel || "Remove __label__";
      remove.setAttribute("aria-label", removeLabel.replace("__label__", label)); remove.textContent = "×";
      chip.appendChild(hidden); chip.appendChild(remove);
      chips.appendChild(chip);
      input.value = ""; close(); submit(); quiet = true; input.focus(); quiet = false;
    }
    list.addEventListener("click", function (e) {
      var btn = e.target.closest("[data-actor-token]");
      if (btn) add(btn.dataset.actorToken, btn.dataset.actorLabel);
    });
    chips.addEventListener("click", function (e) {
      var btn = e.target.closest("[data-remove-chip]");
      if (btn) { btn.closest(".chip").remove(); submit(); quiet = true; input.focus(); quiet = false; }
    });
    input.addEventListener("keydown", function (e) {
      var options = list.querySelectorAll("[data-actor-token]");
      if (e.key === "ArrowDown" && options.length) { e.preventDefault(); options[0].focus(); }
      if (e.key === "Escape") close();
      if (e.key === "Enter") { e.preventDefault(); if (options.length === 1) options[0].click(); }
    });
    list.addEventListener("keydown", function (e) {
      var options = Array.prototype.slice.call(list.querySelectorAll("[data-actor-token]"));
      var i = options.indexOf(document.activeElement);
      if (e.key === "ArrowDown" && i < options.length - 1) { e.preventDefault(); options[i + 1].focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? options[i - 1] : input).focus(); }
      if (e.key === "Escape") { close(); input.focus(); }
    });
    list.addEventListener("htmx:afterSwap", function () {
      // People already chosen are not offered again.
      list.querySelectorAll("[data-actor-token]").forEach(function (b) {
        if (chips.querySelector('input[value="' + b.dataset.actorToken + '"]')) b.closest("li").remove();
      });
      input.setAttribute("aria-expanded", list.children.length ? "true" : "false");
    });
    document.addEventListener("click", function (e) { if (!root.contains(e.target)) close(); });
  }

  // Clicking anywhere on a row opens its detail panel; the row's first link is the real target.
  document.addEventListener("click", function (e) {
    var row = e.target.closest("[data-row-link]");
    if (!row || e.target.closest("a, button, input, select")) return;
    var link = row.querySelector("[data-panel-link]");
    if (link) link.click();
  });

  function selectRow(link) {
    document.querySelectorAll("[data-row-link][aria-selected]").forEach(function (r) { r.removeAttribute("aria-selected"); });
    var row = link && link.closest("[data-row-link]");
    if (row) row.setAttribute("aria-selected", "true");
  }

  var panelOpener = null;
  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = e.detail.elt;
    if (elt && elt.matches && elt.matches("[data-panel-link]")) {
      selectRow(elt);
      panelOpener = elt;
    }
  });

  // A comment changed: its row's open-comment indicator follows, when that row is on this page
  // (an out-of-band swap would fail loudly for a row filtered or paged away).
  document.addEventListener("htmx:afterSwap", function () {
    document.querySelectorAll("template[data-comment-indicator]").forEach(function (tpl) {
      var old = document.getElementById(tpl.dataset.commentIndicator);
      if (old) old.replaceWith(tpl.content.cloneNode(true));
      tpl.remove();
    });
  });

  // Keyboard users land in the panel that opened, and back on its row when it closes.
  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail.target;
    if (target && target.id === "panel") {
      var title = target.querySelector("[data-panel-title]");
      if (title) title.focus({ preventScroll: true });
    }
  });

  function closePanel() {
    var panel = document.getElementById("panel");
    if (panel) panel.innerHTML = "";
    selectRow(null);
    // The address named the open event (?open=…): a closed panel is no longer part of it.
    var url = new URL(window.location.href);
    if (url.searchParams.has("open")) {
      ["open", "comment", "tab", "thread", "status"].forEach(function (k) { url.searchParams.delete(k); });
      history.replaceState(history.state, "", url.pathname + url.search + url.hash);
    }
    if (panelOpener && document.body.contains(panelOpener)) panelOpener.focus();
    panelOpener = null;
  }

  // Paging replaces the results: keep the keyboard on the pager that was used.
  var pagerUsed = null;
  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = e.detail.elt;
    pagerUsed = elt && elt.dataset ? elt.dataset.pager || null : null;
  });
  document.addEventListener("htmx:afterSettle", function (e) {
    if (!pagerUsed || !e.detail.target || e.detail.target.id !== "log-results") return;
    var again = document.querySelector('#log-results [data-pager="' + pagerUsed + '"]') ||
      document.querySelector("#log-results [data-pager]");
    if (again) again.focus();
    pagerUsed = null;
  });

  // Empty filters stay out of the address, so a copied link is short; "date" always stays,
  // because an empty date (any time) is itself a choice that overrides the view's saved one.
  document.addEventListener("htmx:configRequest", function (e) {
    if (!e.detail.elt.closest || !e.detail.elt.closest("[data-log-filters]")) return;
    ["category", "subcategory", "action", "start", "end"].forEach(function (key) {
      var data = e.detail.formData;
      if (data && data.getAll(key).every(function (v) { return v === ""; })) data.delete(key);
    });
  });

  // A custom range given end first is applied swapped; the date boxes follow once the person
  // has left them (not while a date is half typed), and only if they still hold that range.
  function showAppliedRange() {
    var results = document.getElementById("log-results");
    var box = document.getElementById("date-range");
    if (!results || !box || !results.dataset.appliedStart || box.contains(document.activeElement)) return;
    var start = document.getElementById("f-start"), end = document.getElementById("f-end");
    if (start.value === results.dataset.appliedEnd && end.value === results.dataset.appliedStart) {
      start.value = results.dataset.appliedStart;
      end.value = results.dataset.appliedEnd;
    }
  }
  document.addEventListener("htmx:afterSettle", showAppliedRange);
  document.addEventListener("focusout", function (e) {
    if (e.target.closest && e.target.closest("#date-range")) setTimeout(showAppliedRange, 0);
  });

  // Tabs inside the detail panel.
  document.addEventListener("click", function (e) {
    var tab = e.target.closest("[data-tab]");
    if (tab) {
      var list = tab.closest("[role=tablist]");
      list.querySelectorAll("[data-tab]").forEach(function (t) {
        var on = t === tab;
        t.classList.toggle("active", on);
        t.setAttribute("aria-selected", on ? "true" : "false");
        var panel = document.getElementById(t.getAttribute("aria-controls"));
        if (panel) panel.hidden = !on;
      });
    }
    if (e.target.closest("[data-close-panel]")) closePanel();
  });

  // Dialogs: links marked data-dialog open their form in a modal; without script they are pages.
  function modal() {
    var dlg = document.getElementById("modal");
    if (!dlg) {
      dlg = document.createElement("dialog");
      dlg.id = "modal";
      dlg.className = "modal";
      dlg.innerHTML = '<div id="modal-body"></div>';
      document.body.appendChild(dlg);
      dlg.addEventListener("click", function (e) { if (e.target === dlg) dlg.close(); });
    }
    return dlg;
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest("a[data-dialog]");
    if (link && window.htmx) {
      e.preventDefault();
      var dlg = modal();
      htmx.ajax("GET", link.href, { target: "#modal-body", swap: "innerHTML" }).then(function () {
        if (!dlg.open) dlg.showModal();
        var first = dlg.querySelector("[autofocus]") || dlg.querySelector("input:not([type=hidden]), button");
        if (first) first.focus();
      });
      var details = link.closest("details");
      if (details) details.open = false;
    }
    var cancel = e.target.closest("[data-close-dialog]");
    if (cancel && cancel.closest("dialog")) { e.preventDefault(); cancel.closest("dialog").close(); }
  });

  // Arrow keys move between the panel's tabs (the WAI-ARIA tabs pattern).
  document.addEventListener("keydown", function (e) {
    var tab = e.target.closest && e.target.closest("[role=tablist] [data-tab]");
    if (!tab || (e.key !== "ArrowRight" && e.key !== "ArrowLeft")) return;
    var tabs = Array.prototype.slice.call(tab.closest("[role=tablist]").querySelectorAll("[data-tab]"));
    var next = tabs[(tabs.indexOf(tab) + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    e.preventDefault();
    next.focus();
    next.click();
  });

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && document.querySelector("#panel .panel-inner") && !document.querySelector("dialog[open]") && !e.target.matches("textarea, input") && !e.target.closest("details.menu[open], .mention-options")) closePanel();
  });

  // Close open menus when clicking elsewhere.
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.menu[open]").forEach(function (d) { if (!d.contains(e.target)) d.open = false; });
  });

  // @mentions in comment boxes: typing "@" and a name offers colleagues; picking one inserts
  // "@Full Name" and remembers the person's id in a hidden field, so the server stores a reference.
  var mentionTimer = null;
  function mentionQuery(area) {
    var before = area.value.slice(0, area.selectionStart);
    var m = /(?:^|\s)@([^@\n]{0,40})$/.exec(before);
    return m ? m[1] : null;
  }
  document.addEventListener("input", function (e) {
    var area = e.target;
    if (!area.matches || !area.matches("[data-mention-input]")) return;
    var list = area.parentElement.querySelector(".mention-options");
    var q = mentionQuery(area);
    clearTimeout(mentionTimer);
    if (q === null) { list.hidden = true; list.innerHTML = ""; return; }
    mentionTimer = setTimeout(function () {
      fetch(area.dataset.mentionUrl + "?q=" + encodeURIComponent(q), { headers: { "HX-Request": "true" } })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          list.innerHTML = html;
          // A finished mention followed by more words is plain text again: no list.
          var first = list.querySelector("[data-mention-id]");
          list.hidden = !first && q.indexOf(" ") !== -1;
          // The first colleague is the one Enter picks, until the arrow keys choose another.
          if (first) first.closest("[role=option]").setAttribute("aria-selected", "true");
          list.dataset.query = q;
        });
    }, 150);
  });
  function pickMention(option) {
    var form = option.closest("form");
    var area = form.querySelector("[data-mention-input]");
    var list = form.querySelector(".mention-options");
    var pos = area.selectionStart;
    var before = area.value.slice(0, pos).replace(/@([^@\n]{0,40})$/, "@" + option.dataset.mentionName + " ");
    area.value = before + area.value.slice(pos);
    area.focus();
    area.selectionStart = area.selectionEnd = before.length;
    var hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = "mention"; hidden.value = option.dataset.mentionId;
    form.appendChild(hidden);
    list.hidden = true; list.innerHTML = "";
  }
  document.addEventListener("click", function (e) {
    var option = e.target.closest("[data-mention-id]");
    if (option) pickMention(option);
  });
  document.addEventListener("keydown", function (e) {
    if (!e.target.matches || !e.target.matches("[data-mention-input]")) return;
    var list = e.target.parentElement.querySelector(".mention-options");
    if (list.hidden) return;
    var first = list.querySelector("[data-mention-id]");
    if (e.key === "ArrowDown" && first) { e.preventDefault(); first.focus(); }
    if (e.key === "Escape") { list.hidden = true; }
    // Enter (or Tab) while colleagues are offered for the "@…" being typed picks one, as in a
    // combobox, instead of starting a new line or leaving the box.
    if ((e.key === "Enter" || e.key === "Tab") && !e.shiftKey && first &&
        mentionQuery(e.target) === list.dataset.query) {
      e.preventDefault();
      var chosen = list.querySelector('[role=option][aria-selected="true"] [data-mention-id]');
      pickMention(chosen || first);
    }
  });
  // Arrow keys move through the colleagues offered; Escape goes back to the text.
  document.addEventListener("keydown", function (e) {
    var option = e.target.closest && e.target.closest(".mention-options [data-mention-id]");
    if (!option) return;
    var list = option.closest(".mention-options");
    var area = list.parentElement.querySelector("[data-mention-input]");
    var options = Array.prototype.slice.call(list.querySelectorAll("[data-mention-id]"));
    var i = options.indexOf(option);
    if (e.key === "Enter") { e.preventDefault(); pickMention(option); }
    if (e.key === "ArrowDown" && i < options.length - 1) { e.preventDefault(); options[i + 1].focus(); }
    if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? options[i - 1] : area).focus(); }
    if (e.key === "Escape") { e.preventDefault(); list.hidden = true; area.focus(); }
  });
  // Escape closes an open menu and gives focus back to its button.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var menu = e.target.closest && e.target.closest("details.menu[open]");
    if (!menu) return;
    menu.open = false;
    var summary = menu.querySelector("summary");
    if (summary) summary.focus();
  });

  // The option that has the focus is the one Enter picks.
  document.addEventListener("focusin", function (e) {
    var option = e.target.closest && e.target.closest(".mention-options [data-mention-id]");
    if (!option) return;
    option.closest(".mention-options").querySelectorAll("[role=option]").forEach(function (li) {
      li.setAttribute("aria-selected", li.contains(option) ? "true" : "false");
    });
  });

  // A long comment's "Show more": once open, the rest reads on from the text above, with
  // "Show less" below it (without script the summary stays and toggles it).
  document.addEventListener("toggle", function (e) {
    var fold = e.target;
    if (!fold.matches || !fold.matches("[data-comment-fold]")) return;
    fold.querySelector("summary").hidden = fold.open;
    fold.querySelector("[data-fold-close]").hidden = !fold.open;
  }, true);
  document.addEventListener("click", function (e) {
    var close = e.target.closest("[data-fold-close]");
    if (!close) return;
    var fold = close.closest("[data-comment-fold]");
    fold.open = false;
    fold.querySelector("summary").focus();
  });

  // A refused comment action answers 403 with the Comments tab and why, naming its target and
  // swap (HX-Retarget, HX-Reswap); htmx swaps no 403 by itself, so show it in the panel.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var xhr = e.detail.xhr;
    if (xhr.status === 403 && xhr.getResponseHeader("HX-Reswap") &&
        e.detail.target && e.detail.target.matches(".comments")) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  // Copy link: the permalink of a comment.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-copy-link]");
    if (!btn) return;
    var link = btn.dataset.copyLink;
    var done = function () { var old = btn.textContent; btn.textContent = btn.dataset.copiedLabel || "Copied"; setTimeout(function () { btn.textContent = old; }, 1500); };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(link).then(done);
    else { window.prompt(btn.dataset.copyPrompt || "Copy this link", link); }
  });

  onReady(function () {
    var highlighted = document.querySelector(".comment.highlighted");
    if (highlighted) highlighted.scrollIntoView({ block: "center" });
    document.querySelectorAll("[data-actor-picker]").forEach(actorPicker);
    // A link that opens the log with a panel (?open=…) marks that event's row as selected.
    var open = document.querySelector("#panel .panel-inner[data-event-id]");
    if (open) {
      var path = "/events/" + open.dataset.eventId + "/";
      document.querySelectorAll("[data-panel-link]").forEach(function (a) {
        if ((a.getAttribute("hx-get") || "").slice(-path.length) === path) { selectRow(a); panelOpener = a; }
      });
    }
  });
  // Back and forward restore the page from htmx's history cache as fresh elements.
  document.addEventListener("htmx:historyRestore", function () {
    document.querySelectorAll("[data-actor-picker]").forEach(actorPicker);
  });
})();
