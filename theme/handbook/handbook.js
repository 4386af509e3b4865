/* Shared by the handbook's directives: copying text to the clipboard. */
(function () {
    "use strict";
    if (window.handbookCopyText) {
        return;
    }

    // The older copy command, for pages where the Clipboard API is refused.
    function copyByCommand(text) {
        var area = document.createElement("textarea");
        area.value = text;
        area.setAttribute("readonly", "");
        area.style.position = "fixed";
        area.style.top = "0";
        area.style.opacity = "0";
        document.body.appendChild(area);
        area.select();
        var ok = false;
        try {
            ok = document.execCommand("copy");
        } catch (e) {
            ok = false;
        }
        document.body.removeChild(area);
        return ok;
    }

    // Resolves to whether `text` reached the clipboard.
    window.handbookCopyText = function (text) {
        if (navigator.clipboard && navigator.clipboard.writeText) {
            return navigator.clipboard.writeText(text).then(
                function () {
                    return true;
                },
                function () {
                    return copyByCommand(text);
                }
            );
        }
        return Promise.resolve(copyByCommand(text));
    };
})();
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
/* scripts: the reader's details fill every placeholder, copy as text, rehearsal mode.
   The page carries only the dialogue; every control that needs JavaScript is
   built here: each script's tools, and one "Your details" form per page with
   a field for each placeholder on it (its hint is the placeholder's title).
   The dialogue's markup is lean: a line is
   `<p class="hb-line hb-sN"><b>Speaker:</b> <span>text</span></p>`, a
   direction `<p class="hb-dir">`, a placeholder `<span class="hb-ph">[Label]</span>`;
   the speaker and the label are read from the text. */
