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
