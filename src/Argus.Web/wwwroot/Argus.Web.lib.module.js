// Blazor JS initializer (loaded by blazor.web.js from this server). It marks the moment the live connection (the
// circuit) is up, which is when clicks start doing something: end-to-end tests wait on window.argusCircuitStarted.
export function afterServerStarted() {
    window.argusCircuitStarted = true;
}
