"""The HTML around the graph: one self-contained file, vis-network inlined, nothing fetched.

pyvis' own template links Bootstrap from a CDN whatever ``cdn_resources`` says, so the pages use
this one instead: vis-network's JavaScript and CSS (read from the copy pyvis ships) go inline, the
legend and notes are plain HTML, and the script marks ``<body data-drawn="1">`` once the canvas has
been drawn, which is what the browser test waits for.
"""

from __future__ import annotations

__all__ = ["ERROR_TEMPLATE", "PAGE_TEMPLATE"]

_STYLE = """
html, body { margin: 0; height: 100%; font-family: {{ font|safe }}; color: #212121; background: #fafafa; }
body { display: flex; flex-direction: column; }
header { padding: 10px 18px 6px; border-bottom: 1px solid #e0e0e0; background: #ffffff; }
header h1 { margin: 0 0 4px; font-size: 20px; }
header p { margin: 2px 0; font-size: 13px; color: #455a64; }
main { flex: 1; display: flex; min-height: 0; }
#graph { flex: 1; min-width: 0; background: #ffffff; }
aside { width: 270px; overflow-y: auto; padding: 10px 14px; border-left: 1px solid #e0e0e0; font-size: 13px; }
aside h2 { font-size: 14px; margin: 10px 0 6px; }
ul.legend, ul.notes { list-style: none; margin: 0; padding: 0; }
ul.legend li { display: flex; align-items: center; gap: 8px; margin: 3px 0; }
ul.notes li { margin: 4px 0; color: #5d4037; }
p.hint { color: #757575; font-size: 12px; }
.error { margin: 24px; max-width: 760px; }
.error code { background: #eceff1; padding: 1px 4px; }
div.vis-tooltip { white-space: pre-wrap; max-width: 460px; font-family: {{ font|safe }}; font-size: 12px;
  line-height: 1.45; padding: 6px 8px; }
"""

PAGE_TEMPLATE = (
    """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="chainkg">
<title>{{ title }}</title>
<style>{{ vis_css }}</style>
<style>"""
    + _STYLE
    + """</style>
<script>{{ vis_js }}</script>
</head>
<body data-page="{{ kind }}">
<header>
<h1>{{ title }}</h1>
{% for line in summary %}<p>{{ line }}</p>
{% endfor %}</header>
<main>
<div id="graph" role="img" aria-label="{{ title }}"></div>
<aside>
<h2>图例 Legend</h2>
<ul class="legend">
{% for item in legend %}<li>{{ item.swatch }}<span>{{ item.label }}</span></li>
{% endfor %}</ul>
{% if notes %}<h2>说明 Notes</h2>
<ul class="notes">
{% for note in notes %}<li>{{ note }}</li>
{% endfor %}</ul>{% endif %}
<p class="hint">悬停节点或连线查看要点与来源；滚轮缩放，拖动平移{% if nav %}；双击节点打开它的邻域{% endif %}。</p>
</aside>
</main>
<script>
(function () {
  var container = document.getElementById("graph");
  var data = {nodes: new vis.DataSet({{ nodes|tojson }}), edges: new vis.DataSet({{ edges|tojson }})};
  var network = new vis.Network(container, data, {{ options|tojson }});
  window.chainkg = {network: network, data: data};
  network.once("afterDrawing", function () {
    window.requestAnimationFrame(function () { document.body.setAttribute("data-drawn", "1"); });
  });
  network.fit({animation: false});
{% if nav %}  var nav = {{ nav|tojson }};
  network.on("doubleClick", function (params) {
    if (params.nodes.length && String(params.nodes[0]).indexOf("more:") !== 0) {
      window.location.href = nav + encodeURIComponent(params.nodes[0]);
    }
  });
{% endif %}})();
</script>
</body>
</html>
"""
)

ERROR_TEMPLATE = (
    """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="generator" content="chainkg">
<title>{{ title }}</title>
<style>"""
    + _STYLE
    + """</style>
</head>
<body data-page="error" data-error="{{ code }}">
<header><h1>{{ title }}</h1></header>
<div class="error">
<p>{{ message }}</p>
{% if hints %}<p>缩小范围 Narrow it:</p>
<ul>{% for hint in hints %}<li>{{ hint }}</li>{% endfor %}</ul>{% endif %}
{% if suggestions %}<p>您是否要找 Did you mean:</p>
<ul>{% for s in suggestions %}<li>{{ s.name }} <code>{{ s.id }}</code></li>{% endfor %}</ul>{% endif %}
</div>
</body>
</html>
"""
)
