"""Generate a large, realistic Jekyll news archive for benchmarks and scale tests.

The output imitates the scraped archive newsreader is built for: ``OUT_DIR/_posts/`` holds files
named ``YYYY-MM-DD-<18 digits>.md``, each a Jekyll front-matter block (``layout``, ``title``,
``date``, ``categories`` holding a pinyin-like slug, ``tags`` holding the category's human label)
followed by a body in one of three shapes:

* a one-paragraph digest, the source page as an autolink line and a navigation footer (~45%);
* a multi-paragraph HTML article with ``<strong>`` sub-headings, pictures and stock-quote
  decorations (~45%, 2-6 KB);
* a long HTML article (~10%, 8-26 KB), sometimes repeated twice the way the scraper does.

That makes files of ~4 KB on average, as in the real archive (see ``benchmarks/README.md``).
Categories follow a Zipf-like long tail (a few hold thousands of posts, most a handful); about
10% of them, and about 20% of the posts, are English. A small share of the files carries the
oddities real archives have (a ``> `` digest quote before the HTML, an unescaped ``"`` in the
title, a blank line before ``---``, a trailing newline, ...).

Half the sentences are assembled from the small vocabulary written below, half from the
made-up words of :mod:`archive_text` (real news is that varied: millions of distinct
trigrams); nothing comes from real articles. Output depends only on the arguments: the same
seed gives byte-identical files.

Usage::

    python benchmarks/generate_archive.py OUT_DIR --posts 100000 [--categories 2000] [--seed 1]
        [--start 2021-12-01] [--days 900] [--zipf 1.2] [--oddity-rate 0.005]
        [--digests 0.45] [--longs 0.10]

or, from Python, ``generate_archive(Path("/tmp/big"), posts=10_000)``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from archive_text import Lexicon

__all__ = ["ODDITIES", "CategoryInfo", "GeneratedArchive", "generate_archive", "main"]

SITE = "//news.example.com"
"""Protocol-relative root of the imaginary site the footers link to."""

ODDITIES = (
    "quote_digest",
    "quote_in_title",
    "blank_line_before_front_matter",
    "trailing_newline",
    "backslash_in_title",
    "empty_source_link",
    "bare_less_than",
    "undated",
)
"""Kinds of odd files; the first four appear at ``oddity_rate`` each, the rest more rarely."""

_ODDITY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 0.2, 0.2, 0.2, 0.1)
"""Relative frequency of each oddity, as a multiple of ``oddity_rate``."""


# --------------------------------------------------------------------------------------------
# Vocabulary. Written for this generator; combined at random it makes plausible-looking news.
# --------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    """Split whitespace-separated words."""
    return text.split()


def _phrases(text: str) -> list[str]:
    """Split ``|``-separated phrases that may wrap across lines."""
    return [" ".join(phrase.split()) for phrase in text.split("|")]


def _pairs(text: str) -> list[tuple[str, str]]:
    """Parse whitespace-separated ``pinyin:hanzi`` words."""
    return [(word.partition(":")[0], word.partition(":")[2]) for word in text.split()]


# (pinyin, hanzi) of the first half of a Chinese source name: places, and a few media words.
_ZH_PLACES = _pairs(
    """
beijing:北京 shanghai:上海 guangzhou:广州 shenzhen:深圳 nanfang:南方 changchun:长春
hangzhou:杭州 chengdu:成都 wuhan:武汉 xian:西安 nanjing:南京 tianjin:天津 chongqing:重庆
suzhou:苏州 qingdao:青岛 dalian:大连 xiamen:厦门 fuzhou:福州 jinan:济南 zhengzhou:郑州
changsha:长沙 hefei:合肥 kunming:昆明 guiyang:贵阳 nanning:南宁 haikou:海口 lanzhou:兰州
yinchuan:银川 xining:西宁 lasa:拉萨 wulumuqi:乌鲁木齐 huhehaote:呼和浩特 haerbin:哈尔滨
shenyang:沈阳 shijiazhuang:石家庄 taiyuan:太原 nanchang:南昌 ningbo:宁波 wenzhou:温州
wuxi:无锡 foshan:佛山 dongguan:东莞 zhuhai:珠海 shantou:汕头 shaoguan:韶关 zhanjiang:湛江
huizhou:惠州 zhongshan:中山 jiangmen:江门 quanzhou:泉州 yantai:烟台 weifang:潍坊
xuzhou:徐州 changzhou:常州 nantong:南通 yangzhou:扬州 shaoxing:绍兴 jinhua:金华
taizhou:台州 jiaxing:嘉兴 huzhou:湖州 luoyang:洛阳 kaifeng:开封 xiangyang:襄阳
yichang:宜昌 zhuzhou:株洲 yueyang:岳阳 guilin:桂林 liuzhou:柳州 zunyi:遵义 mianyang:绵阳
yibin:宜宾 dali:大理 lijiang:丽江 yanbian:延边 jilin:吉林 liaoning:辽宁 hebei:河北
shanxi:山西 jiangsu:江苏 zhejiang:浙江 anhui:安徽 fujian:福建 jiangxi:江西 shandong:山东
henan:河南 hubei:湖北 hunan:湖南 guangdong:广东 guangxi:广西 hainan:海南 sichuan:四川
guizhou:贵州 yunnan:云南 shaanxi:陕西 gansu:甘肃 qinghai:青海
zhongguo:中国 huaxia:华夏 dongfang:东方 beifang:北方 renmin:人民 guangming:光明
jingji:经济 kuaixun:快讯 caijing:财经 jinrong:金融 fazhi:法治 huanqiu:环球 zhongxin:中新
meiri:每日 xinjing:新京 dongcai:东财 haixia:海峡 changjiang:长江 zhujiang:珠江
huanghe:黄河 bohai:渤海 dawan:大湾区 xibu:西部 zhongbu:中部 dongbei:东北 jiangnan:江南
lingnan:岭南 21shiji:21世纪 36ke:36氪 5g:5G 3c:3C 360:360 12345:12345
"""
)
_ZH_PLACE_NAMES = [h for _, h in _ZH_PLACES[: _ZH_PLACES.index(("zhongguo", "中国"))]]
"""Real places only, for the text."""

# (pinyin, hanzi) of the second half: what kind of outlet it is.
_ZH_OUTLETS = _pairs(
    """
