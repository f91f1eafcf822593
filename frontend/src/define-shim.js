// anywidget's published bundle ends with an AMD call: define(["@jupyter-widgets/base"], factory).
// This stands in for an AMD loader and keeps the factory, which index.js calls with the base module.
export let anywidgetFactory = null;
globalThis.define = (deps, factory) => { anywidgetFactory = factory; };
globalThis.define.amd = true;
