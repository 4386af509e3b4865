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
