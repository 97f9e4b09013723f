"""The words investment news uses, in one place: what ends a company name, what makes a project
generic, which verbs mark a status, which labels make an amount an investment.

Extraction is rule-based so that every candidate can be explained by the sentence it came from; the
rules are only as good as these lists. They are written against simplified, half-width text (what
:mod:`chainkg.loaders.news.text` produces). Add a word here, not a special case in the matcher.
"""

from __future__ import annotations

import re

from chainkg.schema.kinds import ProjectStatus

__all__ = [
    "AGGREGATE_LABELS",
    "BARE_SUFFIXES",
    "COMPANY_SUFFIXES",
    "COUNT_DIGIT",
    "COUNT_DIGITS",
    "FUTURE_MARKERS",
    "GENERIC_PROJECT_WORDS",
    "INDUSTRY_WORDS",
    "INVEST_LABELS",
    "LIST_VERBS",
    "MEASURE_AFTER_NUMBER",
    "NAME_STOPS",
    "NON_INVEST_LABELS",
    "OTHER_CURRENCY",
    "PARK_SUFFIXES",
    "PERIOD_INVEST_LABELS",
    "PLACE_PREFIXES",
    "PROJECT_NOUN_STOPS",
    "PROJECT_STOPS",
    "RELATION_AFTER",
    "RELATION_BETWEEN",
    "SECTOR_WORDS",
    "STATUS_WORDS",
    "WEAK_BIGRAMS",
]

#: The characters a count of items is written in (4个, 十余项, 两批, 几个): Arabic digits, Chinese numerals and 几;
#: as the inside of a character class (for classes that add to it or negate it) and as the class itself.
COUNT_DIGITS = r"\d一二三四五六七八九十两几"
COUNT_DIGIT = rf"[{COUNT_DIGITS}]"

#: Legal-form endings of enterprise names, longest first.
COMPANY_SUFFIXES: tuple[str, ...] = (
    "集团股份有限公司",
    "集团有限责任公司",
    "股份有限公司",
    "集团有限公司",
    "有限责任公司",
    "有限公司",
    "株式会社",
    "股份公司",
    "集团公司",
    "集团",
    "公司",
)
#: Endings that are words in their own right (集团在夏津…): a name needs more evidence to end in them.
BARE_SUFFIXES = frozenset({"集团", "公司", "集团公司"})

