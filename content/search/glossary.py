"""The platform's own glossary of 四项监督制度 terms, suggested when a search is empty or finds
nothing: the terms a reader of these rules looks up."""

GLOSSARY = (
    "四项监督制度", "责任追究", "有关事项报告", "一报告两评议", "离任检查", "选人用人公信度",
    "民主推荐", "民主测评", "考察对象", "任前公示", "票决制", "全委会", "常委会",
    "动议", "酝酿", "讨论决定", "任职试用期", "干部选拔任用工作记实", "跑官要官",
    "带病提拔", "超职数配备", "突击提拔", "岗前培训", "法规纪律", "12380",
)  # fmt: skip
SUGGESTIONS = 8


def suggestions(query: str = "") -> list[str]:
    """Glossary terms sharing a character pair with ``query`` (most shared first), else the
    glossary's first terms."""
    pairs = {query[i : i + 2] for i in range(len(query) - 1)} if len(query) > 1 else {query}
    pairs.discard("")
    scored = [(sum(pair in term for pair in pairs), n, term) for n, term in enumerate(GLOSSARY)]
    related = [term for score, _, term in sorted(scored, key=lambda s: (-s[0], s[1])) if score]
    return (related or list(GLOSSARY))[:SUGGESTIONS]
