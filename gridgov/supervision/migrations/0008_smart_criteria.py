from django.db import migrations

# 智慧小区 评星标准 as districts publish them (the district edits, adds and retires them in admin)
CRITERIA = [
    ("face_gate", "人脸识别门禁", 15, "出入口人脸或刷卡识别,访客登记"),
    ("vehicle_gate", "车辆识别道闸", 10, "车牌识别,进出记录可查"),
    ("video", "视频监控全覆盖", 15, "出入口、主要道路、电梯厅、地下车库监控,录像保存30天"),
    ("high_fall", "高空抛物监控", 10, "高层楼栋立面监控"),
    ("fire_iot", "消防物联感知", 15, "烟感、消防水压、消防通道占用监测接入平台"),
    ("elevator_iot", "电梯运行监测", 10, "困人告警、运行状态接入平台"),
    ("ebike", "电动车智能充电及阻车入梯", 10, "集中充电桩,电梯内电动车识别阻止"),
    ("waste", "智能垃圾分类", 5, "分类投放点有满溢或称重感知"),
    ("care_call", "独居老人一键呼叫", 5, "独居、空巢老人家中紧急呼叫设备"),
    ("online_repair", "物业线上报修", 5, "居民可在线报修、查进度、评价"),
]


def seed(apps, schema_editor):
    Criterion = apps.get_model("supervision", "SmartCriterion")
    for sort, (code, name, points, description) in enumerate(CRITERIA):
        Criterion.objects.get_or_create(code=code, defaults={"name": name, "points": points,
                                                             "description": description, "sort": sort})


class Migration(migrations.Migration):
    dependencies = [("supervision", "0007_smart_compounds")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
