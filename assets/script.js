/* scripts: the reader's details fill every placeholder, copy as text, rehearsal mode */
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

    function valueOf(label) {
        var v = values[label];
        return typeof v === 'string' ? v.trim() : '';
    }

    function inputs() {
        return document.querySelectorAll('.handbook-details input[data-placeholder]');
    }

    // Shows every placeholder, form field and progress count as the details say.
    function paint(except) {
        each(document.querySelectorAll('.handbook-placeholder'), function (el) {
            var label = el.getAttribute('data-placeholder');
            var v = valueOf(label);
            el.textContent = v || label;
            el.classList.toggle('handbook-placeholder-filled', v !== '');
            el.classList.toggle('handbook-placeholder-empty', v === '');
        });
        each(inputs(), function (input) {
            var v = values[input.getAttribute('data-placeholder')] || '';
            if (input !== except && input.value !== v) {
                input.value = v;
            }
        });
        each(document.querySelectorAll('.handbook-details'), function (details) {
            var fields = details.querySelectorAll('input[data-placeholder]');
            var filled = 0;
            each(fields, function (input) {
                if (valueOf(input.getAttribute('data-placeholder'))) {
                    filled += 1;
                }
            });
            var progress = details.querySelector('.handbook-details-progress');
            if (progress) {
                progress.textContent = '(' + filled + ' of ' + fields.length + ' filled in)';
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
        each(clone.querySelectorAll('.handbook-placeholder'), function (ph) {
            var label = ph.getAttribute('data-placeholder');
            ph.textContent = valueOf(label) || '[' + label + ']';
        });
        each(clone.querySelectorAll('[hidden], [role="tooltip"], [aria-hidden="true"], .handbook-script-sr, button, script, style, template'), function (n) {
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
        each(script.querySelectorAll('.handbook-script-beat'), function (beat) {
            var lines = [];
            each(beat.children, function (item) {
                if (item.classList.contains('handbook-line')) {
                    var text = item.querySelector('.handbook-line-text');
                    lines.push(item.getAttribute('data-speaker') + ': ' + plain(text));
                } else if (item.classList.contains('handbook-direction')) {
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
                box = document.createElement('textarea');
                box.className = 'handbook-script-copybox';
                box.setAttribute('readonly', '');
                box.setAttribute('aria-label', 'The script as text');
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
        each(script.querySelectorAll('.handbook-line'), function (line) {
            line.classList.remove('handbook-line-hidden', 'handbook-line-revealed');
        });
        var next = script.querySelector('.handbook-script-next');
        script.classList.toggle('handbook-rehearsing', speaker !== '');
        if (speaker === '') {
            next.hidden = true;
            status(script, 'Showing every line.');
            return;
        }
        var hidden = 0;
        each(script.querySelectorAll('.handbook-line'), function (line) {
            if (line.getAttribute('data-speaker') !== speaker) {
                return;
            }
            hidden += 1;
            line.classList.add('handbook-line-hidden');
            var button = document.createElement('button');
            button.type = 'button';
            button.className = 'handbook-reveal';
            button.textContent = 'Say it, then reveal';
            button.setAttribute('aria-label', 'Hidden line of ' + speaker + ', press to reveal');
            line.querySelector('.handbook-speaker').after(button);
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
        line.classList.remove('handbook-line-hidden');
        line.classList.add('handbook-line-revealed');
        var text = plain(line.querySelector('.handbook-line-text'));
        var rest = script.querySelectorAll('.handbook-line-hidden');
        var next = script.querySelector('.handbook-script-next');
        if (rest.length === 0) {
            next.disabled = true;
            status(script, line.getAttribute('data-speaker') + ': ' + text + ' (last line: every line is revealed)');
            if (focusNext) {
                script.querySelector('.handbook-script-rehearse select').focus();
            }
            return;
        }
        status(script, line.getAttribute('data-speaker') + ': ' + text);
        if (focusNext) {
            rest[0].querySelector('.handbook-reveal').focus();
        }
    }

    function setUp(script) {
        if (script.hasAttribute('data-handbook-ready')) {
            return;
        }
        script.setAttribute('data-handbook-ready', '');
        each(script.querySelectorAll('.handbook-script-tools, .handbook-details'), function (el) {
            el.hidden = false;
        });
        var select = script.querySelector('.handbook-script-rehearse select');
        if (select) {
            select.value = '';
            select.addEventListener('change', function () {
                rehearse(script, select.value);
            });
        }
        script.addEventListener('click', function (e) {
            var target = e.target;
            if (target.closest('.handbook-script-copy')) {
                copy(script);
            } else if (target.closest('.handbook-script-next')) {
                var first = script.querySelector('.handbook-line-hidden');
                if (first) {
                    reveal(first, false);
                }
            } else if (target.closest('.handbook-reveal')) {
                reveal(target.closest('.handbook-line'), true);
            } else if (target.closest('.handbook-details-clear')) {
                values = {};
                save();
                paint(null);
                status(script, 'Your details are cleared.');
            } else if (target.closest('.handbook-placeholder')) {
                openDetails(script, target.closest('.handbook-placeholder').getAttribute('data-placeholder'));
            }
        });
    }

    // Clicking a placeholder opens the script's details at its field.
    function openDetails(script, label) {
        var details = script.querySelector('.handbook-details');
        if (!details) {
            return;
        }
        details.open = true;
        each(details.querySelectorAll('input[data-placeholder]'), function (input) {
            if (input.getAttribute('data-placeholder') === label) {
                input.focus();
            }
        });
    }

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
        each(document.querySelectorAll('.handbook-script'), setUp);
        paint(null);
    }

    // The print page holds every chapter: wait for all of them.
    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
})();
