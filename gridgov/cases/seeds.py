"""The category tree and time-limit policies a new district starts with (administrators edit them)."""

# (code, name, kind, department_type, policy, default_urgency, photo_required, on_the_spot, public, safety, keywords)
# 部件 (facilities) 01–09, 事件 (events) 11–19, 综治 matters 21–29; 小类 = 大类 + two digits.
CATEGORIES = [
    ("01", "公用设施", "component", "urban_management", "", "normal", True, False, True, False, ""),
    ("0101", "井盖缺失或破损", "component", "water", "emergency", "urgent", True, False, True, True, "井盖 下水道 窨井"),
    ("0102", "路灯不亮或损坏", "component", "urban_management", "", "normal", True, False, True, False, "路灯 灯不亮"),
    ("0103", "电力通信设施破损", "component", "urban_management", "", "normal", True, False, True, False, "电箱 电线 光缆"),
    ("0104", "消火栓损坏", "component", "fire", "emergency", "urgent", True, False, True, True, "消火栓 消防栓"),
    ("02", "道路交通", "component", "transport", "", "normal", True, False, True, False, ""),
    ("0201", "道路破损坑洼", "component", "transport", "", "normal", True, False, True, False, "坑 路面 破损"),
    ("0202", "护栏隔离设施损坏", "component", "transport", "", "normal", True, False, True, False, "护栏 栏杆"),
    ("0203", "交通标志信号灯损坏", "component", "transport", "emergency", "urgent", True, False, True, True, "红绿灯 信号灯 标志牌"),
    ("0204", "公交站亭损坏", "component", "transport", "", "normal", True, False, True, False, "公交站"),
    ("03", "市容环卫设施", "component", "urban_management", "", "normal", True, False, True, False, ""),
    ("0301", "公厕故障", "component", "urban_management", "", "normal", True, False, True, False, "厕所 公厕"),
    ("0302", "垃圾桶破损或满溢", "component", "urban_management", "", "normal", True, True, True, False, "垃圾桶 满溢"),
    ("0303", "广告牌匾破损", "component", "urban_management", "", "normal", True, False, True, True, "招牌 广告牌 坠落"),
    ("04", "园林绿化", "component", "urban_management", "", "normal", True, False, True, False, ""),
    ("0401", "树木倒伏或枯死", "component", "urban_management", "", "normal", True, False, True, True, "倒树 树枝 枯死"),
    ("0402", "绿地毁坏", "component", "urban_management", "", "normal", True, False, True, False, "绿化 草坪 毁绿"),
    ("11", "市容环境", "event", "urban_management", "", "normal", True, False, True, False, ""),
    ("1101", "暴露垃圾", "event", "urban_management", "", "normal", True, True, True, False, "垃圾 乱扔 堆放"),
    ("1102", "积存渣土", "event", "urban_management", "", "normal", True, False, True, False, "渣土 建筑垃圾"),
    ("1103", "道路不洁", "event", "urban_management", "", "normal", True, True, True, False, "脏 污渍 清扫"),
    ("1104", "私搭乱建", "event", "urban_management", "", "normal", True, False, True, False, "违建 搭建 违章"),
    ("1105", "乱堆物料", "event", "urban_management", "", "normal", True, True, True, False, "杂物 堆放 占用"),
    ("12", "宣传广告", "event", "urban_management", "", "normal", True, False, True, False, ""),
    ("1201", "非法小广告", "event", "urban_management", "", "normal", True, True, True, False, "小广告 牛皮癣 张贴"),
    ("13", "施工管理", "event", "housing", "", "normal", True, False, True, False, ""),
    ("1301", "施工扰民", "event", "housing", "", "urgent", True, False, True, False, "夜间施工 噪音 施工噪声"),
    ("1302", "施工占道", "event", "housing", "", "normal", True, False, True, False, "围挡 占道"),
    ("1303", "工地扬尘", "event", "ecology", "", "normal", True, False, True, False, "扬尘 灰尘"),
    ("14", "突发事件", "event", "emergency_management", "emergency", "urgent", True, False, True, True, ""),
    ("1401", "供水管道破裂", "event", "water", "emergency", "urgent", True, False, True, True, "水管 爆管 漏水 冒水"),
    ("1402", "路面塌陷", "event", "housing", "emergency", "critical", True, False, True, True, "塌陷 地陷"),
    ("1403", "道路积水", "event", "water", "emergency", "urgent", True, False, True, True, "积水 内涝 水浸"),
    ("1404", "火情", "event", "fire", "emergency", "critical", False, False, True, True, "着火 冒烟 火灾 烟雾"),
    ("1405", "燃气泄漏", "event", "emergency_management", "emergency", "critical", False, False, True, True, "燃气 煤气 泄漏"),
    ("15", "街面秩序", "event", "urban_management", "", "normal", True, False, True, False, ""),
    ("1501", "占道经营", "event", "urban_management", "", "normal", True, True, True, False, "摆摊 占道 流动摊贩"),
    ("1502", "流浪乞讨", "event", "civil_affairs", "", "normal", False, False, False, False, "流浪 乞讨"),
    ("1503", "机动车乱停放", "event", "public_security", "", "normal", True, False, True, False, "乱停车 违停 堵门"),
    ("1504", "社会生活噪声", "event", "ecology", "", "normal", False, False, True, False, "噪音 广场舞 音响"),
    ("16", "环境污染", "event", "ecology", "", "normal", True, False, True, False, ""),
    ("1601", "餐饮油烟", "event", "ecology", "", "normal", True, False, True, False, "油烟"),
    ("1602", "污水直排", "event", "ecology", "", "normal", True, False, True, False, "污水 排污 臭水"),
    ("1603", "露天焚烧", "event", "ecology", "emergency", "urgent", True, False, True, True, "焚烧 烧垃圾"),
    ("21", "矛盾纠纷", "governance", "justice", "dispute", "normal", False, False, False, False, ""),
    ("2101", "邻里纠纷", "governance", "justice", "dispute", "normal", False, True, False, False, "邻居 漏水 噪音 纠纷"),
    ("2102", "婚恋家庭纠纷", "governance", "justice", "dispute", "normal", False, False, False, False, "家庭 婚姻 赡养"),
    ("2103", "物业纠纷", "governance", "property", "dispute", "normal", False, False, False, False, "物业费 物业"),
    ("2104", "劳资纠纷", "governance", "human_resources", "dispute", "urgent", False, False, False, False, "欠薪 工资 讨薪"),
    ("22", "治安隐患", "governance", "public_security", "", "normal", False, False, False, False, ""),
    ("2201", "可疑人员物品", "governance", "public_security", "emergency", "urgent", False, False, False, True, "可疑"),
    ("2202", "电信诈骗线索", "governance", "public_security", "", "urgent", False, False, False, False, "诈骗 骗子"),
    ("23", "安全隐患", "governance", "emergency_management", "", "normal", True, False, True, False, ""),
    ("2301", "消防通道堵塞", "governance", "fire", "emergency", "urgent", True, True, True, True, "消防通道 堵塞"),
    ("2302", "电动车楼道充电", "governance", "fire", "", "urgent", True, True, True, True, "电动车 飞线 充电"),
    ("2303", "高空坠物隐患", "governance", "housing", "emergency", "urgent", True, False, True, True, "高空 坠物 外墙"),
    ("2304", "燃气使用隐患", "governance", "emergency_management", "", "urgent", True, False, False, True, "燃气 液化气"),
    ("24", "民生服务", "governance", "civil_affairs", "", "normal", False, False, False, False, ""),
    ("2401", "水电气供应问题", "governance", "water", "", "normal", False, False, True, False, "停水 停电 水压"),
    ("2402", "物业服务问题", "governance", "property", "", "normal", True, False, True, False, "物业 电梯 保洁"),
    ("2403", "政策咨询", "governance", "civil_affairs", "consult", "normal", False, False, False, False, "咨询 社保 医保 低保"),
    ("25", "特殊人群", "governance", "civil_affairs", "", "normal", False, False, False, False, ""),
    ("2501", "独居老人异常", "governance", "civil_affairs", "emergency", "critical", False, False, False, True, "老人 独居 没开门"),
    ("2502", "困难群众求助", "governance", "civil_affairs", "", "urgent", False, False, False, False, "困难 求助 救助"),
]

