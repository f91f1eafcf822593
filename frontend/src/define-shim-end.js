// Imported right after anywidget: no other module may see the stand-in AMD loader (Backbone's UMD
// wrapper, for one, would register itself with it instead of exporting).
delete globalThis.define;
