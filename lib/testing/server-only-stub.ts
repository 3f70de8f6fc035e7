// Vitest alias target for `server-only`: tests run in Node, where the real module would throw.
export {};
