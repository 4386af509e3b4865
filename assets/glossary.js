/* Glossary references: the tooltip is in the page already and CSS shows it
   on hover and focus. This adds tap-to-show on touch screens (a second tap
   follows the link), Escape to dismiss, and keeps the tooltip inside the
   viewport. */
(function () {
    "use strict";
    if (window.handbookGlossary) {
        return;
    }
    window.handbookGlossary = true;

    var OPEN = "handbook-ref-open";
    var DISMISSED = "handbook-ref-dismissed";
    var ABOVE = "handbook-tip-above";
    var MARGIN = 8;
    var lastPointer = "mouse";

    function refOf(node) {
        return node && node.closest ? node.closest(".handbook-ref") : null;
    }

    // Moves the tooltip back inside the viewport: sideways when it sticks
    // out left or right, above the reference when there is no room below.
    function place(ref) {
        var tip = ref.querySelector(".handbook-term-tip");
        if (!tip) {
            return;
        }
        ref.classList.remove(ABOVE);
        tip.style.removeProperty("--handbook-tip-shift");
        var rect = tip.getBoundingClientRect();
        var width = document.documentElement.clientWidth;
        var shift = 0;
        if (rect.right > width - MARGIN) {
            shift = width - MARGIN - rect.right;
        }
        if (rect.left + shift < MARGIN) {
            shift = MARGIN - rect.left;
        }
        if (shift !== 0) {
            tip.style.setProperty("--handbook-tip-shift", Math.round(shift) + "px");
        }
        var below = window.innerHeight - rect.bottom;
        var anchor = ref.getBoundingClientRect();
        if (below < MARGIN && anchor.top - rect.height - MARGIN > 0) {
            ref.classList.add(ABOVE);
        }
    }

    function closeAll(except) {
        var open = document.querySelectorAll(".handbook-ref." + OPEN);
        for (var i = 0; i < open.length; i++) {
            if (open[i] !== except) {
                open[i].classList.remove(OPEN);
            }
        }
    }

    function show(ref) {
        ref.classList.remove(DISMISSED);
        place(ref);
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
        var term = event.target.closest ? event.target.closest(".handbook-term") : null;
        var ref = refOf(term);
        if (lastPointer !== "touch") {
            return;
        }
        if (!ref) {
            if (!refOf(event.target)) {
                closeAll(null);
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
        var shown = document.querySelectorAll(
            ".handbook-ref:hover, .handbook-ref:focus-within, .handbook-ref." + OPEN
        );
        for (var i = 0; i < shown.length; i++) {
            shown[i].classList.remove(OPEN);
            shown[i].classList.add(DISMISSED);
        }
    });
})();
