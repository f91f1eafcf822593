"""The pieces every app is built from: blocks (cards, notices, headings), radio groups, rows and walls, the chart
widget and the charts' shared look, text escaping, the browser bridge, QR codes."""
