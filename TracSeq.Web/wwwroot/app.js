// The scan box: focused on every page load and by the "/" key (unless the user is typing in another field).
window.tracseq = {
    focusScan: () => document.getElementById('scan-box')?.focus(),
};
document.addEventListener('keydown', e => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    window.tracseq.focusScan();
});
document.addEventListener('DOMContentLoaded', () => window.tracseq.focusScan());