ribao:日报 wanbao:晚报 zaobao:早报 shibao:时报 wang:网 xinwen:新闻 xinwenwang:新闻网
zhoukan:周刊 zazhi:杂志 jingjibaodao:经济报道 caijing:财经 zhengquanbao:证券报 keji:科技
dianshitai:电视台 guangbo:广播 kuaixun:快讯 toutiao:头条 pinglun:评论 shangbao:商报
fazhibao:法治报 qingnianbao:青年报 dushibao:都市报 chenbao:晨报 gundong:滚动 yaowen:要闻
pindao:频道
"""
)

# English outlet names: single words, and prefix + suffix compounds (slug lower, label CamelCase).
_EN_SINGLE = _words(
    """technology science business economy markets politics world sports health energy
    culture autos property travel education opinion startups gadgets crypto commodities"""
)
_EN_PREFIX = _words(
    """world global asia tech market business finance science health energy auto china
    pacific morning evening daily city metro capital harbor frontier digital green trade
    money venture signal"""
)
_EN_SUFFIX = _words(
    """news wire daily times post review report insider watch today weekly digest journal
    herald monitor brief web beat"""
)

_ZH_TIMES = _words(
    """近日 日前 今年以来 上周 本周 昨日 今天 此前 目前 近年来 下半年 一季度
    上半年 前三季度 年内 近期 当天 本月"""
)
_ZH_ACTORS = _words(
    """国家统计局 央行 证监会 商务部 工信部 发改委 财政部 能源局 海关总署
    市场监管总局 交通运输部 农业农村部 生态环境部 住建部 市政府 省政府 区管委会
    行业协会 研究院 交易所 券商分析师 基金经理 业内人士 市场人士 机构投资者
    相关负责人 公司董事长 项目负责人 专家学者 调研机构"""
)
_ZH_VERBS = _words(
    """宣布 发布 推出 启动 完成 签署 披露 召开 举办 部署 加快 推进 布局 实现
    突破 下调 上调 增持 回购 收购 投资 设立 建设 扩大 优化 提升 降低 稳定
    支持 鼓励 引导 规范 加强 深化 拓展 聚焦 落实 打造 培育 升级 开展 强化
    参与 助力"""
)
_ZH_OBJECTS = _words(
    """战略合作协议 年度报告 三季度业绩 新能源汽车 光伏组件 锂电池材料 半导体芯片
    人工智能 数据中心 智慧城市 智慧医疗 智慧教育 乡村振兴 高质量发展 数字化转型
    产业链供应链 消费市场 房地产市场 债券市场 外汇储备 人民币汇率 货币政策
    财政政策 基础设施 项目融资 科技创新 绿色低碳 碳达峰碳中和 跨境电商 新型储能
    生物医药 创新药 医疗器械 工业互联网 5G基站 云计算 大数据平台 自动驾驶
    智能制造 先进制造业 专精特新企业 中小微企业 营商环境 就业岗位 居民收入
    社会保障 养老服务 职业教育 文化旅游 体育赛事 粮食安全 能源保供 天然气管网
    原油储备 黄金储备 大宗商品 冷链物流 港口吞吐量 外贸进出口 农产品 现代服务业
    海洋经济 氢能产业 风电项目 充电桩 动力电池 消费电子 网络安全 数据要素
    算力网络 城市更新 保障性住房 普惠金融 绿色信贷 科创债券 公募基金 养老金融
    知识产权 标准体系 人才引进 研发投入 产能利用率 重点项目 招商引资"""
)
_ZH_ADVS = _words(
    """进一步 全面 持续 加快 稳步 积极 大力 着力 不断 有序 逐步 显著 明显
    首次 率先 深入 切实"""
)
_ZH_SUBJECTS = _words(
    """公司 企业 行业 市场 各地 监管部门 地方政府 金融机构 上市公司 龙头企业
    产业园区 科研团队 投资者 消费者 外资 民营企业 国有企业 制造企业 出口企业
    平台企业"""
)
_ZH_METRICS = _words(
    """营业收入 净利润 出口额 进口额 成交量 成交额 销量 用户规模 装机容量 产量
    订单量 客流量 营收 毛利率 市场份额 社会融资规模 新增贷款 税收收入 工业增加值
    零售总额 固定资产投资 研发费用 货物吞吐量 发电量"""
)
_ZH_TRENDS = _words(
    """持续回暖 保持稳定 有所放缓 稳中有升 明显回升 承压下行 企稳回升 快速增长
    小幅波动 高位运行 逐步修复 仍有韧性"""
)
_ZH_OUTLOOKS = _words(
    """预计下半年将延续这一态势 后续仍需关注政策落地情况 短期内波动或将加大
    长期向好的基本面没有改变 全年目标有望顺利完成 市场信心正在逐步恢复
    行业集中度有望进一步提升 相关板块或迎来估值修复 这将为区域经济注入新动能
    双方合作空间十分广阔"""
)
_ZH_SAID = _words("表示 指出 认为 介绍 透露 坦言 强调 分析称")
_ZH_CO_CORES = _words(
    """信达 科创 宏远 锦程 润华 航宇 汇通 盛世 星辰 凯旋 瀚海 嘉禾 永安 德信
    华联 众合 天成 远望 恒升 金泰 海纳 云帆 博远 鼎新 瑞丰 长盈 广源 新桥
    北辰 东升 南山 西岭 华晟 高澜 明德 同舟 正元 启明 安泰 致远 泓毅 祥和
    沃土 绿源 银河 光华 锐思 卓越 智联"""
)
_ZH_CO_SUFFIXES = _words(
    """科技 股份 集团 新材 电子 医药 银行 证券 能源 智能 控股 汽车 物流 传媒
    半导体 生物 环境 重工 食品 地产 化工 电气 航空 通信"""
)
_ZH_ORDINALS = _words("一 二 三 四 五 六 七 八")

_EN_CO_PRE = _words(
    """North Blue Silver Summit Harbor Pacific Redwood Granite Crescent Atlas Beacon
    Cobalt Evergreen Falcon Horizon Ironwood Juniper Keystone Lakeside Meridian Orion
    Pinnacle Quartz Riverbend Trident Willow Zephyr Aurora Cedar Ember Glacier Hollow
    Indigo"""
)
_EN_CO_SUF = _words(
    """Holdings Energy Systems Bank Motors Labs Capital Foods Logistics Pharma Networks
    Robotics Media Materials Insurance Airlines Mining Retail Software Semiconductor"""
)
_EN_ORGS = _phrases(
    """the central bank|the finance ministry|the statistics bureau|regulators|
    the trade ministry|the city government|industry groups|analysts|economists|
    fund managers|investors|the energy agency|lawmakers|the securities regulator|
    consumers|exporters|the port authority|a research institute"""
)
_EN_VERBS = _phrases(
    """expand|launch|acquire|invest in|build|sell|restructure|review|delay|accelerate|
    cut|raise|upgrade|scale back|partner on|spin off|list|refinance|test|open"""
)
_EN_OBJECTS = _phrases(
    """a new battery plant|its cloud business|the retail unit|solar capacity|
    a chip design center|data centers|electric vehicle output|its bond program|
    a logistics hub|overseas operations|the lending portfolio|a drug pipeline|
    charging networks|wind farms|its streaming service|port facilities|
    a research campus|mobile payments|factory automation|green bonds|export orders|
    a share buyback|quarterly dividends|supply contracts|rare earth processing|
    its satellite network|hydrogen projects|a grocery chain|freight routes|
    software licenses"""
)
_EN_METRICS = _phrases(
    """retail sales|industrial output|exports|imports|net profit|revenue|
    factory activity|home sales|car sales|power generation|freight volumes|
    consumer prices|producer prices|loan growth|foreign reserves|crude imports|
    steel output|tourism revenue"""
)
_EN_UP = _words("rose climbed jumped gained surged rebounded")
_EN_DOWN = _words("fell dropped slipped declined slumped eased")
_EN_PLACES = _phrases(
    """Asia|Europe|Shanghai|Shenzhen|Hong Kong|Singapore|Tokyo|Seoul|London|Frankfurt|
    New York|Sydney|Mumbai|Jakarta|Dubai|the region|the eurozone|emerging markets|
    the mainland"""
)
_EN_WHEN = _phrases(
    """this year|next quarter|by the end of the year|in the coming months|
    over the next decade|in the second half|before the holiday season|next year"""
)
_EN_CLAUSES = _phrases(
    """citing strong demand from overseas buyers|as competition in the sector intensifies|
    according to people familiar with the matter|amid concerns about slowing growth|
    in a bid to cut costs|as supply chain pressures ease|despite weaker consumer spending|
    after months of negotiations|as borrowing costs remain high|
    while keeping its full-year guidance unchanged|as policymakers weigh further support|
    adding to a string of recent deals"""
)
_EN_PEOPLE = _phrases(
    """a company spokesperson|the chief executive|an analyst at {co}|
    the chief financial officer|a senior economist|a ministry official|
    the head of research at {co}|a person briefed on the plan"""
)
_EN_QUOTES = _phrases(
    """We remain confident in the long-term outlook|Demand has been stronger than we expected|
    The market is adjusting faster than many assumed|We see room for further improvement|
    This is an important step for the business|Costs are still a concern for many firms|
    The recovery remains uneven across sectors|We will keep investing through the cycle"""
)
_EN_RESULTS = _words("stronger-than-expected weaker record mixed flat better-than-forecast")
_EN_WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
_EN_MONTHS = _words(
    "January February March April May June July August September October November December"
)
_EN_SESSIONS = _words("morning afternoon early late after-hours midday")

_HOUR_WEIGHTS = (1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 4, 6, 7, 7, 5, 5, 6, 7, 7, 6, 5, 5, 5, 4, 3, 2)
"""How news volume spreads over the hours of a day (quiet nights, busy office hours)."""

_ESC = frozenset('0abt\tnvfre "/\\N_LPxuU')
"""Characters a backslash may precede in a double-quoted YAML string."""

DIGESTS = 0.45
"""Share of one-paragraph digests (the rest are HTML articles)."""
LONGS = 0.10
"""Share of long HTML articles."""
ARTICLE_BYTES = (2000, 6000, 3000)
"""An article's target size in bytes: ``random.triangular``'s low, high and mode."""
LONG_BYTES = (8000, 26000, 12000)
"""A long article's target size in bytes, the same way."""
VARIED_TEXT = 0.5
"""Share of sentences made of :class:`~archive_text.Lexicon` words rather than the vocabulary:
it gives the text the millions of distinct trigrams of real news."""

