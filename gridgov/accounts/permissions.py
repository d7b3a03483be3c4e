"""Permission codes in RuoYi style: `module:entity:action`, with `*` as a wildcard segment."""

from __future__ import annotations

from gridgov.accounts.models import RoleCode

# Every code the platform checks; roles below are the seeds an administrator can change in the admin.
PERMISSIONS = {
    "region:region:list": "查看区划与网格",
    "region:region:edit": "维护区划与网格",
    "region:grid:import": "导入网格边界",
    "org:unit:list": "查看机构",
    "org:unit:edit": "维护机构",
    "people:resident:list": "查看实有人口",
    "people:resident:edit": "维护实有人口",
    "people:resident:reveal": "查看完整身份证号与手机号",
    "people:resident:import": "导入人口与楼栋",
    "people:resident:export": "导出人口与楼栋",
    "people:building:list": "查看楼栋房屋",
    "people:building:edit": "维护楼栋房屋",
    "people:organisation:list": "查看单位组织",
    "people:organisation:edit": "维护单位组织",
    "case:case:list": "查看事件",
    "case:case:report": "上报事件",
    "case:case:dispatch": "受理、派遣、督促事件(综治中心)",
    "case:case:handle": "签收、处置、回单(承办部门)",
    "case:case:verify": "核查结案(网格员)",
    "case:case:supervise": "督办",
    "case:case:reveal": "查看反映人完整电话(回访、核实)",
    "case:kpi:view": "查看统计考核",
    "points:volunteer:verify": "认证志愿者(流动网格员)",
    "points:claim:approve": "审核积分申请",
    "points:redemption:handle": "兑换核销(爱心驿站)",
    "points:ledger:view": "查看积分账户与统计",
    "points:ledger:correct": "积分冲正",
    "points:catalogue:edit": "维护积分项目",
    "points:credit:propose": "登记诚信红灰榜记录",
    "points:credit:approve": "审核诚信红灰榜记录与申诉",
    "care:plan:list": "查看关爱对象与看望记录",
    "care:plan:edit": "关爱建档、结对、暂停与结束",
    "care:device:edit": "登记智能设备",
    "deliberation:topic:list": "查看协商议题",
    "deliberation:topic:propose": "提出协商议题",
    "deliberation:topic:edit": "组织协商议事(审核、会议、表决、实施)",
    "portal:article:edit": "发布通知公告、政策、办事指南、新闻和活动",
    "portal:chat:handle": "办理「我要办事」",
    "portal:slot:edit": "发布预约时段、办理预约",
    "supervision:inspection:do": "物业检查(拍照留痕、复查)",
    "supervision:inspection:manage": "管理小区与检查安排",
    "supervision:score:view": "查看物业信用分与排名",
    "emergency:callout:command": "指挥应急出警(增援、撤销)、查看出警记录",
    "emergency:roster:edit": "应急单元排班",
    "emergency:alert:send": "管理联防群、发布联防预警",
    "account:user:list": "查看用户",
    "account:user:edit": "维护用户与任职",
}

_BASE_STAFF = ["region:region:list", "org:unit:list"]
_PEOPLE_READ = ["people:resident:list", "people:building:list", "people:organisation:list"]
_PEOPLE_WRITE = ["people:resident:edit", "people:building:edit", "people:organisation:edit"]

DEFAULT_ROLES: list[tuple[str, str, list[str], bool]] = [
    (RoleCode.RESIDENT, "居民", [], False),
    (RoleCode.MOBILE_VOLUNTEER, "流动网格员", [], False),
    (RoleCode.BUILDING_HEAD, "楼栋长", ["region:region:list", "people:building:list"], True),
    (RoleCode.GRID_WORKER, "网格员", _BASE_STAFF + _PEOPLE_READ + _PEOPLE_WRITE + ["people:resident:reveal"], True),
    (RoleCode.GRID_CHIEF, "网格长", _BASE_STAFF + _PEOPLE_READ + _PEOPLE_WRITE + ["people:resident:reveal",
                                                                                 "people:resident:export"], True),
    (RoleCode.CENTER_DISPATCHER, "综治中心调度员", _BASE_STAFF + _PEOPLE_READ + ["people:resident:reveal"], True),
    (RoleCode.CENTER_LEADER, "综治中心领导", _BASE_STAFF + _PEOPLE_READ + ["people:resident:export"], True),
    (RoleCode.DEPARTMENT_HANDLER, "部门处置人员", _BASE_STAFF, True),
    (RoleCode.MEDIATOR, "调解员", _BASE_STAFF + ["people:resident:list"], True),
    (RoleCode.EMERGENCY_RESPONDER, "应急队员", _BASE_STAFF, True),
    (RoleCode.ADMIN, "系统管理员", ["*:*:*"], True),
]


def code_matches(granted: str, wanted: str) -> bool:
    g, w = granted.split(":"), wanted.split(":")
    if len(g) != 3 or len(w) != 3:
        return False
    return all(a == "*" or a == b for a, b in zip(g, w, strict=True))