(function () {
    'use strict';
    if (window.handbookScriptsReady) {
        return;
    }
    window.handbookScriptsReady = true;

    // The reader's details, one record per book (books may share an origin).
    var KEY = 'handbook-placeholders:' + bookRoot();
    var values = load();

    function bookRoot() {
        var root = '';
        try {
            /* global path_to_root: defined by mdBook's page template */
            root = typeof path_to_root === 'string' ? path_to_root : '';
        } catch (e) {
            root = '';
        }
        try {
            return new URL(root || './', window.location.href).pathname;
        } catch (e) {
            return '/';
        }
    }

    function load() {
        try {
            var parsed = JSON.parse(window.localStorage.getItem(KEY) || '{}');
            return parsed && typeof parsed === 'object' ? parsed : {};
        } catch (e) {
            return {};
        }
    }

    function save() {
        try {
            window.localStorage.setItem(KEY, JSON.stringify(values));
        } catch (e) {
            /* private mode: the details last until the page is left */
        }
    }

    function each(list, f) {
        Array.prototype.forEach.call(list, f);
    }

    // `<tag class="...">text</tag>` with attributes.
    function make(tag, className, text, attrs) {
        var el = document.createElement(tag);
        if (className) {
            el.className = className;
        }
        if (text) {
            el.textContent = text;
        }
        Object.keys(attrs || {}).forEach(function (name) {
            el.setAttribute(name, attrs[name]);
        });
        return el;
    }

    function valueOf(label) {
        var v = values[label];
        return typeof v === 'string' ? v.trim() : '';
    }

    function placeholders() {
        return document.querySelectorAll('.hb-ph[data-placeholder]');
    }

    // A line's speaker: its name, less the colon after it.
    function speakerOf(line) {
        var name = line.querySelector(':scope > b');
        return name ? name.textContent.replace(/:$/, '') : '';
    }

    // A line's text, after the speaker's name.
    function textOf(line) {
        return line.querySelector(':scope > span');
    }

    function inputs() {
        return document.querySelectorAll('.handbook-details input[data-placeholder]');
    }

    // Shows every placeholder, form field and the progress as the details say.
    function paint(except) {
        each(placeholders(), function (el) {
            var label = el.getAttribute('data-placeholder');
            var v = valueOf(label);
            el.textContent = v || label;
            el.classList.toggle('hb-ph-filled', v !== '');
            el.classList.toggle('hb-ph-empty', v === '');
            el.setAttribute('aria-label', v ? v + ' (' + label + ', change)' : label + ' (blank, fill in)');
        });
        var filled = 0;
        each(inputs(), function (input) {
            var label = input.getAttribute('data-placeholder');
            var v = values[label] || '';
            if (input !== except && input.value !== v) {
                input.value = v;
            }
            if (valueOf(label)) {
                filled += 1;
            }
        });
        var progress = document.querySelector('.handbook-details-progress');
        if (progress) {
            progress.textContent = '(' + filled + ' of ' + inputs().length + ' filled in)';
        }
    }

    // A blank is a control: Enter, Space or a click opens its field. Its
    // label is the text in its brackets, kept before a value replaces it.
    function setUpPlaceholder(el) {
        if (!el.hasAttribute('data-placeholder')) {
            el.setAttribute('data-placeholder', el.textContent.replace(/^\[|\]$/g, ''));
        }
        el.setAttribute('role', 'button');
        el.setAttribute('tabindex', '0');
    }

    // The one "Your details" form of the page: a field per placeholder label,
    // in the order they first appear, put before the first script that uses one.
    function buildDetails() {
        var first = document.querySelector('.handbook-script .hb-ph[data-placeholder]');
        if (!first) {
            return;
        }
        var details = make('details', 'handbook-details');
        var summary = make('summary', '', 'Your details ');
        summary.appendChild(make('span', 'handbook-details-progress'));
        details.appendChild(summary);
        var form = make('form', 'handbook-details-form', '', { action: '#' });
        form.appendChild(make('p', 'handbook-details-intro',
            'Fill these in once: every script in this book shows them. They are saved in this browser only.'));
        var seen = {};
        each(placeholders(), function (ph) {
            var label = ph.getAttribute('data-placeholder');
            if (!Object.prototype.hasOwnProperty.call(seen, label)) {
                seen[label] = true;
                form.appendChild(field(Object.keys(seen).length, label, ph.getAttribute('title') || ''));
            }
        });
        var actions = make('p', 'handbook-details-actions');
        actions.appendChild(make('button', 'handbook-details-clear', 'Clear my details', { type: 'button' }));
        actions.appendChild(make('span', 'handbook-details-status', '', { role: 'status' }));
        form.appendChild(actions);
        details.appendChild(form);
        var script = first.closest('.handbook-script');
        script.parentNode.insertBefore(details, script);
    }

    function field(n, label, hint) {
        var id = 'handbook-detail-' + n;
        var p = make('p', 'handbook-details-field');
        p.appendChild(make('label', '', label, { for: id }));
        var input = make('input', '', '', {
            type: 'text', id: id, 'data-placeholder': label, spellcheck: 'false', autocomplete: 'off'
        });
        p.appendChild(input);
        if (hint) {
            input.setAttribute('aria-describedby', id + '-hint');
            p.appendChild(make('span', 'handbook-details-hint', hint, { id: id + '-hint' }));
        }
        return p;
    }

    // Opens the form at the field of `label`.
    function openDetails(label) {
        var details = document.querySelector('.handbook-details');
        if (!details) {
            return;
        }
        details.open = true;
        each(inputs(), function (input) {
            if (input.getAttribute('data-placeholder') === label) {
                input.focus();
            }
        });
    }

    function status(script, message) {
        var el = script.querySelector('.handbook-script-status');
        if (el) {
            el.textContent = message;
        }
    }

    // The plain text of an element, placeholders filled in, without the
    // parts only screen readers or the interactive page need.
    function plain(el) {
        var clone = el.cloneNode(true);
        each(clone.querySelectorAll('.hb-ph'), function (ph) {
            var label = ph.getAttribute('data-placeholder');
            ph.textContent = valueOf(label) || '[' + label + ']';
        });
        each(clone.querySelectorAll('[hidden], [role="tooltip"], [aria-hidden="true"], button, script, style, template'), function (n) {
            n.parentNode.removeChild(n);
        });
        return clone.textContent.replace(/\s+/g, ' ').trim();
    }

    // The script as text: `Speaker: text` lines, directions in parentheses,
    // a blank line between beats.
    function scriptText(script) {
        var blocks = [];
        var title = script.querySelector('.handbook-script-title');
        if (title) {
            blocks.push(plain(title));
        }
        each(script.querySelectorAll('.hb-beat'), function (beat) {
            var lines = [];
            each(beat.children, function (item) {
                if (item.classList.contains('hb-line')) {
                    lines.push(speakerOf(item) + ': ' + plain(textOf(item)));
                } else if (item.classList.contains('hb-dir')) {
                    lines.push(plain(item));
                }
            });
            if (lines.length) {
                blocks.push(lines.join('\n'));
            }
        });
        return blocks.join('\n\n') + '\n';
    }

    function copy(script) {
        var text = scriptText(script);
        var lines = text.split('\n').filter(function (l) { return l.trim() !== ''; }).length;
        var done = function (ok) {
            var box = script.querySelector('.handbook-script-copybox');
            if (ok) {
                if (box) {
                    box.parentNode.removeChild(box);
                }
                status(script, 'Copied ' + lines + ' lines to the clipboard.');
                return;
            }
            // No clipboard access: show the text to copy by hand.
            if (!box) {
                box = make('textarea', 'handbook-script-copybox', '', { readonly: '', 'aria-label': 'The script as text' });
                script.querySelector('.handbook-script-tools').after(box);
            }
            box.value = text;
            box.focus();
            box.select();
            status(script, 'Copying is blocked here: the text is selected below, press Ctrl+C (or \u2318C) to copy it.');
        };
        window.handbookCopyText(text).then(done);
    }

    // Rehearsal: the chosen speaker's lines are hidden behind buttons and
    // revealed one at a time.
    function rehearse(script, speaker) {
        each(script.querySelectorAll('.handbook-reveal'), function (b) {
            b.parentNode.removeChild(b);
        });
        each(script.querySelectorAll('.hb-line'), function (line) {
            line.classList.remove('hb-line-hidden', 'hb-line-revealed');
        });
        var next = script.querySelector('.handbook-script-next');
        script.classList.toggle('handbook-rehearsing', speaker !== '');
        if (speaker === '') {
            next.hidden = true;
            status(script, 'Showing every line.');
            return;
        }
        var hidden = 0;
        each(script.querySelectorAll('.hb-line'), function (line) {
            if (speakerOf(line) !== speaker) {
                return;
            }
            hidden += 1;
            line.classList.add('hb-line-hidden');
            // The speaker's name, just before it, says whose line it is.
            var button = make('button', 'handbook-reveal', 'Say it, then reveal', { type: 'button' });
            line.querySelector(':scope > b').after(button);
        });
        next.hidden = false;
        next.disabled = hidden === 0;
        status(script, hidden + (hidden === 1 ? ' line' : ' lines') + ' of ' + speaker + ' hidden: say each one, then reveal it.');
    }

    function reveal(line, focusNext) {
        var script = line.closest('.handbook-script');
        var button = line.querySelector('.handbook-reveal');
        if (button) {
            button.parentNode.removeChild(button);
        }
        line.classList.remove('hb-line-hidden');
        line.classList.add('hb-line-revealed');
        var text = plain(textOf(line));
        var rest = script.querySelectorAll('.hb-line-hidden');
        var next = script.querySelector('.handbook-script-next');
        if (rest.length === 0) {
            next.disabled = true;
            status(script, speakerOf(line) + ': ' + text + ' (last line: every line is revealed)');
            if (focusNext) {
                script.querySelector('.handbook-script-rehearse select').focus();
            }
            return;
        }
        status(script, speakerOf(line) + ': ' + text);
        if (focusNext) {
            rest[0].querySelector('.handbook-reveal').focus();
        }
    }

    // The speakers, in cast order (or in order of speaking, for a template
    // without the cast line).
    function castOf(script) {
        var names = [];
        var add = function (name) {
            if (name && names.indexOf(name) < 0) {
                names.push(name);
            }
        };
        each(script.querySelectorAll('.handbook-script-cast > span'), function (c) {
            add(c.textContent.trim());
        });
        each(script.querySelectorAll('.hb-line'), function (line) {
            add(speakerOf(line));
        });
        return names;
    }

    // Copy, rehearse, reveal next and the status line, after the cast.
    function buildTools(script) {
        var tools = make('div', 'handbook-script-tools');
        tools.appendChild(make('button', 'handbook-script-copy', 'Copy as text', { type: 'button' }));
        var label = make('label', 'handbook-script-rehearse', 'Rehearse as ');
        var select = make('select');
        select.appendChild(make('option', '', 'nobody (show every line)', { value: '' }));
        castOf(script).forEach(function (name) {
            var option = make('option', '', name);
            option.value = name;
            select.appendChild(option);
        });
        label.appendChild(select);
        tools.appendChild(label);
        var next = make('button', 'handbook-script-next', 'Reveal next line', { type: 'button' });
        next.hidden = true;
        tools.appendChild(next);
        tools.appendChild(make('span', 'handbook-script-status', '', { role: 'status' }));
        var after = script.querySelector('.handbook-script-cast') || script.querySelector('.handbook-script-title');
        if (after && after.parentNode === script) {
            after.after(tools);
        } else {
            script.insertBefore(tools, script.firstChild);
        }
        select.addEventListener('change', function () {
            rehearse(script, select.value);
        });
    }

    function setUp(script) {
        if (script.hasAttribute('data-handbook-ready')) {
            return;
        }
        script.setAttribute('data-handbook-ready', '');
        buildTools(script);
        script.addEventListener('click', function (e) {
            var target = e.target;
            if (target.closest('.handbook-script-copy')) {
                copy(script);
            } else if (target.closest('.handbook-script-next')) {
                var first = script.querySelector('.hb-line-hidden');
                if (first) {
                    reveal(first, false);
                }
            } else if (target.closest('.handbook-reveal')) {
                reveal(target.closest('.hb-line'), true);
            }
        });
    }

    document.addEventListener('click', function (e) {
        var target = e.target;
        if (!target.closest) {
            return;
        }
        var ph = target.closest('.hb-ph[role="button"]');
        if (ph) {
            openDetails(ph.getAttribute('data-placeholder'));
        } else if (target.closest('.handbook-details-clear')) {
            values = {};
            save();
            paint(null);
            var done = document.querySelector('.handbook-details-status');
            if (done) {
                done.textContent = 'Your details are cleared.';
            }
        }
    });

    document.addEventListener('keydown', function (e) {
        var ph = e.target.closest && e.target.closest('.hb-ph[role="button"]');
        if (ph && (e.key === 'Enter' || e.key === ' ')) {
            e.preventDefault();
            openDetails(ph.getAttribute('data-placeholder'));
        }
    });

    document.addEventListener('input', function (e) {
        var input = e.target;
        if (!input.matches || !input.matches('.handbook-details input[data-placeholder]')) {
            return;
        }
        var label = input.getAttribute('data-placeholder');
        if (input.value.trim() === '') {
            delete values[label];
        } else {
            values[label] = input.value;
        }
        save();
        paint(input);
    });

    document.addEventListener('submit', function (e) {
        if (e.target.matches && e.target.matches('.handbook-details-form')) {
            e.preventDefault();
        }
    });

    // Details changed in another tab.
    window.addEventListener('storage', function (e) {
        if (e.key === KEY || e.key === null) {
            values = load();
            paint(null);
        }
    });

    function init() {
        each(document.querySelectorAll('.hb-ph'), setUpPlaceholder);
        each(document.querySelectorAll('.handbook-script'), setUp);
        if (!document.querySelector('.handbook-details')) {
            buildDetails();
        }
        paint(null);
    }

    // The print page holds every chapter: wait for all of them.
    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
})();
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