#: Words that end the text to the left of a name (the name starts after them). Checked longest first.
NAME_STOPS: tuple[str, ...] = tuple(
    sorted(
        {
            "央企", "国企", "民企", "外企", "企业", "龙头企业", "本地企业", "上市公司", "子公司", "公司", "全资",
            "控股", "旗下", "下属", "所属", "由", "与", "及", "跟", "向", "在", "是", "的", "了", "将", "把", "被",
            "等", "其中", "其", "引进", "引入", "签约", "签订", "签署", "投资", "出资", "建设", "落户", "入驻",
            "携手", "依托", "包括", "该", "这", "此", "拜访", "走访", "对接", "考察", "洽谈", "合作", "代表团",
            "负责人", "董事长", "总经理", "记者", "通讯员", "以及", "还有", "看到", "观摩", "查看", "获悉", "介绍",
            "表示", "完善", "推动", "支持", "带动", "服务", "帮助", "推进", "加快", "打造", "培育", "引导", "鼓励",
            "成立", "设立", "组建", "成为", "作为", "就", "也", "都", "已经", "正在", "目前", "同时", "此外",
            "另外", "据悉", "据了解", "近日", "为", "项目", "举行", "举办", "召开", "位于", "选址", "于", "地处",
            "坐落", "今年", "去年", "明年", "上午", "下午", "亿元", "万元", "美元", "开工", "动工", "投产", "竣工",
            "奠基", "集中", "开业",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip

#: Words that end the text to the left of a project name.
PROJECT_STOPS: tuple[str, ...] = tuple(
    sorted(
        {
            "的", "了", "在", "为", "是", "将", "由", "把", "对", "向", "从", "等", "该", "这", "其", "此", "观摩",
            "查看", "包括", "还有", "建设", "新建", "兴建", "筹建", "投资", "实施", "打造", "推进", "签约", "签订",
            "签署", "开工", "启动", "落户", "引进", "引入", "作为", "其中", "就", "拟", "计划", "预计", "上马",
            "承建", "参与", "入选", "列入", "洽谈", "谈判", "意向", "看到", "以及", "现场", "推动", "加快", "围绕",
            "聚焦", "对接", "达成", "促成", "即", "举行", "举办", "召开", "开展", "组织", "完成", "需要",
            "加大", "加强", "提供", "论证", "搜集", "协调", "取得", "确保", "保证", "坚持", "搬到", "以", "正以",
            "暨", "谋划", "储备", "招引", "争取", "服务", "带动", "支持", "成为", "促进", "做好", "抓好", "优化",
            "是否", "包装", "跟踪", "督导", "调度", "观摩了", "查看了", "项目", "以上", "宣布", "制定", "在谈",
            "提高", "提升", "保障", "投建",
            # verbs of the sentence, never inside a name (…代表团参加|招商引资项目, 副县长…见证|项目)
            "参加", "出席", "见证", "重视", "掀起", "大抓", "抓", "携带", "完善", "健全", "帮助", "占", "透过",
            "新签", "都有", "共有", "拥有", "迎来", "吸引", "涌现", "汇报", "介绍", "获悉", "了解",
            "关注", "发布", "参观", "调研", "审议", "新注册", "注册", "他们", "我们",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip

#: Stop words that may end a project name (城市道路建设项目): next to 项目 they do not make it a verb phrase.
PROJECT_NOUN_STOPS = frozenset({"建设", "新建", "兴建", "筹建", "投资", "实施"})

#: A project mention whose name, minus 项目, consists only of these words names no particular project.
GENERIC_PROJECT_WORDS: tuple[str, ...] = tuple(
    sorted(
        {
            "重点", "重大", "招商引资", "招商", "引资", "投资", "大", "好", "优质", "在建", "续建", "新建", "新开工",
            "开工", "签约", "新签约", "集中签约", "竣工", "新竣工", "产业", "配套", "亿元以上", "过亿元", "亿元",
            "千万元", "市级", "省级", "省市级", "国家级", "国家", "以上", "挂图作战", "平台", "标杆", "一批", "各类",
            "补链", "延链", "强链", "工业", "外资", "内资", "台资", "实体", "储备", "谋划", "技改", "高精尖科技",
            "科技", "建设", "重点建设", "民生", "基础设施", "该", "本", "此", "这些", "这个", "等", "新", "个",
            "多", "的", "一", "二", "三", "四", "期", "其他", "同类", "上下游", "合作", "意向", "市外", "外来",
            "示范", "新上", "落地", "入驻", "另", "一个", "另一个", "省", "市", "县", "区", "全市", "全区",
            "全县", "我市", "我区", "年度", "招引", "高新技术", "企业", "企业项目", "承接", "转移", "京津冀",
            "央企", "强企", "优势", "特色", "龙头", "骨干", "制造业", "服务业", "现代", "新兴", "战略性",
            "引领性", "支撑性", "带动性", "标志性", "精准", "绿色", "低碳", "数字", "智能", "高端", "先进",
            "典型", "领域", "一批批", "高科技", "高质量", "高大名外", "各", "全省", "全国", "德州", "山东", "山东省",
            "相关", "有关", "同期", "首批", "第一批", "第二批", "批", "招商项目", "引进", "工程", "重大招商",
            "产业化", "基建", "在谈", "跟踪", "拟建", "类", "中", "独资", "合资", "中外合资", "园区", "产业园区",
            "些", "又一", "百亿", "千亿", "十亿", "百亿级", "千亿级", "十亿级", "亿元级", "级", "开发区", "经开区",
            "高新区", "新区", "工业区", "核心", "支柱", "主导", "首位", "代表性", "全部", "所有", "诸多",
            "新一轮", "上述", "基础", "春季", "夏季", "秋季", "冬季", "又一批", "新注册", "各级", "各部门",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip

#: Status wording, most advanced status first. A word followed by 后 (投产后) is a hypothetical.
STATUS_WORDS: tuple[tuple[ProjectStatus, re.Pattern[str]], ...] = (
    (
        ProjectStatus.IN_PRODUCTION,
        re.compile(
            r"建成投产|正式投产|全面投产|竣工投产|投产|建成运营|投入运营|正式运营|投入使用|实现量产|量产|试生产|试运行|"
            r"开业运营|试运营|正式开业|产品下线|竣工"
        ),
    ),
    (
        ProjectStatus.UNDER_CONSTRUCTION,
        re.compile(
            r"在建|续建|加紧建设|加快建设|正在建设|建设中|桩基施工|基础施工|主体施工|施工|主体完工|主体已建设完成|"
            r"设备安装|安装设备|安装调试|建设正酣|加快推进|顺利推进|有序推进|稳步推进|全力推进|复工"
        ),
    ),
    (ProjectStatus.STARTED, re.compile(r"开工建设|开工|奠基|动工")),
    (ProjectStatus.SIGNED, re.compile(r"签约|签订|签署|签下|投资协议|落户|落地")),
    (ProjectStatus.NEGOTIATING, re.compile(r"洽谈(?!会)|谈判|意向|考察")),
)
#: Words shortly before a status word that make it a plan, not a fact (预计明年投产).
FUTURE_MARKERS = re.compile(r"将于|将|即将|预计|计划|拟|力争|有望|争取|年内|年底前|明年|下半年|确保|准备|尽快|早日|待")

#: Labels before an amount that make it the investment of a project.
INVEST_LABELS = re.compile(
    r"(计划总投资|总投资额|投资总额|投资总金额|合同投资额|计划投资|拟投资|意向总投资|总投资|投资额|投资金额|投资|投入|建设规模|"
    r"签约金额|签约额|协议投资额|协议投资|耗资)"
    r"(?:预计|估算|估计|初步|共|合)?(约|近|超过?|逾|达|为|共计|合计|约为|计)*[::]?\s*$"
)
#: Labels of a period's spending on a project (a year's plan, what is done so far), never its total.
PERIOD_INVEST_LABELS = re.compile(
    r"(年度|年内|今年|当年|本年)(计划)?(完成)?投资|(累计)?完成投资|累计投资|已投资|已完成"
)
#: Currencies chainkg has no code for: amounts in them are not read (written before the number or as
#: its unit), and an article that names one and never 人民币 writes its bare 亿元 in it.
OTHER_CURRENCY = re.compile(r"新台币|台币|英镑|卢布|韩元|澳元|加元|新加坡元|泰铢|越南盾")
#: Labels that make an amount something else: output, revenue, taxes, bonds, statistics.
NON_INVEST_LABELS = re.compile(
    r"产值|销售收入|营业收入|收入|营收|利税|纳税|税收|出口|创汇|专项债|债券|注册资本|生产总值|GDP|零售总额|进出口|"
    r"增加值|利润|奖励|补贴|基金|融资|到位|利用外资|使用外资|社会资本|撬动|预算|财政|贷款|授信|资金"
)
#: Labels of the money figure of an aggregate statement (N个项目 … X亿元).
AGGREGATE_LABELS = re.compile(
    r"(计划总投资|意向总投资|总投资额|合同投资额|投资总额|总投资|投资额|到位资金|到位市外资金|合同利用外资|利用外资|"
    r"发行专项债|专项债|总额|投资)"
)

#: Characters after a number that make it a quantity, not money (10万吨, 50万件).
MEASURE_AFTER_NUMBER = re.compile(
    r"^(吨|片|块|台|套|件|只|人|次|平方米|平米|亩|个|粒|颗|株|头|辆|千瓦|瓦|锭|kw|kW|mw|MW|%)"
)

#: Endings of park names (development zones, industrial parks, bases), longest first.
PARK_SUFFIXES: tuple[str, ...] = (
    "高新技术产业开发区",
    "经济技术开发区",
    "经济开发区",
    "高新技术产业园",
    "工业园区",
    "产业园区",
    "化工园区",
    "产业基地",
    "产业园",
    "工业园",
    "科技园",
    "创业园",
    "物流园",
    "示范园",
    "开发区",
    "高新区",
    "经开区",
    "基地",
)
#: Place names a new park's name may start with, besides the regions the graph knows.
PLACE_PREFIXES: tuple[str, ...] = tuple(
    sorted(
        {
            "中国", "德州", "鲁西北", "京津冀", "济南", "青岛", "深圳", "广州", "苏州", "杭州", "南京", "武汉",
            "成都", "西安", "郑州", "宁波", "厦门", "大连", "沈阳", "长沙", "合肥", "福州", "石家庄", "太原",
            # provinces, municipalities and regions
            "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
            "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
            "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip

#: Trailing industry words of a company core: 山东晟丰新材料科技 → brand 晟丰.
INDUSTRY_WORDS: tuple[str, ...] = tuple(
    sorted(
        {
            "科技", "技术", "信息技术", "信息", "新材料", "材料", "智能装备", "装备", "智能", "电子", "光电",
            "食品", "健康食品", "生物科技", "生物", "医药", "化学", "化工", "石化", "新能源", "能源", "氢能源",
            "机械制造", "机械", "制造", "精密工业", "精密", "工业", "重工", "汽车零部件", "零部件", "纺织",
            "软件", "物流", "控股", "实业", "投资", "发展", "半导体", "空调设备", "设备", "电器", "电机", "光学",
            "数据", "网络", "通信", "环保", "建材", "建筑", "置业", "贸易", "商贸", "国际", "股份", "热管理",
            "精工", "机床", "微电子", "数字", "云", "智算", "食品加工", "枣业", "农业", "生物基",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip

#: Text between two enterprise names A … B that makes B a subsidiary of A (A旗下的B).
RELATION_BETWEEN = re.compile(
    r"^(?:(?:在[^,。;]{1,8})?(?:旗下|下属|所属|控股|全资|全资控股|绝对控股|相对控股|投资设立|设立|控股的|全资的)"
    r"(?:拥有|的|控股的|控股)?(?:[^,。;]{0,4}?(?:上市公司|子公司|全资子公司|控股子公司|企业|公司))?"
    r"(?:[—\-:]+)?)$"
)
#: Text right after A in "B是A的全资子公司" / "B是A旗下的…".
RELATION_AFTER = re.compile(r"^(?:的)?(?:全资子公司|控股子公司|子公司|旗下|下属|全资|控股)")

#: Verbs that show a comma-separated chunk is a clause, not an item of a list of projects.
LIST_VERBS = re.compile(
    r"实施|聚焦|作为|推进|推动|加快|围绕|开展|坚持|打造|培育|引进|形成|实现|完成|举行|表示|介绍|建设|发展"
)

#: Two-character names that are also the first half of common words (有研 + 究 = 有研究).
WEAK_BIGRAMS = frozenset({"研究", "研发", "研制", "研判", "信息", "能源", "药品", "药物", "录制", "能力", "力量"})

#: Words that name a sector, an industry or a class of products or activities, never one project:
#: a name made only of these (and generic words) is a kind of project (食品加工项目, 文化旅游项目,
#: 先进装备制造项目) unless something in its clause makes it one (a company, an amount of its own).
SECTOR_WORDS: tuple[str, ...] = tuple(
    sorted(
        {
            "新材料", "新能源", "新能源汽车", "汽车", "零部件", "汽车零部件", "装备制造", "装备", "机械", "电子信息",
            "电子", "信息技术", "信息", "新一代信息技术", "生物医药", "医药", "生物", "大健康", "健康", "康养",
            "医养", "养老", "医疗", "食品", "农产品", "农副产品", "轻工", "纺织", "服装", "家居", "家具", "建材",
            "化工", "石化", "精细化工", "有色金属", "冶金", "钢铁", "能源", "交通", "物流", "商贸", "贸易",
            "电商", "跨境电商", "文化", "旅游", "文旅", "休闲", "农旅", "影视", "体育", "教育", "房地产", "地产",
            "金融", "服务业", "制造业", "制造", "数字经济", "大数据", "云计算", "人工智能", "算力", "低空经济",
            "航空航天", "航空", "半导体", "集成电路", "光电", "光伏", "风电", "储能", "氢能", "节能", "环保",
            "再生资源", "再生", "循环经济", "农业", "畜牧", "养殖", "种植", "食用菌", "中药材", "中药", "茶叶",
            "社会事业", "城建", "城市建设", "城市更新", "水利", "生态", "口岸", "科创", "微电子", "通信", "软件",
            "互联网", "物联网", "会展", "商业", "文化产业", "旅游业", "物流业", "商务", "社会投资", "电力",
            "生产", "加工", "深加工", "精深加工", "研发", "开发", "服务", "应用", "行业", "技改", "升级",
            "改造", "发展", "运营", "销售", "综合利用", "利用", "经济", "业", "类", "和", "及", "与", "以及",
            "、", "等", "现代", "先进", "新型", "传统", "其他", "上述", "各类", "诸多", "新一轮",
            "手机", "供应链", "塑胶", "塑料", "针织", "货运", "配送", "交易", "产品", "城市", "IT",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip
