/* Glossary references. A page carries each referenced term's definition
   once, in a `<script type="text/html" class="hb-tips">` data block (which
   mdBook's search does not index) before the references that show it; the
   glossary page, whose entries are the definitions, carries none. This
   makes the tooltips: each reference is wrapped in a `.handbook-ref` with
   the page's one tooltip for its term, which CSS shows on hover and focus;
   a later reference to the term names that tooltip in `aria-describedby`
   and borrows it when shown. It adds tap-to-show on touch screens (a second
   tap follows the link), Escape to dismiss, and pins a shown tooltip to the
   viewport next to its reference: inside the window, above the reference
   when there is no room below, never clipped by a scrolling table. Without
   JavaScript, a reference is a plain link to its glossary entry. */
(function () {
    "use strict";
    if (window.handbookGlossary) {
        return;
    }
    window.handbookGlossary = true;

    var OPEN = "handbook-ref-open";
    var DISMISSED = "handbook-ref-dismissed";
    var PLACED = "handbook-tip-placed";
    var ABOVE = "handbook-tip-above";
    var MARGIN = 8;
    var GAP = 6;
    var lastPointer = "mouse";
    var made = 0;

    // The term a reference names: `data-term`, or its link's `#term-ID`.
    function termOf(term) {
        var key = term.getAttribute("data-term");
        if (key) {
            return key;
        }
        var href = term.getAttribute("href") || "";
        var at = href.lastIndexOf("#term-");
        return at < 0 ? null : decodeURIComponent(href.slice(at + 6));
    }

    // Turns every data block's definitions into tooltips for the references
    // after it (on mdBook's print page, each chapter has its own block).
    function makeTips() {
        var nodes = document.querySelectorAll("script.hb-tips, .handbook-term");
        var definitions = {};
        var tips = {};
        for (var i = 0; i < nodes.length; i++) {
            var node = nodes[i];
            if (node.tagName === "SCRIPT") {
                var parsed = document.createElement("template");
                parsed.innerHTML = node.textContent;
                definitions = {};
                tips = {};
                var entries = parsed.content.querySelectorAll("[data-term]");
                for (var j = 0; j < entries.length; j++) {
                    definitions[entries[j].getAttribute("data-term")] = entries[j];
                }
                continue;
            }
            var key = termOf(node);
            if (!key || refOf(node)) {
                continue;
            }
            var tip = tips[key];
            var fresh = false;
            if (!tip) {
                var definition = definitions.hasOwnProperty(key)
                    ? definitions[key]
                    : fromEntry(key);
                if (!definition) {
                    continue;
                }
                tip = document.createElement("span");
                tip.className = "handbook-term-tip";
                tip.setAttribute("role", "tooltip");
                tip.id = "hb--tip-" + made++;
                while (definition.firstChild) {
                    tip.appendChild(definition.firstChild);
                }
                tips[key] = tip;
                fresh = true;
            }
            var ref = document.createElement("span");
            ref.className = "handbook-ref";
            node.parentNode.insertBefore(ref, node);
            ref.appendChild(node);
            if (fresh) {
                ref.appendChild(tip);
            }
            node.setAttribute("aria-describedby", tip.id);
        }
    }

    // The glossary page carries no data block: its entries are the
    // definitions. A tooltip there is made from the entry, as the
    // preprocessor makes them elsewhere: the term (and its abbreviation) in
    // bold, then the definition's first paragraph with references as their
    // text, and "…" when the definition goes on. `null` for a term whose
    // entry is not on the page.
    function fromEntry(key) {
        var heading = document.getElementById("term-" + key);
        var entry = heading && heading.closest(".handbook-glossary-entry");
        if (!entry) {
            return null;
        }
        var out = document.createElement("span");
        var name = document.createElement("b");
        var dfn = heading.querySelector("dfn");
        var abbr = heading.querySelector("abbr");
        name.textContent =
            (dfn || heading).textContent + (abbr ? " (" + abbr.textContent + ")" : "");
        out.appendChild(name);
        var body = entry.querySelector(".handbook-glossary-definition");
        var first = body && firstParagraph(body.cloneNode(true));
        if (first && first.nodes.length) {
            out.appendChild(document.createTextNode(": "));
            first.nodes.forEach(function (n) {
                out.appendChild(n);
            });
            if (first.more) {
                out.appendChild(document.createTextNode(" …"));
            }
        }
        return out;
    }

    var BLOCK = /^(P|UL|OL|PRE|BLOCKQUOTE|TABLE|DL|DIV|HR|H[1-6])$/;

    // A copy of a definition's first paragraph, its references as text,
    // without what this script added (tooltips and their wrappers) or ids;
    // `more` when other blocks follow. A definition of one paragraph is
    // written without its `<p>`.
    function firstParagraph(copy) {
        var all = function (selector, f) {
            Array.prototype.slice.call(copy.querySelectorAll(selector)).forEach(f);
        };
        all(".handbook-term-tip", function (t) {
            t.remove();
        });
        all(".handbook-ref", function (r) {
            r.replaceWith.apply(r, Array.prototype.slice.call(r.childNodes));
        });
        all("a.handbook-term", function (a) {
            a.replaceWith(a.textContent);
        });
        all("[id]", function (e) {
            e.removeAttribute("id");
        });
        var kids = Array.prototype.slice.call(copy.childNodes);
        var blocks = kids.filter(function (n) {
            return n.nodeType === 1 && BLOCK.test(n.tagName);
        });
        if (!blocks.length) {
            return { nodes: kids, more: false };
        }
        var first = copy.firstElementChild;
        if (first.tagName !== "P") {
            return { nodes: [], more: true };
        }
        return {
            nodes: Array.prototype.slice.call(first.childNodes),
            more: blocks.length > 1,
        };
    }

    function refOf(node) {
        return node && node.closest ? node.closest(".handbook-ref") : null;
    }

    function shownRefs() {
        return document.querySelectorAll(
            ".handbook-ref:hover, .handbook-ref:focus-within, .handbook-ref." + OPEN
        );
    }

    // Pins the shown tooltip of `ref` to the viewport: below the reference's
    // first line, moved left to fit; above it when there is no room below;
    // and when there is room on neither side, as low as still fits.
    function place(ref) {
        var tip = ref.querySelector(".handbook-term-tip");
        var term = ref.querySelector(".handbook-term");
        if (!tip || !term || getComputedStyle(tip).display === "none") {
            return;
        }
        ref.classList.add(PLACED);
        ref.classList.remove(ABOVE);
        var lines = term.getClientRects();
        var anchor = lines.length ? lines[0] : term.getBoundingClientRect();
        var width = document.documentElement.clientWidth;
        var height = window.innerHeight;
        var w = tip.offsetWidth;
        var h = tip.offsetHeight;
        var x = Math.max(MARGIN, Math.min(anchor.left, width - MARGIN - w));
        var y = anchor.bottom + GAP;
        if (y + h > height - MARGIN) {
            if (anchor.top - GAP - h >= MARGIN) {
                y = anchor.top - GAP - h;
                ref.classList.add(ABOVE);
            } else {
                y = Math.max(MARGIN, height - MARGIN - h);
            }
        }
        tip.style.setProperty("--handbook-tip-x", x + "px");
        tip.style.setProperty("--handbook-tip-y", y + "px");
        // A transformed ancestor makes `fixed` relative to itself: correct
        // by what actually happened.
        var rect = tip.getBoundingClientRect();
        if (Math.abs(rect.left - x) > 0.5 || Math.abs(rect.top - y) > 0.5) {
            tip.style.setProperty("--handbook-tip-x", 2 * x - rect.left + "px");
            tip.style.setProperty("--handbook-tip-y", 2 * y - rect.top + "px");
        }
    }

    // A later reference to a term may share the page's one tooltip for it
    // (its `aria-describedby` names the tooltip): bring the tooltip next to
    // the reference that shows it, where the CSS finds it.
    function adopt(ref) {
        var term = ref.querySelector(".handbook-term");
        if (!term || ref.querySelector(".handbook-term-tip")) {
            return;
        }
        var tip = document.getElementById(term.getAttribute("aria-describedby") || "");
        if (tip && tip.classList.contains("handbook-term-tip")) {
            ref.appendChild(tip);
        }
    }

    function show(ref) {
        ref.classList.remove(DISMISSED);
        adopt(ref);
        place(ref);
    }

    function closeAll(except) {
        var open = document.querySelectorAll(".handbook-ref." + OPEN);
        for (var i = 0; i < open.length; i++) {
            if (open[i] !== except) {
                open[i].classList.remove(OPEN);
            }
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", makeTips);
    } else {
        makeTips();
    }

    document.addEventListener("mouseover", function (event) {
        var ref = refOf(event.target);
        if (ref && !ref.contains(event.relatedTarget)) {
            show(ref);
        }
    });

    document.addEventListener("mouseout", function (event) {
        var ref = refOf(event.target);
        if (ref && !ref.contains(event.relatedTarget)) {
            ref.classList.remove(DISMISSED);
        }
    });

    document.addEventListener("focusin", function (event) {
        var ref = refOf(event.target);
        if (ref) {
            show(ref);
        }
    });

    document.addEventListener("focusout", function (event) {
        var ref = refOf(event.target);
        if (ref && !ref.contains(event.relatedTarget)) {
            ref.classList.remove(OPEN, DISMISSED);
        }
    });

    document.addEventListener("pointerdown", function (event) {
        lastPointer = event.pointerType || "mouse";
    }, true);

    // On touch, the first tap on a reference shows its definition; a second
    // tap follows the link. A tap anywhere else closes it.
    document.addEventListener("click", function (event) {
        if (lastPointer !== "touch") {
            return;
        }
        var term = event.target.closest ? event.target.closest(".handbook-term") : null;
        var ref = refOf(term);
        if (!ref) {
            if (!refOf(event.target)) {
                closeAll(null);
                // The tapped term keeps the focus, and with it its tooltip.
                if (refOf(document.activeElement)) {
                    document.activeElement.blur();
                }
            }
            return;
        }
        if (!ref.classList.contains(OPEN)) {
            event.preventDefault();
            closeAll(ref);
            ref.classList.add(OPEN);
            show(ref);
        }
    });

    document.addEventListener("keydown", function (event) {
        if (event.key !== "Escape") {
            return;
        }
        var shown = shownRefs();
        for (var i = 0; i < shown.length; i++) {
            shown[i].classList.remove(OPEN);
            shown[i].classList.add(DISMISSED);
        }
    });

    // A pinned tooltip follows its reference when anything scrolls.
    var pending = false;
    function replace() {
        if (pending) {
            return;
        }
        pending = true;
        window.requestAnimationFrame(function () {
            pending = false;
            var shown = shownRefs();
            for (var i = 0; i < shown.length; i++) {
                place(shown[i]);
            }
        });
    }
    window.addEventListener("scroll", replace, { capture: true, passive: true });
    window.addEventListener("resize", replace, { passive: true });
})();