_IMG_STYLE = 'style="border:#d1d1d1 1px solid;padding:3px;margin:5px 0;"'


# --------------------------------------------------------------------------------------------
# Public results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """One generated category: its slug, its label (the tag on all its posts) and its size."""

    slug: str
    label: str
    language: str
    """``"zh"`` or ``"en"``: the language of the label and of every post in the category."""
    posts: int


@dataclass(slots=True)
class GeneratedArchive:
    """What :func:`generate_archive` wrote, for summaries, tests and benchmarks."""

    out_dir: Path
    posts_dir: Path
    posts: int
    categories: list[CategoryInfo]
    """Every category holding at least one post, largest first."""
    total_bytes: int
    seconds: float
    languages: dict[str, int] = field(default_factory=dict)
    """Posts per language (``zh``, ``en``)."""
    shapes: dict[str, int] = field(default_factory=dict)
    """Posts per body shape (``digest``, ``article``, ``long``)."""
    oddities: dict[str, list[str]] = field(default_factory=dict)
    """File names (inside ``posts_dir``) carrying each oddity of :data:`ODDITIES`."""

    @property
    def category_count(self) -> int:
        """How many categories hold at least one post."""
        return len(self.categories)

    def summary(self) -> str:
        """A one-line human summary."""
        return (
            f"{self.posts} posts, {self.category_count} categories, "
            f"{self.total_bytes:,} bytes in {self.posts_dir}, {self.seconds:.2f} s"
        )