# (code, name, basis, warn_ratio, grace, {urgency: (acknowledge, arrive, handle, verify)}) in minutes.
# A working day has 7 working hours (08:30–12:00, 14:00–17:30) = 420 minutes.
# (code, name, time basis, warn ratio, escalation grace minutes, {urgency: (签收, 到场, 处置, 核查) minutes})
POLICIES: list[tuple[str, str, str, float, int, dict[str, tuple[int | None, ...]]]] = [
    ("default", "一般事项(工作日计时)", "working", 0.8, 420,
     {"normal": (120, None, 5 * 420, 420), "urgent": (30, 120, 420, 240), "critical": (10, 30, 240, 120)}),
    ("emergency", "突发与安全事项(自然时间)", "natural", 0.8, 120,
     {"normal": (60, 240, 1440, 480), "urgent": (15, 30, 480, 240), "critical": (5, 5, 240, 120)}),
    ("dispute", "矛盾纠纷(一个月内化解)", "natural", 0.8, 1440,
     {"normal": (240, None, 30 * 1440, 2880), "urgent": (60, 1440, 7 * 1440, 1440),
      "critical": (15, 60, 1440, 480)}),
    ("consult", "咨询类(2个工作日答复)", "working", 0.8, 420,
     {"normal": (120, None, 2 * 420, 420), "urgent": (60, None, 420, 420), "critical": (30, None, 240, 240)}),
]


