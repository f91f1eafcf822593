// A chart's text alternative: its name, one sentence and its data as a table, built from the figure itself
// (every trace type our charts use), in the page's language. Under a chart on a phone or the console it is a
// closed "Ver los datos" section (with the data as a CSV file); on the projector's stage, for screen readers
// only. Labels are written as text (never as HTML): a participant's words stay words.
const WORDS = {
  es: { data: "Ver los datos", csv: "Descargar los datos (CSV)", series: "Serie", item: "Elemento", value: "Valor",
        from: "De", to: "A", chart: "Gráfica", rows: (n) => (n === 1 ? "1 dato" : `${n} datos`),
        empty: "Sin datos todavía." },
  en: { data: "See the data", csv: "Download the data (CSV)", series: "Series", item: "Item", value: "Value",
        from: "From", to: "To", chart: "Chart", rows: (n) => (n === 1 ? "1 value" : `${n} values`),
        empty: "No data yet." },
};

const words = () => WORDS[(document.documentElement.lang || "es").slice(0, 2)] || WORDS.es;

// Plot text is HTML-escaped with <br> line breaks: as plain words.
const plainText = (value) => {
  if (value === null || value === undefined) return "";
  const html = String(value).replace(/<br\s*\/?>/gi, " ").replace(/<[^>]*>/g, "");
  return new DOMParser().parseFromString(html, "text/html").documentElement.textContent.trim();
};

const number = (v) => (typeof v === "number" ? Math.round(v * 100) / 100 : plainText(v));
const titleOf = (part) => plainText(part && (typeof part.title === "string" ? part.title : part.title && part.title.text));

// {head, rows} of a figure's data.
export function tableOf(figure) {
  const w = words();
  const data = (figure && figure.data) || [];
  const layout = (figure && figure.layout) || {};
  const named = data.filter((t) => t.name).length > 1;
  const rows = [];
  let head = null;
  for (const t of data) {
    const series = named ? [plainText(t.name)] : [];
    if (t.type === "pie") {
      head = [w.item, w.value];
      (t.labels || []).forEach((label, i) => rows.push([plainText(label), number((t.values || [])[i])]));
    } else if (t.type === "sankey") {
      head = [w.from, w.to, w.value];
      const labels = (t.node && t.node.label) || [];
      const link = t.link || {};
      (link.source || []).forEach((s, i) => rows.push([plainText(labels[s]), plainText(labels[(link.target || [])[i]]),
                                                         number((link.value || [])[i])]));
    } else if (t.type === "indicator") {
      head = [w.item, w.value];
      rows.push([titleOf(t) || w.value, number(t.value)]);
    } else if (t.type === "scatterpolar" || t.type === "barpolar") {
      head = [...(named ? [w.series] : []), w.item, w.value];
      (t.theta || []).forEach((theta, i) => rows.push([...series, plainText(theta), number((t.r || [])[i])]));
    } else {  // bar, scatter: one row per point, with its label when it has one
      const horizontal = t.orientation === "h";
      const xs = t.x || [];
      const ys = t.y || [];
      const texts = Array.isArray(t.text) && String(t.mode || "").includes("text") ? t.text : null;
      // an axis of positions named by its ticks (a journey's moments): the names, not the positions
      const ticks = (axis) => {
        const vals = (axis && axis.tickvals) || [];
        const names = (axis && axis.ticktext) || [];
        return (v) => { const i = vals.indexOf(v); return i >= 0 && names[i] !== undefined ? plainText(names[i]) : number(v); };
      };
      const xText = ticks(layout.xaxis);
      const xName = titleOf(layout.xaxis) || "x";
      const yName = titleOf(layout.yaxis) || "y";
      head = horizontal ? [...(named ? [w.series] : []), w.item, xName === "x" ? w.value : xName]
                        : [...(named ? [w.series] : []), ...(texts ? [w.item] : []), xName, yName];
      const n = Math.max(xs.length, ys.length);
      for (let i = 0; i < n; i += 1) {
        rows.push(horizontal ? [...series, plainText(ys[i]), number(xs[i])]
                             : [...series, ...(texts ? [plainText(texts[i])] : []), xText(xs[i]), number(ys[i])]);
      }
    }
  }
  return { head: head || [w.item, w.value], rows };
}

const csvCell = (v) => {
  let s = String(v);
  if (typeof v !== "number" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;  // no formula in a spreadsheet
  return /[",\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

// Fill `box` (a <details>) with the chart's name, sentence, table and CSV link; returns the chart's name.
export function describe(box, figure, fallbackName) {
  const w = words();
  const name = titleOf((figure && figure.layout) || {}) || fallbackName || w.chart;
  const { head, rows } = tableOf(figure);
  const summary = document.createElement("summary");
  summary.textContent = w.data;
  const sentence = document.createElement("p");
  sentence.textContent = rows.length ? `${name}: ${w.rows(rows.length)}.` : `${name}: ${w.empty}`;
  const table = document.createElement("table");
  table.className = "cl-data-table";
  const caption = table.createCaption();
  caption.textContent = name;
  const tr = table.createTHead().insertRow();
  for (const h of head) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = h;
    tr.append(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const r = body.insertRow();
    for (const cell of row) r.insertCell().textContent = String(cell);
  }
  const csv = "\ufeff" + [head, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n");
  const link = document.createElement("a");
  link.className = "cl-link";
  link.download = `${name.replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "").slice(0, 60) || "datos"}.csv`;
  link.href = `data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`;
  link.textContent = w.csv;
  box.replaceChildren(summary, sentence, ...(rows.length ? [table, link] : []));
  return name;
}