# --------------------------------------------------------------------------------------------
# Categories
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Category:
    slug: str
    label: str
    source: str
    """Outlet name used inside articles (``文章来源``)."""
    english: bool
    posts: int = 0


def _make_categories(rng: random.Random, count: int, english: int) -> list[_Category]:
    """``count`` categories with unique slugs and labels, ``english`` of them English.

    A few Chinese slugs come as case-variant pairs (``NanfangRibao`` / ``Nanfangribao``) sharing
    one label, like the ``TechWeb`` / ``Techweb`` pair of the real archive.
    """
    used_slugs: set[str] = set()
    used_labels: set[str] = set()
    chinese = count - english
    pairs = chinese // 300 if chinese >= 20 else 0

    zh: list[tuple[list[str], _Category]] = []
    misses = 0
    while len(zh) < chinese - pairs:
        parts = [rng.choice(_ZH_PLACES), rng.choice(_ZH_OUTLETS)]
        if rng.random() < 0.12:
            extra = rng.choice(_ZH_OUTLETS)
            if extra != parts[1]:
                parts.append(extra)
        slug = "".join(p for p, _ in parts)
        source = "".join(h for _, h in parts)
        if misses > 200:  # the vocabulary is exhausted: number the rest
            slug += str(len(zh))
            source += str(len(zh))
        label = source if source.endswith("新闻") or rng.random() < 0.3 else source + "新闻"
        if slug in used_slugs or label in used_labels:
            misses += 1
            continue
        misses = 0
        used_slugs.add(slug)
        used_labels.add(label)
        zh.append(([p for p, _ in parts], _Category(slug, label, source, english=False)))

    result = [cat for _, cat in zh]
    for words, cat in rng.sample(zh, pairs):
        camel = "".join(w[:1].upper() + w[1:] for w in words)
        cat.slug = camel  # NanfangRibao
        result.append(_Category(camel[:1] + camel[1:].lower(), cat.label, cat.source, False))

    en_names = [(w, w.capitalize()) for w in _EN_SINGLE]
    en_names += [(p + s, p.capitalize() + s.capitalize()) for p in _EN_PREFIX for s in _EN_SUFFIX]
    en_names = [(slug, label) for slug, label in en_names if slug not in used_slugs]
    rng.shuffle(en_names)
    for i in range(english):
        slug, label = en_names[i % len(en_names)]
        if i >= len(en_names):
            slug, label = f"{slug}{i}", f"{label}{i}"
        result.append(_Category(slug, label, label, english=True))
    return result


def _zipf_cum_weights(n: int, exponent: float) -> list[float]:
    total = 0.0
    cum = []
    for rank in range(1, n + 1):
        total += rank**-exponent
        cum.append(total)
    return cum


def _assign_categories(
    rng: random.Random, cats: list[_Category], posts: int, english_share: float, zipf: float
) -> list[_Category]:
    """The category of each post: one post for each category, the rest Zipf-distributed."""
    zh = [c for c in cats if not c.english]
    en = [c for c in cats if c.english]
    rng.shuffle(zh)  # the rank of a category in the long tail
    rng.shuffle(en)
    extra = posts - len(cats)
    en_extra = min(extra, max(0, round(posts * english_share) - len(en))) if en else 0
    if not zh:
        en_extra = extra
    chosen: list[_Category] = list(cats)
    if en_extra:
        chosen += rng.choices(en, cum_weights=_zipf_cum_weights(len(en), zipf), k=en_extra)
    if extra - en_extra:
        chosen += rng.choices(zh, cum_weights=_zipf_cum_weights(len(zh), zipf), k=extra - en_extra)
    rng.shuffle(chosen)
    for cat in chosen:
        cat.posts += 1
    return chosen


# --------------------------------------------------------------------------------------------
# Text pools
# --------------------------------------------------------------------------------------------


def _pct(rng: random.Random) -> str:
    return f"{rng.uniform(0.1, 60):.1f}"


def _stock(rng: random.Random, english: bool) -> tuple[str, str]:
    """A made-up (market, code) pair in the quote site's notation."""
    if english:
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        return rng.choice(("105", "106")), "".join(rng.choices(letters, k=rng.randint(2, 4)))
    market = rng.choice(("0", "1", "116"))
    if market == "116":
        return market, f"0{rng.randint(1000, 9999)}"
    head = rng.choice(("00", "30")) if market == "0" else rng.choice(("60", "68"))
    return market, f"{head}{rng.randint(0, 9999):04d}"


