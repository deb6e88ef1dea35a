// The scan box: focused on every page load and by the "/" key (unless the user is typing in another field).
//
// A hardware scanner types its burst the moment the page shows, before the interactive page has taken over. When
// Blazor takes over it renders the scan box anew, losing the prerendered box's text and focus; so until then what is
// typed is kept here: Enter goes to /scan with it (the server resolves the barcode), and what is still pending when the
// page turns interactive is handed to the new box.
let interactive = false;
let pending = '';

const scanBox = () => document.getElementById('scan-box');
const isTyping = t => t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

window.tracseq = {
    focusScan: () => scanBox()?.focus(),
    interactive: () => {
        interactive = true;
        const box = scanBox();
        if (box && pending) {
            box.value = pending;
            box.dispatchEvent(new Event('input', { bubbles: true }));
        }
        pending = '';
        box?.focus();
    },
};

document.addEventListener('input', e => {
    if (!interactive && e.target?.id === 'scan-box') pending = e.target.value;
}, true);

document.addEventListener('keydown', e => {
    if (interactive || e.ctrlKey || e.metaKey || e.altKey) return;
    const inBox = e.target?.id === 'scan-box';
    // Keys that land on the page itself belong to a scan only once one has started (the box was replaced under it).
    if (!inBox && (isTyping(e.target) || !pending)) return;
    if (e.key === 'Enter') {
        if (!pending.trim()) return;
        e.preventDefault();
        location.assign('/scan?barcode=' + encodeURIComponent(pending.trim()));
    } else if (!inBox && e.key.length === 1) {
        e.preventDefault();
        pending += e.key;
    } else if (!inBox && e.key === 'Backspace') {
        e.preventDefault();
        pending = pending.slice(0, -1);
    }
}, true);

document.addEventListener('keydown', e => {
    if (e.defaultPrevented || e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
    e.preventDefault();
    window.tracseq.focusScan();
});
document.addEventListener('DOMContentLoaded', () => window.tracseq.focusScan());
