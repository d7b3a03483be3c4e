"""What a district starts with: GB/T 31000-2015's 矛盾纠纷 事件类型 (大类, the 小类 the standard's text gives a code,
and each 大类's xx99 其他) and a three-colour 预警 scheme (蓝/黄/红; administrators change or add levels)."""

TYPES = [
    ("01", "婚恋家庭纠纷"), ("0101", "恋爱及婚姻纠纷"), ("0102", "抚养赡养监护纠纷"), ("0103", "分家与继承纠纷"),
    ("02", "邻里纠纷"), ("0201", "用水排水通行通风采光纠纷"), ("0202", "相邻土地建筑利用纠纷"),
    ("0203", "相邻污染损害防止纠纷"),
    ("03", "人格权纠纷"), ("04", "物权相关纠纷"), ("0402", "物业及其管理纠纷"),
    ("05", "侵权相关纠纷"), ("06", "合同及相关纠纷"), ("07", "劳动人事争议"), ("08", "金融借贷纠纷"),
    ("09", "土地及资源权属纠纷"), ("10", "其他民商事纠纷"), ("11", "城乡建设发展纠纷"), ("12", "涉民政纠纷"),
    ("13", "其他行政执法纠纷"), ("14", "涉法涉诉纠纷"), ("15", "涉组织涉纪检纠纷"), ("16", "涉民族宗教纠纷"),
    ("99", "其他纠纷"),
]

# The 司法部 category each GB/T 31000 type is counted under (a 小类 before its 大类; "15" 其他 otherwise).
MOJ_BY_TYPE = {
    "01": "01", "02": "02", "03": "06", "04": "03", "0402": "14", "05": "06", "06": "04", "07": "10", "08": "04",
    "09": "07", "10": "05", "11": "08",
}


def moj_category_of(code: str) -> str:
    return MOJ_BY_TYPE.get(code) or MOJ_BY_TYPE.get(code[:2]) or "15"


# (code, name, colour, rank, lead, report within minutes, escalate after hours without progress)
LEVELS = [
    ("blue", "蓝色(一般)", "#409eff", 1, "grid_worker", None, None),
    ("yellow", "黄色(可能激化)", "#e6a23c", 2, "community", 24 * 60, 72),
    ("red", "红色(重大风险)", "#f56c6c", 3, "joint", 0, 24),
]


# 回访 within this many days of an agreement, per colour (migration 0007; administrators change it)
FOLLOW_UP_DAYS = {"blue": 30, "yellow": 15, "red": 7}


def seed(DisputeType, RiskLevel) -> None:
    """(Migration 0002 runs it on a model without `moj_category`; 0005 sets that from `moj_category_of`.)"""
    has_moj = any(f.name == "moj_category" for f in DisputeType._meta.get_fields())

    def moj(code: str) -> dict:
        return {"moj_category": moj_category_of(code)} if has_moj else {}

    by_code: dict[str, object] = {}
    for code, name in TYPES:
        parent = by_code.get(code[:2]) if len(code) == 4 else None
        by_code[code], _ = DisputeType.objects.get_or_create(code=code, defaults={
            "name": name, "parent": parent, **moj(code)})
    for code, name in TYPES:
        if len(code) == 2 and code != "99":
            DisputeType.objects.get_or_create(code=f"{code}99", defaults={
                "name": f"其他{name}", "parent": by_code[code], **moj(code)})
    for code, name, color, rank, lead, report, escalate in LEVELS:
        RiskLevel.objects.get_or_create(code=code, defaults={
            "name": name, "color": color, "rank": rank, "lead": lead, "report_within_minutes": report,
            "escalate_after_hours": escalate})