def _keytip(name: str, market: str, code: str, variant: int) -> str:
    """A company name wrapped in the quote-link decoration scraped pages carry."""
    key = f"{market}.{code}"
    url = f"http://quote.example.com/unify/r/{key}"
    if variant == 0:
        return (
            f'<span id="stock_{key}"><a href="{url}" class="keytip" data-code="{market},{code}">'
            f'{name}</a></span><span id="quote_{key}"></span>'
        )
    return (
        f'<span web="1" href="{url}" class="em_stock_key_common" data-code="{market},{code}">'
        f"{name}</span>"
    )


@dataclass(slots=True)
class _Pools:
    """Precomputed text for one language: sentences (plain and decorated), headings, companies."""

    sentences: list[str]
    decorated: list[str]
    """Same sentences with company names wrapped in stock-quote links (HTML articles only)."""
    headings: list[str]
    companies: list[tuple[str, str, str]]
    """(name, market, code)."""
    lexicon: Lexicon
    """Made-up words, for the varied share of the text (see :data:`VARIED_TEXT`)."""

    def sentence(self, rng: random.Random, *, decorated: bool = False) -> str:
        """A sentence from the vocabulary or, :data:`VARIED_TEXT` of the time, the lexicon."""
        if rng.random() < VARIED_TEXT:
            return self.lexicon.sentence(rng)
        return rng.choice(self.decorated if decorated else self.sentences)


