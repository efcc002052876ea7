// Blazor JS initializer (loaded by blazor.web.js from this server). It marks the moment the live connection (the
// circuit) is up, which is when clicks start doing something: end-to-end tests wait on window.argusCircuitStarted.
export function afterServerStarted() {
    window.argusCircuitStarted = true;
}

// Scrolls a list so that the item at `top` pixels (of height `height`) is in view, a third down from its top when it
// was not: the trace page's virtualized waterfall, when a link selects a span far down it.
window.argusScrollIntoView = (selector, top, height) => {
    const list = document.querySelector(selector);
    if (list && (top < list.scrollTop || top + height > list.scrollTop + list.clientHeight)) {
        list.scrollTop = Math.max(0, top - list.clientHeight / 3);
    }
};
