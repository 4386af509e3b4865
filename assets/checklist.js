/* checklists: saved ticks, progress, reset, copy as markdown.
   The page carries only the boxes (ticked as the book says): the progress,
   the buttons and the status line need JavaScript, so they are built here,
   and a page without it shows no count that could go stale. A box is an
   `<input type="checkbox" data-item="ID">` inside its item's label. */
(function () {
  "use strict";
  if (window.handbookChecklists) {
    return; // every chapter (and print.html) carries this script: run once
  }
  window.handbookChecklists = true;

  // One book's ticks never mix with another's on the same origin.
  var bookRoot = "";
  try {
    /* global path_to_root */
    // `path_to_root` is "" at the top level: resolve "./", not the page.
    var toRoot = typeof path_to_root === "string" && path_to_root ? path_to_root : "./";
    bookRoot = new URL(toRoot, location.href).pathname;
  } catch (e) {
    bookRoot = "";
  }
  var PREFIX = "handbook-checklist:" + bookRoot + ":";

  // An item's checkbox, keyed by its item id.
  var BOX = 'input[type="checkbox"][data-item]';

  // Ticks that differ from the book's defaults, per checklist id:
  // { itemId: true|false }. Kept in memory when localStorage is unavailable.
  var memory = {};

  function read(id) {
    var raw = memory[id];
    try {
      raw = localStorage.getItem(PREFIX + id);
    } catch (e) {
      /* private mode: memory only */
    }
    try {
      var state = raw ? JSON.parse(raw) : {};
      return state && typeof state === "object" && !Array.isArray(state) ? state : {};
    } catch (e) {
      return {};
    }
  }

  function write(id, state) {
    var raw = Object.keys(state).length ? JSON.stringify(state) : null;
    memory[id] = raw;
    try {
      if (raw === null) {
        localStorage.removeItem(PREFIX + id);
      } else {
        localStorage.setItem(PREFIX + id, raw);
      }
    } catch (e) {
      /* private mode: memory only */
    }
  }

  function listsOf(id) {
    return Array.prototype.filter.call(document.querySelectorAll(".handbook-checklist"), function (list) {
      return list.getAttribute("data-handbook-checklist") === id;
    });
  }

  function boxesOf(list) {
    return Array.prototype.slice.call(list.querySelectorAll(BOX));
  }

  // Shows the saved ticks and the progress in every rendering of checklist `id`.
  function refresh(id) {
    var state = read(id);
    listsOf(id).forEach(function (list) {
      var boxes = boxesOf(list);
      var done = 0;
      boxes.forEach(function (box) {
        var item = box.getAttribute("data-item");
        box.checked = Object.prototype.hasOwnProperty.call(state, item) ? state[item] === true : box.defaultChecked;
        if (box.checked) {
          done += 1;
        }
      });
      var count = list.querySelector(".handbook-checklist-done");
      if (count && count.textContent !== String(done)) {
        count.textContent = String(done);
      }
      var total = list.querySelector(".handbook-checklist-total");
      if (total && total.textContent !== String(boxes.length)) {
        total.textContent = String(boxes.length);
      }
      list.classList.toggle("handbook-checklist-complete", boxes.length > 0 && done === boxes.length);
    });
  }

  function refreshAll() {
    var seen = {};
    document.querySelectorAll(".handbook-checklist").forEach(function (list) {
      var id = list.getAttribute("data-handbook-checklist");
      if (id && !seen[id]) {
        seen[id] = true;
        refresh(id);
      }
    });
  }

  var MESSAGES = {
    copied: "Copied",
    copyFailed: "Select the text below and copy it",
    reset: "Reset to the defaults"
  };

  // Announces `text` in the status line of `list` only: the one the reader
  // acted on, though every rendering of the checklist shows the new count.
  function say(list, text) {
    var status = list.querySelector(".handbook-checklist-status");
    if (status) {
      status.textContent = "";
      // A fresh text node, so screen readers announce a repeated message.
      window.setTimeout(function () {
        status.textContent = text;
      }, 50);
    }
  }

  function progressOf(list) {
    var progress = list.querySelector(".handbook-checklist-progress");
    return progress ? progress.textContent : "";
  }

  function element(tag, className, text, attrs) {
    var el = document.createElement(tag);
    el.className = className;
    el.textContent = text || "";
    Object.keys(attrs || {}).forEach(function (name) {
      el.setAttribute(name, attrs[name]);
    });
    return el;
  }

  // "N of M done", Reset, Copy as markdown and the status line, under the items.
  function buildFooter(list) {
    if (list.querySelector(".handbook-checklist-footer")) {
      return;
    }
    var footer = element("div", "handbook-checklist-footer");
    var progress = element("p", "handbook-checklist-progress");
    progress.appendChild(element("span", "handbook-checklist-done", "0"));
    progress.appendChild(document.createTextNode(" of "));
    progress.appendChild(element("span", "handbook-checklist-total", "0"));
    progress.appendChild(document.createTextNode(" done"));
    footer.appendChild(progress);
    var actions = element("div", "handbook-checklist-actions");
    var title = list.querySelector(".handbook-checklist-title");
    var described = title && title.id ? { type: "button", "aria-describedby": title.id } : { type: "button" };
    [["reset", "Reset"], ["copy", "Copy as markdown"]].forEach(function (action) {
      var button = element("button", "handbook-checklist-button", action[1], described);
      button.setAttribute("data-handbook-action", action[0]);
      actions.appendChild(button);
    });
    footer.appendChild(actions);
    footer.appendChild(element("p", "handbook-checklist-status", "", { role: "status" }));
    list.appendChild(footer);
  }

  // --- Copy as markdown -----------------------------------------------------

  function escapeMarkdown(text) {
    return text.replace(/([\\`*_[\]<])/g, "\\$1");
  }

  // The markdown of a label's rendered content.
  function inlineMarkdown(node) {
    var out = "";
    node.childNodes.forEach(function (child) {
      if (child.nodeType === Node.TEXT_NODE) {
        out += escapeMarkdown(child.textContent.replace(/\s+/g, " "));
        return;
      }
      if (child.nodeType !== Node.ELEMENT_NODE) {
        return;
      }
      if (child.hidden || child.getAttribute("aria-hidden") === "true" || child.getAttribute("role") === "tooltip") {
        return;
      }
      var inner = inlineMarkdown(child);
      switch (child.tagName) {
        case "EM":
        case "I":
          out += "*" + inner + "*";
          break;
        case "STRONG":
        case "B":
          out += "**" + inner + "**";
          break;
        case "DEL":
        case "S":
          out += "~~" + inner + "~~";
          break;
        case "CODE":
          var code = child.textContent;
          var fence = code.indexOf("`") >= 0 ? "``" : "`";
          out += fence + (fence.length > 1 ? " " + code + " " : code) + fence;
          break;
        case "A":
          out += child.classList.contains("handbook-term") ? inner : "[" + inner + "](" + child.href + ")";
          break;
        case "BR":
          out += " ";
          break;
        default:
          out += inner;
      }
    });
    return out;
  }

  function itemsMarkdown(ul, depth) {
    var out = "";
    Array.prototype.forEach.call(ul.children, function (li) {
      // The box sits in its label (or, in an override, before it).
      var box = li.querySelector(":scope > label > " + BOX + ", :scope > " + BOX);
      var label = li.querySelector(":scope > label");
      if (!box || !label) {
        return;
      }
      var indent = new Array(depth + 1).join("  ");
      out += indent + "- [" + (box.checked ? "x" : " ") + "] " + inlineMarkdown(label).trim() + "\n";
      var nested = li.querySelector(":scope > ul");
      if (nested) {
        out += itemsMarkdown(nested, depth + 1);
      }
    });
    return out;
  }

  function listMarkdown(list) {
    var out = "";
    var title = list.querySelector(".handbook-checklist-title");
    if (title) {
      out += "**" + escapeMarkdown(title.textContent.trim()) + "**\n\n";
    }
    var items = list.querySelector(":scope > ul");
    return out + (items ? itemsMarkdown(items, 0) : "");
  }

  function copy(list, button) {
    var text = listMarkdown(list);
    var old = list.querySelector(".handbook-checklist-copy-text");
    if (old) {
      old.parentNode.removeChild(old);
    }
    return window.handbookCopyText(text).then(function (ok) {
      button.focus();
      if (ok) {
        say(list, MESSAGES.copied);
        return;
      }
      // Last resort: show the text, selected, for the reader to copy.
      var area = document.createElement("textarea");
      area.className = "handbook-checklist-copy-text";
      area.value = text;
      area.setAttribute("readonly", "");
      area.setAttribute("aria-label", "Checklist as markdown");
      area.rows = Math.min(12, text.split("\n").length);
      list.querySelector(".handbook-checklist-actions").appendChild(area);
      area.focus();
      area.select();
      say(list, MESSAGES.copyFailed);
    });
  }

  // --- Events ---------------------------------------------------------------

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.matches(BOX)) {
      return;
    }
    var list = box.closest(".handbook-checklist");
    var id = list && list.getAttribute("data-handbook-checklist");
    if (!id) {
      return;
    }
    var state = read(id);
    var item = box.getAttribute("data-item");
    if (box.checked === box.defaultChecked) {
      delete state[item]; // back to the default: follow the book again
    } else {
      state[item] = box.checked;
    }
    write(id, state);
    refresh(id);
    say(list, progressOf(list));
  });

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("button[data-handbook-action]");
    var list = button && button.closest(".handbook-checklist");
    var id = list && list.getAttribute("data-handbook-checklist");
    if (!id) {
      return;
    }
    if (button.getAttribute("data-handbook-action") === "reset") {
      write(id, {});
      refresh(id);
      say(list, MESSAGES.reset);
    } else if (button.getAttribute("data-handbook-action") === "copy") {
      copy(list, button);
    }
  });

  // Ticks made in another tab or window.
  window.addEventListener("storage", function (event) {
    if (event.key === null) {
      refreshAll();
    } else if (event.key.indexOf(PREFIX) === 0) {
      refresh(event.key.slice(PREFIX.length));
    }
  });

  // Back/forward cache: the ticks may have changed on another page.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      refreshAll();
    }
  });

  function init() {
    document.querySelectorAll(".handbook-checklist").forEach(buildFooter);
    refreshAll();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
