"""Glossary: the domain's Chinese terms and the names the code uses for them.

| 中文 | code | meaning |
| --- | --- | --- |
| 产业链 | chain | one of the city's key industrial chains |
| 环节 / 节点 | segment | one link of a chain (上游 upstream, 中游 midstream, 下游 downstream) |
| 链主企业 | leader (LEADS) | an enterprise anchoring a chain locally |
| 链长办公室 | chain office (OVERSEES) | the office a city leader heads for one chain |
| 补链 | fill | attract enterprises for segments missing locally |
| 强链 | strengthen | reinforce segments that exist but are thin |
| 延链 | extend | grow into adjacent segments, also of neighbouring chains |
| 以商招商 | group presence | approach the group of an enterprise already here |
| 本地配套率 | local supporting rate | share of an enterprise's direct upstream segments with a local supplier |
| 央企 | central_soe_group | a group owned by the central government (SASAC) |
| 子公司 | subsidiary (SUBSIDIARY_OF) | owned by a parent, often several levels deep |
| 园区 | park | development zone, industrial park or base |
| 招商线索 | lead / candidate | a fact proposed from news, awaiting review |
"""

from __future__ import annotations

GAP_KINDS = {"fill": "补链", "strengthen": "强链", "extend": "延链"}