def seed(Category, SlaPolicy, SlaTarget) -> None:
    policies = {}
    for code, name, basis, ratio, grace, targets in POLICIES:
        policy, _ = SlaPolicy.objects.get_or_create(
            code=code, defaults={"name": name, "time_basis": basis, "warn_ratio": ratio,
                                 "escalate_grace_minutes": grace})
        policies[code] = policy
        for urgency, (ack, arrive, handle, verify) in targets.items():
            SlaTarget.objects.get_or_create(policy=policy, urgency=urgency, defaults={
                "acknowledge_minutes": ack, "arrive_minutes": arrive, "handle_minutes": handle,
                "verify_minutes": verify})
    by_code: dict[str, object] = {}
    for i, (code, name, kind, dept, policy, urgency, photo, spot, public, safety, keywords) in enumerate(CATEGORIES):
        parent = by_code.get(code[:2]) if len(code) > 2 else None
        cat, _ = Category.objects.get_or_create(code=code, defaults={
            "name": name, "parent": parent, "kind": kind, "department_type": dept,
            "sla_policy": policies.get(policy), "default_urgency": urgency, "photo_required": photo,
            "on_the_spot_allowed": spot, "is_public_default": public, "is_safety": safety, "keywords": keywords,
            "sort": i})
        by_code[code] = cat


# (category, code, description, datatype, required, values)
QUESTIONS = [
    ("0102", "pole_number", "灯杆编号(灯杆上的喷码)", "string", False, []),
    ("0102", "lamps_out", "不亮的路灯数量", "number", False, []),
    ("1101", "volume", "垃圾大约有多少", "singlevaluelist", False,
     [{"key": "small", "name": "少量(一两袋)"}, {"key": "medium", "name": "较多(一车以内)"},
      {"key": "large", "name": "大量(一车以上)"}]),
    ("0201", "hazard", "是否已影响通行安全", "singlevaluelist", False,
     [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]),
    ("1301", "since", "施工噪声开始时间", "datetime", False, []),
]


def seed_questions(Category, CategoryQuestion) -> None:
    for order, (cat, code, text, datatype, required, values) in enumerate(QUESTIONS, start=1):
        category = Category.objects.filter(code=cat).first()
        if category is not None:
            CategoryQuestion.objects.get_or_create(category=category, code=code, defaults={
                "description": text, "datatype": datatype, "required": required, "order": order, "values": values})