def _zh_companies(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    names = sorted({c + s for c in _ZH_CO_CORES for s in _ZH_CO_SUFFIXES})
    return [(name, *_stock(rng, False)) for name in rng.sample(names, n)]


def _en_companies(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    names = sorted({f"{p} {s}" for p in _EN_CO_PRE for s in _EN_CO_SUF})
    return [(name, *_stock(rng, True)) for name in rng.sample(names, n)]


def _zh_sentence(rng: random.Random, co: str, places: Sequence[str], media: Sequence[str]) -> str:
    c = rng.choice
    obj, obj2, verb, verb2 = c(_ZH_OBJECTS), c(_ZH_OBJECTS), c(_ZH_VERBS), c(_ZH_VERBS)
    stat = c(
        (
            f"同比增长{_pct(rng)}%",
            f"同比下降{_pct(rng)}%",
            f"环比增长{_pct(rng)}%",
            f"环比下降{_pct(rng)}%",
            f"达到{rng.randint(2, 9000)}亿元",
            f"突破{rng.randint(10, 990)}万吨",
            f"约为{rng.randint(1, 500)}亿美元",
            f"较上年末增加{rng.randint(1, 800)}亿元",
            "创历史新高",
            "位居行业前列",
        )
    )
    when = c((*_ZH_TIMES, f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日"))
    period = c(
        (
            f"今年前{rng.randint(2, 11)}个月",
            f"{rng.randint(1, 12)}月份",
            "上半年",
            "一季度",
            "去年全年",
        )
    )
    templates = (
        lambda: f"{when}，{co}{verb}{obj}，{c(_ZH_ADVS)}{verb2}{obj2}。",
        lambda: (
            f"{co}{c(_ZH_SAID)}，{c(_ZH_SUBJECTS)}将{c(_ZH_ADVS)}{verb}{obj}，{c(_ZH_OUTLOOKS)}。"
        ),
        lambda: f"据{c(media)}消息，{co}{when}{verb}{obj}，{c(_ZH_METRICS)}{stat}。",
        lambda: f"数据显示，{period}{c(places)}{c(_ZH_METRICS)}{stat}，{obj}{c(_ZH_TRENDS)}。",
        lambda: (
            f"“{c(_ZH_SUBJECTS)}{c(_ZH_ADVS)}{verb}{obj}，{c(_ZH_OUTLOOKS)}。”{co}相关负责人{c(_ZH_SAID)}。"
        ),
        lambda: f"{c(_ZH_ACTORS)}{c(_ZH_SAID)}，{obj}{c(_ZH_TRENDS)}，{c(_ZH_OUTLOOKS)}。",
        lambda: (
            f"{c(places)}将{c(_ZH_ADVS)}{verb}{obj}，"
            f"力争到{rng.randint(2023, 2030)}年{c(_ZH_METRICS)}{stat}。"
        ),
        lambda: f"业内人士{c(_ZH_SAID)}，{co}{verb}{obj}有助于{verb2}{obj2}。",
        lambda: (
            f"{co}公告称，公司拟投资{rng.randint(1, 120)}亿元建设{obj}项目，{c(_ZH_OUTLOOKS)}。"
        ),
        lambda: (
            f"{co}拟以{rng.randint(1, 90)}亿元收购"
            f"{c(_ZH_CO_CORES)}{c(_ZH_CO_SUFFIXES)}{rng.randint(5, 100)}%股权。"
        ),
        lambda: (
            f"{c(places)}{c(('市政府', '发改委', '商务局', '管委会'))}与{co}签署合作协议，"
            f"双方将在{obj}、{obj2}等领域开展合作。"
        ),
        lambda: f"截至{rng.randint(1, 12)}月底，{co}{c(_ZH_METRICS)}{stat}，{c(_ZH_OUTLOOKS)}。",
        lambda: f"{co}相关负责人介绍，{when}公司{verb}{obj}，{c(_ZH_METRICS)}{stat}。",
        lambda: f"{c(_ZH_SUBJECTS)}{c(_ZH_ADVS)}{verb}{obj}，{c(_ZH_SUBJECTS)}{verb2}{obj2}。",
    )
    return c(templates)()


def _en_sentence(rng: random.Random, co: str, co2: str) -> str:
    c = rng.choice
    verb, obj, pct = c(_EN_VERBS), c(_EN_OBJECTS), _pct(rng)
    move = c(_EN_UP + _EN_DOWN)
    templates = (
        lambda: f"{co} said on {c(_EN_WEEKDAYS)} it would {verb} {obj}, {c(_EN_CLAUSES)}.",
        lambda: (
            f"Shares of {co} {move} {pct}% in {c(_EN_SESSIONS)} trading after the company "
            f"said it would {verb} {obj}."
        ),
        lambda: (
            f"{c(_EN_METRICS).capitalize()} in {c(_EN_PLACES)} {move} {pct}% from a year "
            f"earlier, data from {c(_EN_ORGS)} showed on {c(_EN_WEEKDAYS)}."
        ),
        lambda: (
            f"{c(_EN_ORGS).capitalize()} expect {c(_EN_METRICS)} to recover {c(_EN_WHEN)}, "
            f"{c(_EN_CLAUSES)}."
        ),
        lambda: f"“{c(_EN_QUOTES)},” {c(_EN_PEOPLE).format(co=co2)} said.",
        lambda: f"{co} plans to {verb} {obj} {c(_EN_WHEN)}, {c(_EN_CLAUSES)}.",
        lambda: (
            f"The deal, valued at about {rng.randint(20, 990)} million dollars, is expected to "
            f"close {c(_EN_WHEN)}."
        ),
        lambda: (
            f"{c(_EN_ORGS).capitalize()} said {c(_EN_METRICS)} {move} for a "
            f"{c(('second', 'third', 'fourth', 'fifth'))} straight month in {c(_EN_MONTHS)}."
        ),
        lambda: f"The company, which also plans to {verb} {obj}, did not give further details.",
        lambda: f"Analysts said the move could help {co} {verb} {obj} {c(_EN_WHEN)}.",
        lambda: (
            f"{co} has {c(('already', 'recently', 'quietly'))} moved to {verb} {obj}, "
            f"{c(_EN_CLAUSES)}."
        ),
    )
    return c(templates)()


def _build_pools(rng: random.Random, english: bool, sources: Sequence[str], size: int) -> _Pools:
    """Sentences and headings for one language, each sentence also in a decorated version."""
    c = rng.choice
    companies = _en_companies(rng, 250) if english else _zh_companies(rng, 400)
    places = _ZH_PLACE_NAMES
    media = list(sources[:60]) or ["本地媒体"]
    sentences: list[str] = []
    decorated: list[str] = []
    for _ in range(size):
        name, market, code = c(companies)
        if english:
            text = _en_sentence(rng, name, c(companies)[0])
        else:
            text = _zh_sentence(rng, name, places, media)
        sentences.append(text)
        variant = 0 if rng.random() < 0.8 else 1
        decorated.append(text.replace(name, _keytip(name, market, code, variant), 1))
    headings: list[str] = []
    for _ in range(size // 8):
        if english:
            headings.append(
                c(
                    (
                        f"{c(_EN_OBJECTS).capitalize()} in focus",
                        f"What {c(_EN_METRICS)} tell us",
                        "Market reaction",
                        "Background",
                        f"Outlook for {c(_EN_PLACES)}",
                        f"Why {c(companies)[0]} is moving now",
                    )
                )
            )
        else:
            headings.append(
                c(
                    (
                        f"{c(_ZH_OBJECTS)}迎来新机遇",
                        f"{c(_ZH_ADVS)}{c(_ZH_VERBS)}{c(_ZH_OBJECTS)}",
                        f"{c(_ZH_ORDINALS)}、{c(_ZH_OBJECTS)}{c(_ZH_TRENDS)}",
                        f"{c(places)}经验：{c(_ZH_VERBS)}{c(_ZH_OBJECTS)}",
                        f"专家：{c(_ZH_OBJECTS)}{c(_ZH_TRENDS)}",
                        f"{c(companies)[0]}：{c(_ZH_VERBS)}{c(_ZH_OBJECTS)}",
                    )
                )
            )
    return _Pools(sentences, decorated, headings, companies, Lexicon(rng, english=english))


def _title(rng: random.Random, pools: _Pools, english: bool) -> str:
    """A headline (10-40 characters) built from the vocabulary; never holds ``"`` or ``\\``."""
    c = rng.choice
    co = c(pools.companies)[0]
    verb, obj = (c(_EN_VERBS), c(_EN_OBJECTS)) if english else (c(_ZH_VERBS), c(_ZH_OBJECTS))
    kind = rng.randrange(6)
    if english:
        move = c(_EN_UP + _EN_DOWN)
        if kind == 0:
            return f"{co} to {verb} {obj}"
        if kind == 1:
            return f"{c(_EN_PLACES)} {c(_EN_METRICS)} {move} {_pct(rng)}% in {c(_EN_MONTHS)}"
        if kind == 2:
            return f"{co} shares {move} after plan to {verb} {obj}"
        if kind == 3:
            return f"{c(_EN_ORGS).capitalize()} signal support for {obj}"
        if kind == 4:
            return f"{co} reports {c(_EN_RESULTS)} quarterly results"
        return f"Explainer: what {obj} means for {c(_EN_PLACES)}"
    if kind == 0:
        return f"{co}：{verb}{obj}"
    if kind == 1:
        return f"{c(_ZH_PLACE_NAMES)}{obj}{c(_ZH_METRICS)}同比增长{_pct(rng)}%"
    if kind == 2:
        return f"{rng.randint(1, 12)}月{c(_ZH_METRICS)}{c(_ZH_TRENDS)}"
    if kind == 3:
        return f"{co}{verb}{obj}{c(('', '', '！', '？'))}"
    if kind == 4:
        return f"{c(_ZH_ACTORS)}：{obj}{c(_ZH_TRENDS)}"
    lead = f"{c(_ZH_PLACE_NAMES)}{c(_ZH_ADVS)}{verb}{obj}"
    return f"{lead} {co}{c(_ZH_VERBS)}“{c(_ZH_OBJECTS)}”"


# --------------------------------------------------------------------------------------------
# Bodies
# --------------------------------------------------------------------------------------------


def _digest(rng: random.Random, pools: _Pools, english: bool) -> str:
    """One paragraph of 100-600 characters, mostly short."""
    target = int(rng.triangular(100, 600, 160))
    text = ""
    sep = " " if english else ""
    while len(text) < target:
        sentence = pools.sentence(rng)
        candidate = text + sep + sentence if text else sentence
        if len(candidate) > 600 and len(text) >= 100:
            break
        text = candidate
    return text


def _article(rng: random.Random, pools: _Pools, english: bool, target: int, source: str) -> str:
    """An HTML article of about ``target`` UTF-8 bytes."""
    c = rng.choice
    decorate = rng.random() < 0.4
    sep = c(("", "", "\n ", "\n"))
    joiner = " " if english else ""
    parts: list[str] = []
    size = 0
    if rng.random() < 0.04:
        parts.append('<p style="display:none;height:1px;overflow:hidden;"><br /></p>')
    if rng.random() < 0.15:
        _, market, code = c(pools.companies)
        parts.append(
            '<!-- EM_StockImg_Start --><p style="text-align:center;"><img '
            f'src="https://chart.example.com/GetPic.aspx?nid={market}.{code}&imageType=k" '
            f'border="0" alt="K图 {code}_0" data-code="K {code}|{market}|2" '
            'style="border:#d1d1d1 1px solid;" width="578" height="276" /></p>'
            "<!-- EM_StockImg_End -->"
        )
    last_heading = True
    while size < target:
        roll = rng.random()
        if roll < 0.10 and not last_heading:
            piece = f"<p><strong>{c(pools.headings)}</strong></p>"
            last_heading = True
        elif roll < 0.14:
            w, h = 800, rng.randint(180, 900)
            piece = (
                f'<center><img src="https://img.example.com/download/D{rng.getrandbits(60):019d}'
                f'_w{w}h{h}.jpg" alt="Image" width="552" {_IMG_STYLE} /></center>'
            )
            if rng.random() < 0.5:
                credit = "Photo: " if english else "图片来源："
                piece += f'<p style="text-align:center;">{credit}{source}</p>'
        else:
            count = rng.randint(2, 7)
            text = joiner.join(pools.sentence(rng, decorated=decorate) for _ in range(count))
            if not english and rng.random() < 0.03:
                text += f"《&lt;{c(_ZH_OBJECTS)}&gt;管理办法》已于{rng.randint(1, 12)}月起施行。"
            piece = f"<p>{text}</p>"
            last_heading = False
        parts.append(piece)
        size += len(piece.encode())
    if rng.random() < 0.6:
        credit = f"(Source: {source})" if english else f"（文章来源：{source}）"
        parts.append(f'<p class="em_media">{credit}</p>')
    return sep.join(parts)


def _footer(rng: random.Random, cat: _Category) -> str:
    roll = rng.random()
    if roll < 0.80:
        return f"[返回{cat.label}]({SITE}/category/{cat.slug}.html)｜[返回首页]({SITE}/)"
    if roll < 0.92:
        return f"[返回{cat.label}](../{cat.slug}/)\n[返回首页](../)"
    return ""


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------


def _pick_oddity(rng: random.Random, rate: float) -> str | None:
    if rate <= 0:
        return None
    roll = rng.random()
    for name, weight in zip(ODDITIES, _ODDITY_WEIGHTS, strict=True):
        roll -= rate * weight
        if roll < 0:
            return name
    return None


def _timestamps(rng: random.Random, posts: int, days: int) -> list[int]:
    """Sorted seconds since the start date: uniform days, office-hours-heavy times of day."""
    cum: list[float] = []
    total = 0.0
    for weight in _HOUR_WEIGHTS:
        total += weight
        cum.append(total)
    hours = rng.choices(range(24), cum_weights=cum, k=posts)
    stamps = [rng.randrange(days) * 86400 + h * 3600 + rng.randrange(3600) for h in hours]
    stamps.sort()
    return stamps


def generate_archive(
    out_dir: Path,
    posts: int,
    categories: int = 2000,
    seed: int = 1,
    start: date = date(2021, 12, 1),
    days: int = 900,
    *,
    zipf: float = 1.2,
    english_posts: float = 0.2,
    english_categories: float = 0.1,
    oddity_rate: float = 0.005,
    digests: float = DIGESTS,
    longs: float = LONGS,
) -> GeneratedArchive:
    """Write ``posts`` posts into ``out_dir/_posts`` and describe what was written.

    ``categories`` is exact when ``posts >= categories`` (every category gets one post, the rest
    follow a Zipf law of exponent ``zipf``); otherwise only ``posts`` categories exist. About
    ``english_categories`` of the categories and ``english_posts`` of the posts are English.
    Each of the common oddities appears in about ``oddity_rate`` of the files (0 disables them).
    ``digests`` and ``longs`` are the shares of one-paragraph digests and of long articles; the
    rest are articles.
    The output depends only on the arguments. Raises ``FileExistsError`` if ``out_dir/_posts``
    already holds files, so an existing archive is never mixed into or overwritten.
    """
    if posts < 0 or categories < 1 or days < 1:
        raise ValueError("posts must be >= 0, categories and days >= 1")
    if digests < 0 or longs < 0 or digests + longs > 1:
        raise ValueError("digests and longs must be shares (0-1) adding up to at most 1")
    began = time.perf_counter()
    posts_dir = Path(out_dir) / "_posts"
    if posts_dir.is_dir() and any(posts_dir.iterdir()):
        raise FileExistsError(f"{posts_dir} is not empty; choose a new folder")
    posts_dir.mkdir(parents=True, exist_ok=True)

    rng = random.Random(seed)
    used = min(categories, posts)
    n_english = min(used - 1, round(used * english_categories)) if used > 1 else 0
    cats = _make_categories(rng, used, n_english)
    assignment = _assign_categories(rng, cats, posts, english_posts, zipf)
    sources = [cat.source for cat in cats if not cat.english]
    pools = {
        False: _build_pools(rng, False, sources, 4000),
        True: _build_pools(rng, True, sources, 3000),
    }
    stamps = _timestamps(rng, posts, days)
    day_names = [(start + timedelta(days=d)).isoformat() for d in range(days)]

    languages = {"zh": 0, "en": 0}
    shapes = {"digest": 0, "article": 0, "long": 0}
    oddities: dict[str, list[str]] = {name: [] for name in ODDITIES}
    total_bytes = 0
    counter = 2_200_000_000
    step = max(1, min(3000, (9_999_999_999 - counter) // max(posts, 1)))
    folder = os.fspath(posts_dir)

    for cat, stamp in zip(assignment, stamps, strict=True):
        english = cat.english
        pool = pools[english]
        languages["en" if english else "zh"] += 1
        counter += rng.randint(1, step)
        day, secs = divmod(stamp, 86400)
        day_name = day_names[day]
        post_id = day_name.replace("-", "") + str(counter)
        clock = f"{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}"
        offset = " +0800" if rng.random() < 0.5 else ""
        title = _title(rng, pool, english)
        oddity = _pick_oddity(rng, oddity_rate)

        roll = rng.random()
        shape = "digest" if roll < digests else "article" if roll < 1 - longs else "long"
        if oddity == "quote_digest" and shape == "digest":
            shape = "article"
        elif oddity == "bare_less_than":
            shape = "digest"
        shapes[shape] += 1

        if shape == "digest":
            text = title if rng.random() < 0.03 else _digest(rng, pool, english)
            if oddity == "bare_less_than":
                text += " Less than <1% of it was sold." if english else "其中海外收入占比<1%。"
            body = f"\n{text}"
            url = f"https://news.example.com/{cat.slug}/{day_name}/{post_id}.html"
        else:
            if shape == "article":
                target = int(rng.triangular(*ARTICLE_BYTES))
            else:
                target = int(rng.triangular(*LONG_BYTES))
            twice = shape == "long" and rng.random() < 0.2
            body = _article(rng, pool, english, target // 2 if twice else target, cat.source)
            if twice:
                body += body
            if oddity == "quote_digest":
                body = f"> {_digest(rng, pool, english)}\n\n{body}"
            url = f"https://news.example.com/share.html?infoCode=NW{post_id}"
        if oddity == "empty_source_link":
            url = ""
        footer = _footer(rng, cat)
        body += f"\n\n<{url}>\n\n{footer}" if footer else f"\n\n<{url}>"

        if oddity == "quote_in_title":
            cut = len(title) // 2
            title = f'{title[:cut]}"{title[cut:]}'
        elif oddity == "backslash_in_title":
            # A backslash before a character YAML cannot escape, so the front matter breaks.
            cut = next((i for i in range(len(title) // 2, len(title)) if title[i] not in _ESC), -1)
            title = f"{title[:cut]}\\{title[cut:]}" if cut >= 0 else f"A\\B{title}"
        stamp_text = f"{day_name} {clock}{offset}"
        name = f"{day_name}-{post_id}.md"
        if oddity == "undated":
            title, stamp_text, name = "", " +0800", f"-{post_id}.md"
        text = (
            f'---\nlayout: post\ntitle: "{title}"\ndate: {stamp_text}\n'
            f"categories: {cat.slug}\ntags: {cat.label}\n---\n{body}"
        )
        if oddity == "blank_line_before_front_matter":
            text = "\n" + text
        elif oddity == "trailing_newline":
            text += "\n"
        if oddity:
            oddities[oddity].append(name)
        data = text.encode()
        total_bytes += len(data)
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(data)

    infos = [
        CategoryInfo(cat.slug, cat.label, "en" if cat.english else "zh", cat.posts)
        for cat in cats
        if cat.posts
    ]
    infos.sort(key=lambda info: (-info.posts, info.slug))
    return GeneratedArchive(
        out_dir=Path(out_dir),
        posts_dir=posts_dir,
        posts=posts,
        categories=infos,
        total_bytes=total_bytes,
        seconds=time.perf_counter() - began,
        languages=languages,
        shapes=shapes,
        oddities=oddities,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: generate an archive and print a one-line summary."""
    parser = argparse.ArgumentParser(
        description="Generate a large, realistic Jekyll news archive (OUT_DIR/_posts/*.md)."
    )
    parser.add_argument("out_dir", type=Path, help="folder to create the archive in")
    parser.add_argument("--posts", type=int, required=True, help="how many posts to write")
    parser.add_argument("--categories", type=int, default=2000, help="how many categories")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same files)")
    parser.add_argument(
        "--start", type=date.fromisoformat, default=date(2021, 12, 1), help="first day"
    )
    parser.add_argument("--days", type=int, default=900, help="how many days the posts span")
    parser.add_argument("--zipf", type=float, default=1.2, help="long-tail exponent")
    parser.add_argument(
        "--oddity-rate", type=float, default=0.005, help="share of files with each oddity"
    )
    parser.add_argument(
        "--digests", type=float, default=DIGESTS, help="share of one-paragraph digests"
    )
    parser.add_argument("--longs", type=float, default=LONGS, help="share of long articles")
    args = parser.parse_args(argv)
    try:
        result = generate_archive(
            args.out_dir,
            args.posts,
            args.categories,
            args.seed,
            args.start,
            args.days,
            zipf=args.zipf,
            oddity_rate=args.oddity_rate,
            digests=args.digests,
            longs=args.longs,
        )
    except (FileExistsError, ValueError) as error:
        parser.error(str(error))
    print(result.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
