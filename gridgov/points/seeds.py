"""The default catalogue (four classes, as the field reports' "4类45种积分项目" schemes have): the items a district
starts from and edits in the admin (each change a new version). Points, caps and approval levels follow the
published village and community schemes: small points for frequent deeds with a daily cap, larger ones for rare
ones with evidence and the town's approval."""

from __future__ import annotations

CLASSES = [("safety", "平安建设", 1), ("environment", "环境整治", 2), ("mutual_aid", "邻里互助", 3),
           ("deliberation", "民主议事", 4)]

# key, class, name, points, trigger, daily cap (times), monthly cap (points), evidence, approver
ITEMS = [
    ("report_accepted", "safety", "随手拍上报问题被立案", 5, "case_accepted", 5, 100, False, "community"),
    ("report_fixed", "safety", "上报问题核查办结", 3, "case_verified", 5, 60, False, "community"),
    ("patrol_checkin", "safety", "巡逻打卡(当日满2小时)", 10, "patrol", 1, 200, False, "community"),
    ("patrol", "safety", "参加治安巡逻(每次满2小时)", 10, "manual", 1, 200, True, "community"),
    ("anti_fraud", "safety", "反诈宣传入户", 5, "manual", 2, 100, True, "community"),
    ("fire_hazard", "safety", "协助排查消防隐患", 8, "manual", 2, 160, True, "community"),
    ("flood_duty", "safety", "防汛防台值守", 15, "manual", 1, 300, True, "community"),
    ("missing_person", "safety", "协助寻找走失人员", 20, "manual", 1, None, True, "town"),
    ("clue", "safety", "提供涉黑涉恶、重大隐患线索经核实", 50, "manual", None, None, True, "town"),
    ("sorting_guide", "environment", "垃圾分类桶边督导(每次满1小时)", 5, "manual", 2, 100, True, "community"),
    ("ads_cleanup", "environment", "清理小广告、乱张贴", 3, "manual", 2, 60, True, "community"),
    ("corridor", "environment", "清理楼道堆物", 5, "manual", 1, 60, True, "community"),
    ("greening", "environment", "义务植绿护绿", 5, "manual", 1, 60, True, "community"),
    ("bike_tidy", "environment", "整理共享单车、劝导文明停车", 3, "manual", 2, 60, True, "community"),
    ("dog_advice", "environment", "文明养犬劝导", 3, "manual", 1, 30, False, "community"),
    ("elder_visit", "mutual_aid", "探访独居、空巢老人", 5, "manual", 2, 100, True, "community"),
    ("care_visit", "mutual_aid", "结对关爱上门走访(记录于关爱看望)", 5, "care_visit", 2, 100, False, "community"),
    ("errand", "mutual_aid", "为老人、残疾人代购送药", 5, "manual", 2, 100, False, "community"),
    ("homework_care", "mutual_aid", "课后托管、四点半课堂志愿服务", 8, "manual", 1, 120, True, "community"),
    ("neighbour_peace", "mutual_aid", "劝和邻里纠纷", 10, "manual", 1, 100, False, "community"),
    ("emergency_help", "mutual_aid", "突发事件中救助他人", 30, "manual", None, None, True, "town"),
    ("blood", "mutual_aid", "无偿献血", 20, "manual", 1, 40, True, "community"),
    ("meeting", "deliberation", "参加居民议事会", 5, "manual", 1, 40, False, "community"),
    ("vote", "deliberation", "参与社区事务投票", 2, "manual", 1, 20, False, "community"),
    ("proposal_adopted", "deliberation", "提出建议被采纳", 20, "manual", None, 60, False, "community"),
    ("topic_vote", "deliberation", "参与议事表决(记录于协商议事)", 2, "topic_vote", 1, 20, False, "community"),
    ("topic_adopted", "deliberation", "提出的议题表决通过(记录于协商议事)", 20, "topic_adopted", None, 60, False,
     "community"),
    ("training", "deliberation", "参加志愿服务培训", 5, "manual", 1, 20, True, "community"),
    ("task", "mutual_aid", "完成社区派发的志愿任务(经确认)", 10, "task", 2, 200, False, "community"),
]


# Items counted together: a day's patrol counts once, checked in or claimed; a visit to an elderly person counts
# once whether it was recorded in 关爱看望 or claimed; a vote and an adopted proposal likewise, from 协商议事 or claimed.
CAP_GROUPS = {"patrol_checkin": "patrol", "patrol": "patrol", "care_visit": "elder_visit", "elder_visit": "elder_visit",
              "vote": "vote", "topic_vote": "vote", "proposal_adopted": "adopted", "topic_adopted": "adopted"}


def seed(PointClass, PointItem, at) -> None:
    grouped = any(f.name == "cap_group" for f in PointItem._meta.fields)  # not in the first migrations' model
    classes = {}
    for code, name, sort in CLASSES:
        classes[code], _ = PointClass.objects.get_or_create(code=code, defaults={"name": name, "sort": sort})
    for key, cls, name, points, trigger, daily, monthly, evidence, approver in ITEMS:
        if not PointItem.objects.filter(key=key).exists():
            PointItem.objects.create(key=key, version=1, point_class=classes[cls], name=name, points=points,
                                     trigger=trigger, daily_cap=daily, monthly_cap=monthly,
                                     evidence_required=evidence, approver=approver, valid_from=at,
                                     **({"cap_group": CAP_GROUPS[key]} if grouped and key in CAP_GROUPS else {}))
